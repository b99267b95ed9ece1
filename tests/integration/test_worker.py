"""Processing on a real Celery worker through the real RabbitMQ at 127.0.0.1:5672.

Each test has its own site (database, data folder) and its own queue, and starts its own
worker process the way an operator does: ``celery -A goblin.celery worker`` with
MEDIAGOBLIN_CONFIG, or ``gmg celery``. The queue and its exchange are deleted afterwards.
"""

from __future__ import annotations

import io
import os
import uuid

import pytest
import webtest
from PIL import Image
from sqlalchemy import select

from goblin import gmg
from goblin.db import session_scope
from goblin.db.models import MediaEntry
from tests.conftest import login
from tests.integration.workers import (
    BIN,
    BROKER_URL,
    QUIET_FLAGS,
    Worker,
    delete_queue,
    requires_rabbitmq,
    unique_queue,
    wait_for,
)

pytestmark = requires_rabbitmq
WORKER_FLAGS = ["--pool=solo", "--concurrency=1", *QUIET_FLAGS]


def jpeg_bytes(size=(800, 600), color=(30, 120, 220)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def queue_name():
    """A queue of this test's own; it and its exchange are deleted at the end."""
    name = unique_queue()
    yield name
    delete_queue(name)


@pytest.fixture
def worker_site(make_site, queue_name):
    """A site that sends processing to RabbitMQ on its own queue; alice may upload."""
    site = make_site(
        sections={
            "celery": {
                "CELERY_ALWAYS_EAGER": "false",
                "BROKER_URL": BROKER_URL,
                "CELERY_DEFAULT_QUEUE": queue_name,
            }
        },
        plugins={"goblin.media_types.image": {}},
    )
    site.add_user("alice", "correct horse")
    yield site
    site.registry.celery_app.close()


@pytest.fixture
def start_worker(worker_site, tmp_path):
    """Start a worker with the given command; every worker is stopped at the end."""
    workers: list[Worker] = []

    def start(command: list[str]) -> Worker:
        name = f"test-{uuid.uuid4().hex[:12]}@%h"
        log_path = str(tmp_path / f"worker{len(workers)}.log")
        worker = Worker(
            [*command, "-n", name, *WORKER_FLAGS],
            worker_site.ini_path,
            log_path,
            worker_site.folder,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_until_processed(site, worker: Worker, title: str) -> dict:
    """Poll the database until the entry titled ``title`` leaves the queue (or time is up)."""

    def finished() -> dict | None:
        with session_scope(site.registry) as dbsession:
            entry = dbsession.scalar(select(MediaEntry).where(MediaEntry.title == title))
            if entry is None or entry.state not in ("processed", "failed"):
                return None
            return {
                "id": entry.id,
                "state": entry.state,
                "slug": entry.slug,
                "fail_metadata": entry.fail_metadata,
                "queued_media_file": entry.queued_media_file,
                "files": {f.name: list(f.file_path) for f in entry.files},
            }

    return wait_for(finished, f"entry {title!r} to be processed", worker)


def assert_processed_and_shown(site, entry: dict, title: str, worker: Worker) -> None:
    assert entry["state"] == "processed", (entry["fail_metadata"], worker.output())
    assert entry["queued_media_file"] is None
    assert {"original", "medium", "thumb"} <= set(entry["files"])
    for path in entry["files"].values():
        assert os.path.isfile(site.registry.public_store.get_local_path(path)), path
    testapp = webtest.TestApp(site.wsgi_app())
    page = testapp.get(f"/u/alice/m/{entry['slug']}/")
    assert page.html.select_one("h1").get_text(strip=True) == title
    image = page.html.select_one("img.media-image")
    assert image is not None
    served = testapp.get(image["src"])
    assert served.content_type == "image/jpeg"
    assert served.body[:2] == b"\xff\xd8"


def test_an_upload_is_processed_by_a_celery_worker(worker_site, start_worker):
    worker = start_worker(
        [os.path.join(BIN, "celery"), "-A", "goblin.celery", "worker", "--loglevel=INFO"]
    )
    testapp = worker_site.testapp()
    assert login(testapp, "alice", "correct horse").status_int == 302
    page = testapp.get("/submit/")
    form = next(form for form in page.forms.values() if "file" in form.fields)
    form["file"] = webtest.Upload("harbour.jpg", jpeg_bytes(), "image/jpeg")
    form["title"] = "Harbour at dusk"
    assert form.submit().status_int == 302

    entry = wait_until_processed(worker_site, worker, "Harbour at dusk")

    assert_processed_and_shown(worker_site, entry, "Harbour at dusk", worker)
    assert "goblin.process_media" in worker.output()
    assert worker.stop() == 0  # a warm shutdown


def test_gmg_celery_worker_processes_gmg_addmedia_celery(
    worker_site, start_worker, queue_name, tmp_path, capsys
):
    worker = start_worker([os.path.join(BIN, "gmg"), "-cf", worker_site.ini_path, "celery"])
    photo = tmp_path / "lighthouse.jpg"
    photo.write_bytes(jpeg_bytes(color=(240, 200, 40)))

    code = gmg.main(
        [
            "-cf",
            worker_site.ini_path,
            "addmedia",
            "alice",
            str(photo),
            "-t",
            "Lighthouse",
            "--celery",
        ]
    )
    out, err = capsys.readouterr()

    assert code == 0, err
    assert f"(unprocessed, sent to the queue '{queue_name}' for a worker)" in out
    entry = wait_until_processed(worker_site, worker, "Lighthouse")
    assert_processed_and_shown(worker_site, entry, "Lighthouse", worker)
    log = worker.output()
    assert f".> {queue_name} " in log  # it consumed the instance's queue, with no -Q
    assert worker.stop() == 0
