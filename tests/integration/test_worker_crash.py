"""A worker killed in the middle of processing: the task runs again, and completes once.

Tasks are acknowledged late (only when finished) and each worker process reserves one
task ahead (prefetch 1). The slow ``tests.slow`` processor (tests/plugins/slow_type.py)
marks when a run starts and when it completes, so the tests count runs without mocks.

Two ways a worker dies, one test each:

- the whole worker (main process and prefork pool child) is SIGKILLed, as when the
  machine or the service dies: nothing acknowledged the message, so RabbitMQ takes it
  back when the connection drops and gives it to the next worker that starts;
- only the pool child is SIGKILLed (an OOM kill): the main process reports
  WorkerLostError and, with task_reject_on_worker_lost, requeues the task, which its
  new pool child runs again.
"""

from __future__ import annotations

import os
import signal
import uuid

import pytest
import webtest
from sqlalchemy import select

from goblin.db import session_scope
from goblin.db.models import MediaEntry, MediaFile
from tests.conftest import login
from tests.functional.media_helpers import PASSWORD, entry_dir, files_under, upload
from tests.integration.workers import (
    celery_settings,
    celery_worker_argv,
    pid_alive,
    ready_messages,
    requires_rabbitmq,
    wait_for,
)
from tests.plugins.slow_type import COMPLETE, MEDIA_TYPE_NAME, PARTIAL

pytestmark = requires_rabbitmq

#: Long enough to kill the worker mid-task, short enough to keep the test quick.
PROCESSING_SECONDS = 3


def read_lines(path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def entry_rows(site) -> dict[str, dict]:
    """Every entry by title: its state, files and task."""
    with session_scope(site.registry) as dbsession:
        return {
            entry.title: {
                "id": entry.id,
                "state": entry.state,
                "slug": entry.slug,
                "media_type": entry.media_type,
                "task_sent_at": entry.task_sent_at,
                "queued_task_id": entry.queued_task_id,
                "queued_media_file": entry.queued_media_file,
                "fail_metadata": entry.fail_metadata,
                "files": {f.name: list(f.file_path) for f in entry.files},
            }
            for entry in dbsession.scalars(select(MediaEntry).order_by(MediaEntry.id))
        }


def file_rows(site, entry_id: int) -> list[str]:
    with session_scope(site.registry) as dbsession:
        return list(
            dbsession.scalars(select(MediaFile.name).where(MediaFile.media_entry == entry_id))
        )


@pytest.fixture
def slow_site(make_site, own_queue, tmp_path):
    site = make_site(
        sections=celery_settings(own_queue),
        plugins={
            "tests.plugins.slow_type": {
                "started_marker": str(tmp_path / "started.txt"),
                "finished_marker": str(tmp_path / "finished.txt"),
                "seconds": str(PROCESSING_SECONDS),
            }
        },
    )
    site.add_user("alice", PASSWORD)
    yield site
    site.registry.celery_app.close()


def test_a_worker_killed_mid_task_leaves_the_task_to_the_next_worker(
    slow_site, own_queue, workers, tmp_path
):
    started, finished = tmp_path / "started.txt", tmp_path / "finished.txt"
    browser = slow_site.testapp()
    login(browser, "alice", PASSWORD)
    upload(browser, b"SLOW once upon a time", "first.slow", title="First story", status=302)
    upload(browser, b"SLOW and then", "second.slow", title="Second story", status=302)
    rows = entry_rows(slow_site)
    assert [row["state"] for row in rows.values()] == ["unprocessed", "unprocessed"]
    assert all(row["task_sent_at"] is not None for row in rows.values())
    first, second = rows["First story"]["id"], rows["Second story"]["id"]

    # A prefork worker, as in production: a main process and one pool child.
    doomed = workers(
        celery_worker_argv(f"crash-a-{uuid.uuid4().hex[:8]}", pool="prefork"),
        slow_site.ini_path,
        "doomed",
    )
    wait_for(lambda: read_lines(started), "the first task to start", doomed)
    [(_, media_id, child_pid)] = [line.split() for line in read_lines(started)]
    assert int(media_id) == first
    assert int(child_pid) != doomed.pid  # it runs in the pool child
    # One task reserved at a time: the second upload is still waiting in the queue.
    assert ready_messages(own_queue) == 1
    assert entry_rows(slow_site)["First story"]["state"] == "processing"

    doomed.kill()
    wait_for(lambda: not pid_alive(int(child_pid)), "the pool child to die")

    # Killed mid-task: nothing of the first run is published.
    rows = entry_rows(slow_site)
    assert rows["First story"]["state"] == "processing"
    assert rows["First story"]["files"] == {}
    assert file_rows(slow_site, first) == []
    assert files_under(entry_dir(slow_site, first)) == []
    assert rows["First story"]["queued_media_file"] is not None  # the original is kept
    assert read_lines(finished) == []
    # The unacknowledged task went back to the queue, beside the one never started.
    wait_for(lambda: ready_messages(own_queue) == 2, "RabbitMQ to take the task back")

    survivor = workers(
        celery_worker_argv(f"crash-b-{uuid.uuid4().hex[:8]}", pool="prefork"),
        slow_site.ini_path,
        "survivor",
    )

    def both_done():
        rows = entry_rows(slow_site)
        return all(row["state"] in ("processed", "failed") for row in rows.values()) and rows

    rows = wait_for(both_done, "both entries to be processed", survivor)
    assert [row["state"] for row in rows.values()] == ["processed", "processed"], (
        rows,
        survivor.output(),
    )

    # Each entry was completed exactly once; the first was started twice (killed once).
    assert sorted(line.split()[1] for line in read_lines(finished)) == sorted(
        [str(first), str(second)]
    )
    assert sorted(line.split()[1] for line in read_lines(started)) == sorted(
        [str(first), str(first), str(second)]
    )
    assert ready_messages(own_queue) == 0

    browser = webtest.TestApp(slow_site.wsgi_app())
    for title, body in (("First story", "once upon a time"), ("Second story", "and then")):
        row = rows[title]
        assert row["media_type"] == MEDIA_TYPE_NAME
        assert row["queued_media_file"] is None
        assert set(row["files"]) == {"story"}
        assert files_under(entry_dir(slow_site, row["id"])) == ["story.txt"]
        # What a visitor gets is the complete story, never the partial first run.
        page = browser.get(f"/u/alice/m/{row['slug']}/")
        story = browser.get(page.html.select_one("a.story-link")["href"]).text
        assert story == COMPLETE + " " + body
        assert PARTIAL not in story


@pytest.mark.parametrize("databases", ["sqlite"], indirect=True)  # a broker matter: one is enough
def test_a_pool_child_killed_mid_task_is_requeued_by_its_worker(
    slow_site, own_queue, workers, tmp_path
):
    """The other way in: only the pool child dies (an OOM kill, say). The main process
    sees WorkerLostError and, with task_reject_on_worker_lost, puts the task back on the
    queue; its fresh pool child runs it again."""
    started, finished = tmp_path / "started.txt", tmp_path / "finished.txt"
    browser = slow_site.testapp()
    login(browser, "alice", PASSWORD)
    upload(browser, b"SLOW the end", "only.slow", title="Only story", status=302)
    worker = workers(
        celery_worker_argv(f"crash-c-{uuid.uuid4().hex[:8]}", pool="prefork"),
        slow_site.ini_path,
        "worker",
    )
    wait_for(lambda: read_lines(started), "the task to start", worker)
    [(_, media_id, child_pid)] = [line.split() for line in read_lines(started)]
    assert int(child_pid) != worker.pid

    os.kill(int(child_pid), signal.SIGKILL)

    def done():
        row = entry_rows(slow_site)["Only story"]
        return row["state"] in ("processed", "failed") and row

    row = wait_for(done, "the requeued task to be processed", worker)
    assert row["state"] == "processed", worker.output()
    assert [line.split()[1] for line in read_lines(started)] == [media_id, media_id]
    assert [line.split()[1] for line in read_lines(finished)] == [media_id]
    assert read_lines(started)[1].split()[2] != child_pid  # run by a fresh pool child
    assert "WorkerLostError" in worker.output()
    assert ready_messages(own_queue) == 0
    story = os.path.join(entry_dir(slow_site, row["id"]), "story.txt")
    with open(story, encoding="utf-8") as handle:
        assert handle.read() == COMPLETE + " the end"
