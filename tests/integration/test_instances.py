"""Several instances on one server, as the operator guide lists them.

Two site folders, ``photos`` and ``family``, each with its own mediagoblin.ini and
paste.ini, database, data folder and CELERY_DEFAULT_QUEUE, share this checkout, its .venv
and the one RabbitMQ. Each gets its own worker, started side by side with beat:
``photos`` with Celery's command (MEDIAGOBLIN_CONFIG naming its ini), ``family`` with
``gmg -cf .../mediagoblin.ini celery``; neither is given a -Q. Uploads to each are
processed by that instance's worker and never by the other one.
"""

from __future__ import annotations

import glob
import os
import re
import uuid

from sqlalchemy import select

from goblin.db import session_scope
from goblin.db.models import MediaEntry
from tests.conftest import login
from tests.functional.media_helpers import PASSWORD, entry_dir, upload
from tests.integration.workers import (
    celery_settings,
    celery_worker_argv,
    gmg_celery_argv,
    parent_pid,
    requires_rabbitmq,
    wait_for,
)
from tests.plugins.slow_type import COMPLETE

pytestmark = requires_rabbitmq

UPLOADS_PER_INSTANCE = 3
TASK_LOG = re.compile(r"goblin\.process_media\[([0-9a-f]+)\]")


def instance_entries(site) -> list[dict]:
    with session_scope(site.registry) as dbsession:
        return [
            {
                "id": entry.id,
                "title": entry.title,
                "state": entry.state,
                "task_id": entry.queued_task_id,
                "files": {f.name: list(f.file_path) for f in entry.files},
            }
            for entry in dbsession.scalars(select(MediaEntry).order_by(MediaEntry.id))
        ]


def marker_lines(path: str) -> list[tuple[int, int]]:
    """(media id, pid) of every line of a slow_type marker file."""
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [(int(line.split()[1]), int(line.split()[2])) for line in handle if line.strip()]


def test_two_instances_share_the_code_and_rabbitmq_but_not_their_work(
    make_site, make_queue, workers, tmp_path
):
    sites = {}
    for name in ("photos", "family"):
        folder = str(tmp_path / name)
        sites[name] = make_site(
            folder=folder,
            sections={
                "mediagoblin": {"html_title": name.title()},
                **celery_settings(make_queue()),
            },
            plugins={
                "tests.plugins.slow_type": {
                    "started_marker": os.path.join(folder, "started.txt"),
                    "finished_marker": os.path.join(folder, "finished.txt"),
                }
            },
        )
        sites[name].add_user("alice", PASSWORD)
    photos, family = sites["photos"], sites["family"]
    queues = {
        name: site.registry.celery_app.conf.task_default_queue for name, site in sites.items()
    }
    assert queues["photos"] != queues["family"]
    assert photos.database_url != family.database_url

    started = {
        "photos": workers(
            celery_worker_argv(f"inst1-{uuid.uuid4().hex[:8]}", "--beat"),
            photos.ini_path,
            "photos",
            cwd=photos.folder,
        ),
        # No MEDIAGOBLIN_CONFIG: -cf alone names the instance.
        "family": workers(
            gmg_celery_argv(family.ini_path, f"inst2-{uuid.uuid4().hex[:8]}"),
            None,
            "family",
            cwd=family.folder,
        ),
    }
    for worker in started.values():
        assert "-Q" not in worker.argv and "--queues" not in worker.argv

    browsers = {name: site.testapp() for name, site in sites.items()}
    for name, browser in browsers.items():
        login(browser, "alice", PASSWORD)
        assert name.title() in browser.get("/").html.title.get_text()
    for number in range(UPLOADS_PER_INSTANCE):
        for name, browser in browsers.items():
            body = f"SLOW {name} story {number}".encode()
            upload(browser, body, f"{name}-{number}.slow", title=f"{name} {number}", status=302)

    def all_processed():
        rows = {name: instance_entries(site) for name, site in sites.items()}
        done = all(
            len(entries) == UPLOADS_PER_INSTANCE
            and all(entry["state"] in ("processed", "failed") for entry in entries)
            for entries in rows.values()
        )
        return done and rows

    rows = wait_for(all_processed, "both instances' uploads to be processed", *started.values())

    for name, site in sites.items():
        other = "family" if name == "photos" else "photos"
        worker = started[name]
        log = worker.output()
        entries = rows[name]
        assert [entry["state"] for entry in entries] == ["processed"] * UPLOADS_PER_INSTANCE, (
            entries,
            log,
        )
        # Each worker consumed its own instance's queue, named in its ini only.
        assert f".> {queues[name]} " in log
        assert queues[other] not in log
        # Each worker ran exactly its own instance's tasks, and none of the other's.
        own_tasks = {entry["task_id"] for entry in entries}
        other_tasks = {entry["task_id"] for entry in rows[other]}
        ran = set(TASK_LOG.findall(log))
        assert ran == own_tasks, log
        assert not ran & other_tasks
        # Each instance's processor runs were this worker's pool, once per entry.
        finished = marker_lines(os.path.join(site.folder, "finished.txt"))
        assert sorted(media_id for media_id, _ in finished) == [e["id"] for e in entries]
        assert {parent_pid(pid) for _, pid in finished} == {worker.pid}
        # The processed files are in this instance's data folder, made from its uploads.
        for number, entry in enumerate(entries):
            story_path = os.path.join(entry_dir(site, entry["id"]), "story.txt")
            assert story_path.startswith(os.path.join(site.folder, "user_dev") + os.sep)
            with open(story_path, encoding="utf-8") as handle:
                assert handle.read() == f"{COMPLETE} {name} story {number}"
        # Beat keeps its schedule in the instance's own data folder.
        assert glob.glob(os.path.join(site.folder, "user_dev", "celerybeat-schedule*")), log
