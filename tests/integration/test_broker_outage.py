"""The broker is down when someone uploads: nothing is lost, the sweep sends it later.

The site reaches RabbitMQ through a TCP proxy of the test's own (tests/integration/
tcpproxy.py), never by touching the shared server: with the proxy stopped the broker is
"down" for the site. The sweep ``resend_unsent`` is what Celery beat runs every minute in
the worker started with -B; garbage collection deletes uploads whose task was sent a day
ago and never processed, and keeps those still waiting for the broker.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid

import pytest
from sqlalchemy import select, update

from goblin.db import session_scope
from goblin.db.models import MediaEntry
from goblin.db.types import utcnow
from goblin.processing.celery_app import GARBAGE_TASK, RESEND_INTERVAL, RESEND_TASK
from goblin.processing.maintenance import collect_garbage, resend_unsent
from tests.conftest import login
from tests.functional.media_helpers import (
    PASSWORD,
    entry_dir,
    files_under,
    queue_dir,
    upload,
)
from tests.integration.tcpproxy import TcpProxy, free_port
from tests.integration.workers import (
    BROKER_HOST,
    BROKER_PORT,
    celery_settings,
    celery_worker_argv,
    requires_rabbitmq,
    wait_for,
)
from tests.plugins.slow_type import COMPLETE

SLOW_TYPE = {"tests.plugins.slow_type": {}}


def entry_state(site, title: str) -> dict | None:
    with session_scope(site.registry) as dbsession:
        entry = dbsession.scalar(select(MediaEntry).where(MediaEntry.title == title))
        if entry is None:
            return None
        return {
            "id": entry.id,
            "state": entry.state,
            "slug": entry.slug,
            "task_sent_at": entry.task_sent_at,
            "queued_task_id": entry.queued_task_id,
            "queued_media_file": entry.queued_media_file,
            "files": {f.name: list(f.file_path) for f in entry.files},
        }


@pytest.fixture
def broker_proxy():
    proxy = TcpProxy((BROKER_HOST, BROKER_PORT))
    yield proxy
    proxy.stop()


@requires_rabbitmq
def test_an_upload_while_the_broker_is_down_is_sent_by_the_sweep(
    make_site, own_queue, broker_proxy, workers, caplog
):
    site = make_site(
        sections=celery_settings(own_queue, f"amqp://guest:guest@{broker_proxy.address}//"),
        plugins=SLOW_TYPE,
    )
    site.add_user("alice", PASSWORD)
    # The worker started with -B runs the sweep every minute.
    schedule = site.registry.celery_app.conf.beat_schedule
    assert {"task": RESEND_TASK, "schedule": RESEND_INTERVAL} in schedule.values()
    assert RESEND_INTERVAL == 60
    assert GARBAGE_TASK in {entry["task"] for entry in schedule.values()}
    browser = site.testapp()
    login(browser, "alice", PASSWORD)

    # The broker is up: the upload's task is sent, and the site keeps its connection.
    broker_proxy.start()
    upload(browser, b"SLOW before the storm", "before.slow", title="Before", status=302)
    assert entry_state(site, "Before")["task_sent_at"] is not None

    # RabbitMQ goes away (restarted, say): the connection is cut and new ones refused.
    broker_proxy.stop()
    with caplog.at_level(logging.WARNING, logger="goblin"):
        response = upload(browser, b"SLOW while the rabbit slept", "late.slow", title="Late")
    assert response.status_int == 302
    assert "Woohoo! Submitted!" in response.follow().text
    late = entry_state(site, "Late")
    assert [
        record.levelno
        for record in caplog.records
        if "could not send" in record.getMessage() and f"media {late['id']}" in record.getMessage()
    ] == [logging.WARNING], caplog.text
    assert late["state"] == "unprocessed"
    assert late["task_sent_at"] is None
    assert late["queued_task_id"]
    queued = os.path.join(queue_dir(site), *late["queued_media_file"].split("/"))
    assert os.path.isfile(queued)

    # Back up: the sweep sends what the broker missed, and only that.
    broker_proxy.start()
    assert resend_unsent(site.registry) == [late["id"]]
    resent = entry_state(site, "Late")
    assert resent["task_sent_at"] is not None
    assert resent["state"] == "unprocessed"
    assert resend_unsent(site.registry) == []  # just sent: left alone

    worker = workers(celery_worker_argv(f"outage-{uuid.uuid4().hex[:8]}"), site.ini_path, "worker")

    def processed():
        current = [entry_state(site, title) for title in ("Before", "Late")]
        return all(row["state"] in ("processed", "failed") for row in current) and current

    before, done = wait_for(processed, "both uploads to be processed", worker)
    assert (before["state"], done["state"]) == ("processed", "processed"), worker.output()
    assert done["queued_media_file"] is None
    assert not os.path.exists(queued)
    assert files_under(entry_dir(site, done["id"])) == ["story.txt"]
    page = browser.get(f"/u/alice/m/{done['slug']}/")
    story = browser.get(page.html.select_one("a.story-link")["href"]).text
    assert story == COMPLETE + " while the rabbit slept"
    # The worker has the sweep's task, which beat sends it.
    assert f". {RESEND_TASK}" in worker.output()


def test_garbage_collection_deletes_stale_uploads_and_keeps_those_never_sent(make_site, caplog):
    """Uploads sent a day ago and never processed go, with their files; unsent ones stay."""
    closed = f"amqp://guest:guest@127.0.0.1:{free_port()}//"  # nothing listens there
    site = make_site(
        sections={
            **celery_settings(f"goblin-test-{uuid.uuid4().hex}", closed),
            "mediagoblin": {"garbage_collection": "60"},
        },
        plugins=SLOW_TYPE,
    )
    site.add_user("alice", PASSWORD)
    browser = site.testapp()
    login(browser, "alice", PASSWORD)
    titles = ("Stale", "Never sent", "Recent", "Done")
    for title in titles:
        upload(browser, f"SLOW {title}".encode(), f"{title}.slow", title=title, status=302)
    ids = {title: entry_state(site, title)["id"] for title in titles}
    now = utcnow()
    two_days_ago = now - dt.timedelta(days=2)
    with session_scope(site.registry) as dbsession:

        def set_row(title, **values):
            dbsession.execute(
                update(MediaEntry).where(MediaEntry.id == ids[title]).values(**values)
            )

        set_row("Stale", task_sent_at=two_days_ago, created=two_days_ago)
        set_row("Never sent", task_sent_at=None, created=now - dt.timedelta(days=3))
        set_row("Recent", task_sent_at=now - dt.timedelta(hours=1), created=two_days_ago)
        set_row("Done", task_sent_at=two_days_ago, created=two_days_ago, state="processed")
    stale = entry_state(site, "Stale")
    stale_queued = os.path.join(queue_dir(site), *stale["queued_media_file"].split("/"))
    assert os.path.isfile(stale_queued)

    with caplog.at_level(logging.INFO, logger="goblin"):
        assert collect_garbage(site.registry) == [ids["Stale"]]

    assert entry_state(site, "Stale") is None
    assert not os.path.exists(stale_queued)
    assert not os.path.exists(os.path.dirname(stale_queued))
    assert files_under(entry_dir(site, ids["Stale"])) == []
    assert browser.get("/u/alice/m/stale/", status=404)
    for title in ("Never sent", "Recent", "Done"):
        kept = entry_state(site, title)
        assert kept is not None, title
        if kept["queued_media_file"]:
            queued = os.path.join(queue_dir(site), *kept["queued_media_file"].split("/"))
            assert os.path.isfile(queued), title
    assert f"deleting media {ids['Stale']}" in caplog.text
    # A second sweep finds nothing more.
    assert collect_garbage(site.registry) == []
