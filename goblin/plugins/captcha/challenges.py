"""Issuing and checking challenges: one path for the picture, the text question and the pow.

A challenge is a row of ``captcha__challenges`` bound to the visitor's session by the hash
of a random ``captcha_sid`` kept in the session (never the answer: the session cookie is
signed, not encrypted). Checking one marks it used whatever the outcome, so each challenge
gets exactly one try; the re-rendered form issues a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from goblin.db.types import utcnow
from goblin.plugins.captcha import image, questions
from goblin.plugins.captcha.models import Challenge

log = logging.getLogger(__name__)

SID_KEY = "captcha_sid"
#: Form fields: the main challenge (picture or pow) and the text alternative.
ID_FIELD, ANSWER_FIELD = "captcha_id", "captcha_answer"
ALT_ID_FIELD, ALT_ANSWER_FIELD = "captcha_alt_id", "captcha_alt_answer"
MAX_ID_LENGTH = 64
MAX_ANSWER_LENGTH = 64
#: Seconds between sweeps of expired rows, per process.
SWEEP_INTERVAL = 30

MISSING = "Please answer the anti-spam question before creating your account."
WRONG = "That answer to the anti-spam question wasn't right. Please answer the new one below."
STALE = "That anti-spam question had expired or was already used. Please answer the new one below."
POW_MISSING = (
    "Your browser had not finished the anti-spam check, which needs JavaScript. "
    "Please wait until it says it is done, then send the form again."
)
POW_WRONG = "Your browser's anti-spam check did not add up. Please send the form again."


@dataclass(frozen=True)
class Issued:
    """What the form needs to show one challenge (never its answer)."""

    id: str
    kind: str
    question: str | None = None
    difficulty: int | None = None


@dataclass(frozen=True)
class CaptchaForm:
    """The challenges of one rendering of the registration form."""

    mode: str
    main: Issued
    alternative: Issued | None
    alternative_open: bool
    image_width: int
    image_height: int
    image_length: int


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def session_hash(request, *, create: bool) -> str | None:
    """SHA-256 of this visitor's ``captcha_sid``, made (and put in the session) if asked."""
    sid = request.session.get(SID_KEY)
    if not isinstance(sid, str) or not sid:
        if not create:
            return None
        sid = secrets.token_urlsafe(32)
        request.session[SID_KEY] = sid
    return _sha256(sid)


def normalize(kind: str, raw: str) -> str:
    """The form of an answer that is hashed: pictures ignore case and spaces."""
    if kind == "image":
        return "".join(raw.split()).upper()
    return questions.normalize_text(raw)


def leading_zero_bits(digest: bytes) -> int:
    return len(digest) * 8 - int.from_bytes(digest, "big").bit_length()


def pow_solved(nonce: str, counter: str, difficulty: int) -> bool:
    """True if SHA-256(nonce + ":" + counter) starts with ``difficulty`` zero bits."""
    if not (counter.isascii() and counter.isdigit()) or len(counter) > 20:
        return False
    digest = hashlib.sha256(f"{nonce}:{counter}".encode("ascii")).digest()
    return leading_zero_bits(digest) >= difficulty


class Captcha:
    """The plugin's service, kept on the registry as ``registry.captcha``."""

    def __init__(self, options: dict[str, Any], secret: bytes, engine: Engine) -> None:
        self.options = options
        self._key = hmac.new(secret, b"goblin.plugins.captcha", hashlib.sha256).digest()
        self._engine = engine
        self._last_sweep: float | None = None

    def answer_hash(self, challenge_id: str, answer: str) -> str:
        """HMAC-SHA256 (hex), under a key derived from the site secret, of id and answer."""
        message = f"{challenge_id}\x00{answer}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    # --- issuing ------------------------------------------------------------------------

    def new_form(self, request) -> CaptchaForm:
        """Issue the challenges for one rendering of the form (request.new_captcha())."""
        # The page names this visitor's challenges: no cache may keep it or show it again.
        request.response.cache_control.no_store = True
        self.sweep_expired()
        mode = self.options["mode"]
        alternative = None
        if mode == "pow":
            main = self.issue(request, "pow")
        else:
            main = self.issue(request, "image")
            if self.options["text_alternative"]:
                alternative = self.issue(request, "text")
        wants_alternative = request.params.get("captcha_alternative") == "1" or bool(
            request.POST.get(ALT_ANSWER_FIELD, "").strip()
        )
        return CaptchaForm(
            mode=mode,
            main=main,
            alternative=alternative,
            alternative_open=alternative is not None and wants_alternative,
            image_width=self.options["image_width"],
            image_height=self.options["image_height"],
            image_length=self.options["image_length"],
        )

    def issue(self, request, kind: str) -> Issued:
        """Store a new challenge of ``kind`` for this visitor and say how to show it."""
        now = utcnow()
        challenge = Challenge(
            id=secrets.token_urlsafe(24),
            kind=kind,
            session_hash=session_hash(request, create=True),
            created=now,
            expires=now + dt.timedelta(seconds=self.options["expiry_seconds"]),
            used=False,
        )
        issued = Issued(id=challenge.id, kind=kind)
        if kind == "image":
            text = image.random_text(self.options["image_length"])
            challenge.answer_hash = self.answer_hash(challenge.id, normalize(kind, text))
            challenge.image = image.render_png(
                text, self.options["image_width"], self.options["image_height"]
            )
        elif kind == "text":
            question, answer = questions.new_question()
            challenge.answer_hash = self.answer_hash(challenge.id, normalize(kind, answer))
            issued = Issued(id=challenge.id, kind=kind, question=question)
        elif kind == "pow":
            challenge.difficulty = self.options["pow_difficulty"]
            issued = Issued(id=challenge.id, kind=kind, difficulty=challenge.difficulty)
        else:  # pragma: no cover - programming error
            raise ValueError(f"unknown challenge kind {kind!r}")
        request.dbsession.add(challenge)
        return issued

    def sweep_expired(self) -> None:
        """Delete expired challenges, at most every SWEEP_INTERVAL seconds per process.

        It runs in its own short transaction so the request never holds locks on other
        visitors' rows; a failure (a concurrent sweep, say) is logged and ignored.
        """
        now = time.monotonic()
        last = self._last_sweep
        if last is not None and now - last < SWEEP_INTERVAL:
            return
        self._last_sweep = now
        try:
            with self._engine.begin() as connection:
                connection.execute(delete(Challenge).where(Challenge.expires < utcnow()))
        except DBAPIError:
            log.warning("could not delete expired CAPTCHA challenges", exc_info=True)

    # --- checking -----------------------------------------------------------------------

    def check(self, request) -> str | None:
        """Check the answer in the POSTed form: None if it passes, else why not.

        Every challenge named in the form that belongs to this visitor is used up.
        """
        post = request.POST
        main_id = post.get(ID_FIELD, "").strip()[:MAX_ID_LENGTH]
        alt_id = post.get(ALT_ID_FIELD, "").strip()[:MAX_ID_LENGTH]
        alt_answer = post.get(ALT_ANSWER_FIELD, "")[:MAX_ANSWER_LENGTH]
        if alt_id and alt_answer.strip():
            chosen_id, answer = alt_id, alt_answer
        else:
            chosen_id, answer = main_id, post.get(ANSWER_FIELD, "")[:MAX_ANSWER_LENGTH]

        visitor = session_hash(request, create=False)
        dbsession = request.dbsession
        challenge = dbsession.get(Challenge, chosen_id) if chosen_id else None
        if challenge is not None and (
            visitor is None or not hmac.compare_digest(challenge.session_hash, visitor)
        ):
            challenge = None  # someone else's challenge is no business of this visitor
        claimed = {
            challenge_id: self._use(dbsession, challenge_id, visitor)
            for challenge_id in {main_id, alt_id}
            if challenge_id and visitor is not None
        }

        if challenge is None:
            return STALE if chosen_id else MISSING
        if not answer.strip():
            return POW_MISSING if challenge.kind == "pow" else MISSING
        if not claimed.get(challenge.id) or challenge.expires <= utcnow():
            return STALE
        if challenge.kind == "pow":
            return (
                None
                if pow_solved(challenge.id, answer.strip(), challenge.difficulty)
                else POW_WRONG
            )
        expected = challenge.answer_hash or ""
        given = self.answer_hash(challenge.id, normalize(challenge.kind, answer))
        return None if hmac.compare_digest(expected, given) else WRONG

    @staticmethod
    def _use(dbsession, challenge_id: str, visitor: str) -> bool:
        """Mark the challenge used; True only for the one request that did so first."""
        result = dbsession.execute(
            update(Challenge)
            .where(
                Challenge.id == challenge_id,
                Challenge.session_hash == visitor,
                Challenge.used.is_(False),
            )
            .values(used=True, image=None)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def check_registration(form, request) -> bool:
    """The ``auth_extra_validation`` hook: veto a registration without a right answer."""
    captcha = getattr(request.registry, "captcha", None)
    if captcha is None:  # the plugin's includeme did not run (not enabled this way)
        return True
    problem = captcha.check(request)
    if problem is None:
        return True
    form.form_errors.append(problem)
    return False


def new_captcha(request) -> CaptchaForm:
    """``request.new_captcha()``: issue the challenges the registration form shows."""
    return request.registry.captcha.new_form(request)
