"""What an operator relies on: the health check, ``gmg reprocess``, and log lines that say
which media and which user they are about.
"""

from __future__ import annotations

import logging
import re

import pytest

from goblin import gmg
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
