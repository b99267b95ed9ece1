"""Processing on a real Celery worker through the real RabbitMQ at 127.0.0.1:5672.

Each test has its own site (database, data folder) and its own queue, and starts its own
worker process the way an operator does: ``celery -A goblin.celery worker`` with
MEDIAGOBLIN_CONFIG, or ``gmg celery``. The queue and its exchange are deleted afterwards.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
import webtest
from kombu import Connection
from PIL import Image
from sqlalchemy import select

from goblin import gmg
from goblin.db import session_scope
from goblin.db.models import MediaEntry
from tests.conftest import login

BROKER_HOST, BROKER_PORT = "127.0.0.1", 5672
BROKER_URL = f"amqp://guest:guest@{BROKER_HOST}:{BROKER_PORT}//"
BIN = os.path.dirname(sys.executable)
#: Deadline for a worker to start and process one small image (polled, not asserted).
PROCESSING_DEADLINE = 60
STOP_TIMEOUT = 30
WORKER_FLAGS = [
    "--pool=solo",
    "--concurrency=1",
    "--without-gossip",
    "--without-mingle",
    "--without-heartbeat",
]


def rabbitmq_reachable() -> bool:
    try:
        with socket.create_connection((BROKER_HOST, BROKER_PORT), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not rabbitmq_reachable(), reason=f"RabbitMQ is not reachable at {BROKER_HOST}:{BROKER_PORT}"
)


def jpeg_bytes(size=(800, 600), color=(30, 120, 220)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


class Worker:
    """A worker subprocess whose output goes to a log file (shown when a test fails)."""

    def __init__(self, argv: list[str], site, log_path: str) -> None:
        env = dict(os.environ)
        env.pop("CELERY_ALWAYS_EAGER", None)
        env["MEDIAGOBLIN_CONFIG"] = site.ini_path
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            argv, cwd=site.folder, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def output(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def stop(self) -> int:
        """SIGTERM (Celery's warm shutdown; it notices within its 10 s poll) and wait."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


@pytest.fixture
def queue_name():
    """A queue of this test's own; it and its exchange are deleted at the end."""
    name = f"goblin-test-{uuid.uuid4().hex}"
    yield name
    with Connection(BROKER_URL, connect_timeout=5) as connection:
        channel = connection.default_channel
        channel.queue_delete(name)
        channel.exchange_delete(name)


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
        worker = Worker([*command, "-n", name, *WORKER_FLAGS], worker_site, log_path)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_until_processed(site, worker: Worker, title: str) -> dict:
    """Poll the database until the entry titled ``title`` leaves the queue (or time is up)."""
    deadline = time.monotonic() + PROCESSING_DEADLINE
    state = None
    while time.monotonic() < deadline:
        with session_scope(site.registry) as dbsession:
            entry = dbsession.scalar(select(MediaEntry).where(MediaEntry.title == title))
            state = entry.state if entry is not None else None
            if state in ("processed", "failed"):
                return {
                    "id": entry.id,
                    "state": entry.state,
                    "slug": entry.slug,
                    "fail_metadata": entry.fail_metadata,
                    "queued_media_file": entry.queued_media_file,
                    "files": {f.name: list(f.file_path) for f in entry.files},
                }
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited ({worker.process.returncode}):\n{worker.output()}")
        time.sleep(0.2)
    pytest.fail(
        f"entry {title!r} still {state} after {PROCESSING_DEADLINE} s; worker log:\n"
        f"{worker.output()}"
    )


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
