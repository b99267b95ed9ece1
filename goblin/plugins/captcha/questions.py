"""Text questions: the accessible alternative to the picture, answerable with a screen reader.

Numbers in questions are written in words, so the question reads naturally aloud; answers
may be given in digits or in words ("11" or "eleven"). Every choice comes from ``secrets``.
"""

from __future__ import annotations

import re
import secrets

NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)
ORDINALS = ("first", "second", "third", "fourth", "fifth")
#: Short, common words that a screen reader pronounces clearly.
WORDS = (
    "apple",
    "bread",
    "chair",
    "cloud",
    "dog",
    "garden",
    "green",
    "horse",
    "house",
    "lamp",
    "lemon",
    "moon",
    "orange",
    "pencil",
    "river",
    "road",
    "shoe",
    "spoon",
    "star",
    "stone",
    "sun",
    "table",
    "tiger",
    "train",
    "tree",
    "water",
    "window",
    "yellow",
)

_rng = secrets.SystemRandom()


def _number(value: int) -> str:
    return NUMBER_WORDS[value]


def _sum() -> tuple[str, str]:
    a, b = _rng.randint(1, 10), _rng.randint(1, 10)
    return f"What is {_number(a)} plus {_number(b)}?", str(a + b)


def _difference() -> tuple[str, str]:
    a = _rng.randint(6, 20)
    b = _rng.randint(1, a - 1)
    return f"What is {_number(a)} minus {_number(b)}?", str(a - b)


def _largest() -> tuple[str, str]:
    values = _rng.sample(range(1, 21), 3)
    first, second, third = (_number(value) for value in values)
    return f"Which number is the largest: {first}, {second} or {third}?", str(max(values))


def _nth_word() -> tuple[str, str]:
    words = _rng.sample(WORDS, 5)
    index = secrets.randbelow(5)
    return f"Type the {ORDINALS[index]} word of: {' '.join(words)}.", words[index]


KINDS = (_sum, _difference, _largest, _nth_word)


def new_question() -> tuple[str, str]:
    """A random (question, answer) pair; the answer is in ``normalize_text``'s form."""
    return secrets.choice(KINDS)()


def normalize_text(raw: str) -> str:
    """Lower case, no punctuation, single spaces, and a number word turned into digits."""
    text = " ".join(re.sub(r"[^\w\s]", " ", raw.casefold()).split())
    if text in NUMBER_WORDS:
        return str(NUMBER_WORDS.index(text))
    return text
