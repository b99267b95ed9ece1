"""A test media type, ``tests.slow``: files named ``*.slow`` starting with ``SLOW``.

Its ``initial`` processor is slow on purpose, so a test can kill a worker in the middle of
a task, and it leaves traces a test can count without mocking anything:

- on start it appends ``started <media id> <pid>`` to ``started_marker``;
- it writes a partial ``story.txt`` in its workbench, sleeps ``seconds``, then completes it;
- it publishes that file as ``story`` and appends ``finished <media id> <pid>`` to
  ``finished_marker`` (only a run that got there completes).

With ``crash = true`` it raises RuntimeError instead, as a buggy processor would.
"""

from __future__ import annotations

import os
import time

from goblin.config.spec import Key
from goblin.config.types import Boolean, Number, Optional, Path
from goblin.media_types import MediaType
from goblin.plugins import get_plugin_config

MEDIA_TYPE_NAME = "tests.slow"
MAGIC = b"SLOW"
PARTIAL = "partial: the processor was stopped here\n"
COMPLETE = "complete: every line of the story\n"
CRASH_MESSAGE = "the tests.slow processor crashed on purpose"

config_spec = {
    "started_marker": Key(Optional(Path()), None, "File that gets a line when a run starts."),
    "finished_marker": Key(Optional(Path()), None, "File that gets a line when a run ends."),
    "seconds": Key(Number(0), 0, "How long a run takes."),
    "crash": Key(Boolean(), False, "Raise RuntimeError instead of processing."),
}


def sniff(path: str) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _mark(path: str | None, line: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def process_initial(ctx) -> None:
    options = get_plugin_config(ctx.registry, __name__)
    entry_id = ctx.entry.id
    _mark(options["started_marker"], f"started {entry_id} {os.getpid()}")
    if options["crash"]:
        raise RuntimeError(CRASH_MESSAGE)
    with open(ctx.fetch_original(), "rb") as handle:
        original = handle.read()
    story = ctx.workbench_path("story.txt")
    with open(story, "w", encoding="utf-8") as handle:
        handle.write(PARTIAL)
    time.sleep(options["seconds"])
    with open(story, "w", encoding="utf-8") as handle:
        handle.write(COMPLETE + original[len(MAGIC) :].decode("utf-8", "replace"))
    ctx.add_output("story", story, "story.txt")
    _mark(options["finished_marker"], f"finished {entry_id} {os.getpid()}")


def includeme(config) -> None:
    config.add_media_type(
        MediaType(
            name=MEDIA_TYPE_NAME,
            human_name="Slow story",
            extensions=("slow",),
            sniffer=sniff,
            processors={"initial": process_initial},
            display_template="slow/story.html",
            media_fetch_order=("story",),
        )
    )
    config.add_jinja2_search_path("tests.plugins:templates", name=".html")
