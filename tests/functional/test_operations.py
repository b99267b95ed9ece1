"""What an operator relies on: the health check, ``gmg reprocess``, and log lines that say
which media and which user they are about.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time

import pytest
from sqlalchemy import update

from goblin import gmg
from goblin.db import session_scope
from goblin.db.models import MediaEntry
from goblin.db.types import utcnow
from goblin.processing.maintenance import STUCK_AFTER, collect_garbage, resend_unsent
from tests.conftest import login
from tests.functional.media_helpers import (
    PASSWORD,
    entry_dir,
    files_under,
    image_plugins,
    only_entry,
    upload,
)
from tests.images import jpeg
from tests.integration.tcpproxy import free_port
from tests.integration.workers import BROKER_URL, requires_rabbitmq, unique_queue

EMBEDDED = "not used (processing in the web process)"
#: Small enough that the 300 x 200 test image (60 000 pixels) is refused.
LOW_MAX_PIXELS = 10_000


def broker_site(make_site, broker_url: str):
    return make_site(
        sections={
            "celery": {
                "CELERY_ALWAYS_EAGER": "false",
                "BROKER_URL": broker_url,
                "CELERY_DEFAULT_QUEUE": unique_queue(),  # the check declares no queue
            }
        }
    )


def run_gmg(capsys, site, *argv: str) -> tuple[int, str, str]:
    code = gmg.main(["-cf", site.ini_path, *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- /_health/ ----------------------------------------------------------------------------


def test_health_with_embedded_processing(site):
    response = site.testapp().get("/_health/", status=200)
    assert response.json == {"status": "ok", "database": "ok", "broker": EMBEDDED}
    assert response.headers["Cache-Control"].startswith("max-age=0")


@requires_rabbitmq
def test_health_with_rabbitmq_reachable(make_site):
    site = broker_site(make_site, BROKER_URL)
    response = site.testapp().get("/_health/", status=200)
    assert response.json == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_names_an_unreachable_broker_and_reveals_nothing(make_site):
    port = free_port()  # nothing listens there
    site = broker_site(make_site, f"amqp://goblin:s3cret-pw@127.0.0.1:{port}//")
    response = site.testapp().get("/_health/", status=503)
    assert response.json == {"status": "failing", "database": "ok", "broker": "unreachable"}
    for revealing in (str(port), "s3cret", "amqp", "goblin:"):
        assert revealing not in response.text


# --- gmg reprocess ------------------------------------------------------------------------


def test_reprocess_lists_a_failure_and_retries_it_once_the_cause_is_fixed(make_site, capsys):
    site = make_site(plugins=image_plugins(max_pixels=LOW_MAX_PIXELS))
    site.add_user("alice", PASSWORD)
    browser = site.testapp()
    login(browser, "alice", PASSWORD)
    upload(browser, jpeg(300, 200), "too-big.jpg", title="Too big", status=302)
    failed = only_entry(site)
    assert failed.state == "failed"
    assert "300 x 200 pixels" in failed.fail_reason

    code, out, err = run_gmg(capsys, site, "reprocess", "failed")
    assert (code, err) == (0, "")
    assert out == f"{failed.id}\talice\tToo big\t{failed.fail_reason}\n"

    # The operator raises the limit in mediagoblin.ini and retries every failure.
    site.rewrite(plugins=image_plugins(max_pixels=80_000_000))
    code, out, err = run_gmg(capsys, site, "reprocess", "initial")
    assert (code, err) == (0, "")
    assert out == f"media {failed.id}: initial -> processed\n"

    entry = only_entry(site)
    assert entry.state == "processed"
    assert entry.fail_metadata is None and entry.queued_media_file is None
    assert set(entry.files) == {"original", "thumb"}  # smaller than a medium
    assert files_under(entry_dir(site, entry.id)) == sorted(
        path[-1] for path in entry.files.values()
    )
    page = site.testapp().get(f"/u/alice/m/{entry.slug}/")
    assert page.html.select_one("img.media-image") is not None

    assert run_gmg(capsys, site, "reprocess", "failed") == (0, "No failed media.\n", "")
    assert run_gmg(capsys, site, "reprocess", "initial") == (0, "No failed media.\n", "")


# --- log lines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("max_pixels", "outcome"), [(80_000_000, "done"), (LOW_MAX_PIXELS, "failed")]
)
def test_log_lines_about_an_upload_name_the_media_and_the_user(
    make_site, caplog, max_pixels, outcome
):
    site = make_site(plugins=image_plugins(max_pixels=max_pixels))
    site.add_user("alice", PASSWORD)
    browser = site.testapp()
    login(browser, "alice", PASSWORD)

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="goblin"):
        upload(browser, jpeg(300, 200), "harbour.jpg", title="Harbour", status=302)
    entry = only_entry(site)

    lines = [record.getMessage() for record in caplog.records if record.name.startswith("goblin.")]
    about_it = [line for line in lines if re.search(rf"\bmedia {entry.id}\b", line)]
    assert len(about_it) >= 3, lines  # uploaded, processing started, done or failed
    for line in about_it:
        assert "alice" in line, line
    assert any("uploaded" in line and "Harbour" in line for line in about_it), about_it
    assert any(f"initial {outcome}" in line for line in about_it), about_it


def test_an_entry_stuck_in_processing_is_sent_again_by_the_sweep(image_site, uploader):
    """A task whose message was lost leaves its entry "processing": the sweep retries it
    after STUCK_AFTER, and leaves recent ones alone (they may still be running)."""
    upload(uploader, jpeg(300, 200), "stuck.jpg", title="Stuck", status=302)
    entry = only_entry(image_site)
    assert entry.state == "processed"

    def set_processing(since):
        with session_scope(image_site.registry) as dbsession:
            dbsession.execute(
                update(MediaEntry)
                .where(MediaEntry.id == entry.id)
                .values(state="processing", updated=since)
            )

    set_processing(utcnow() - dt.timedelta(minutes=5))
    assert resend_unsent(image_site.registry) == []
    assert only_entry(image_site).state == "processing"

    set_processing(utcnow() - STUCK_AFTER - dt.timedelta(minutes=1))
    assert resend_unsent(image_site.registry) == [entry.id]
    # Processing is eager on this site, so the resent task has run: from the original.
    again = only_entry(image_site)
    assert again.state == "processed"
    assert {"original", "thumb"} <= set(again.files)
    uploader.get(f"/u/alice/m/{again.slug}/", status=200)


def test_garbage_collection_removes_workbenches_left_by_killed_runs(image_site):
    root = image_site.registry.goblin_config.mediagoblin["workbench_path"]
    old = os.path.join(root, "media7-killed")
    recent = os.path.join(root, "media8-running")
    for folder in (old, recent):
        os.makedirs(folder)
        with open(os.path.join(folder, "medium.jpg"), "wb") as handle:
            handle.write(b"partial")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))

    collect_garbage(image_site.registry)

    assert not os.path.exists(old)
    assert os.path.isfile(os.path.join(recent, "medium.jpg"))
