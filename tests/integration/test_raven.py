"""The raven plugin against a real HTTP server standing in for Sentry.

The stand-in (http.server in a thread, on loopback) records what raven POSTs to
``/api/<project>/store/``: zlib-compressed JSON (older clients also base64 it; both are
decoded). Tests look at the decoded events as Sentry would store them: the URL of a
failing page, the media id of a crashed processing, and no password, cookie, session or
CSRF token anywhere, frame variables included.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import http.server
import json
import re
import threading
import time
import uuid
import zlib

import pytest
from sqlalchemy import select

from goblin import gmg
from goblin.db import session_scope
from goblin.db.models import MediaEntry
from tests.conftest import login
from tests.functional.helpers import SESSION_COOKIE, csrf_token
from tests.functional.media_helpers import upload
from tests.integration.workers import (
    celery_settings,
    celery_worker_argv,
    requires_rabbitmq,
    wait_for,
)
from tests.plugins.sentry_boom import ERROR_MESSAGE
from tests.plugins.slow_type import CRASH_MESSAGE

PASSWORD = "tr0ub4dor-login-passphrase"
FORM_PASSWORD = "hunter2-form-secret-9f3b"
BOOM = {"tests.plugins.sentry_boom": {}}
CRASHING_TYPE = {"tests.plugins.slow_type": {"crash": "true"}}
DEADLINE = 30


def decode_event(body: bytes, headers) -> dict:
    """A raven request body as JSON: zlib, base64 of zlib, or plain."""
    candidates = [body]
    with contextlib.suppress(binascii.Error, ValueError):
        candidates.append(base64.b64decode(body, validate=True))
    for candidate in candidates:
        try:
            return json.loads(zlib.decompress(candidate).decode("utf-8"))
        except (zlib.error, UnicodeDecodeError, ValueError):
            continue
    return json.loads(body.decode("utf-8"))


class FakeSentry:
    """An HTTP server recording each event POSTed to /api/<project>/store/."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.bodies: list[str] = []
        self.paths: list[str] = []
        sentry = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                event = decode_event(body, self.headers)
                sentry.paths.append(self.path)
                sentry.bodies.append(json.dumps(event))
                sentry.events.append(event)
                answer = json.dumps({"id": event.get("event_id", "")}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def dsn(self, project: int = 1) -> str:
        return f"http://public:secret@127.0.0.1:{self.port}/{project}"

    def wait_for_events(self, count: int = 1, deadline: float = DEADLINE) -> list[dict]:
        end = time.monotonic() + deadline
        while len(self.events) < count and time.monotonic() < end:
            time.sleep(0.05)
        assert len(self.events) >= count, f"Sentry got {len(self.events)} events, not {count}"
        return self.events

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sentry():
    server = FakeSentry()
    yield server
    server.close()


def raven(dsn: str | None = None, **options: str) -> dict:
    values = {"transport": "sync", **options}
    if dsn is not None:
        values["sentry_dsn"] = dsn
    return {"goblin.plugins.raven": values}


def exception_values(event: dict) -> list[dict]:
    return event["exception"]["values"]


def frame_variables(event: dict) -> list[dict]:
    return [
        frame.get("vars") or {}
        for value in exception_values(event)
        for frame in (value.get("stacktrace") or {}).get("frames", [])
    ]


def test_an_error_in_a_view_arrives_with_its_url_and_without_secrets(make_site, sentry):
    site = make_site(plugins={**raven(sentry.dsn()), **BOOM})
    site.add_user("alice", PASSWORD)
    browser = site.testapp()
    assert login(browser, "alice", PASSWORD).status_int == 302
    session_cookie = browser.cookies[SESSION_COOKIE]
    token = csrf_token(browser, "/")

    page = browser.post(
        "/sentry-boom/?page=2",
        {"csrf_token": token, "password": FORM_PASSWORD, "title": "kept"},
        status=500,
    )
    assert ERROR_MESSAGE not in page.text  # visitors see the error page only

    [event] = sentry.wait_for_events(1)
    assert sentry.paths == ["/api/1/store/"]
    assert event["request"]["url"] == "http://localhost/sentry-boom/"
    assert event["request"]["method"] == "POST"
    assert event["tags"]["url"] == "http://localhost/sentry-boom/"
    [error] = exception_values(event)
    assert error["type"] == "RuntimeError"
    assert ERROR_MESSAGE in error["value"]
    frames = error["stacktrace"]["frames"]
    assert frames[-1]["function"] == "sentry_boom"
    # The failing view's locals are there, with the secrets masked.
    view_vars = frames[-1]["vars"]
    assert "password" in view_vars and "remembered" in view_vars
    assert FORM_PASSWORD not in json.dumps(view_vars)

    payload = sentry.bodies[0]
    secrets = {
        "form password": FORM_PASSWORD,
        "login password": PASSWORD,
        "session cookie": session_cookie,
        "csrf token": token,
    }
    # Pieces of the signed cookie are secrets too (its payload, its signature).
    for number, piece in enumerate(re.split(r"[.!:|]", session_cookie)):
        if len(piece) >= 12:
            secrets[f"session cookie part {number}"] = piece
    leaked = [name for name, value in secrets.items() if value in payload]
    assert leaked == [], payload
    assert "Cookie" not in event["request"].get("headers", {})


def test_a_processing_crash_arrives_with_the_media_id(make_site, sentry):
    site = make_site(plugins={**raven(sentry.dsn()), **CRASHING_TYPE})
    site.add_user("alice", PASSWORD)
    browser = site.testapp()
    login(browser, "alice", PASSWORD)

    upload(browser, b"SLOW and then it broke", "broken.slow", title="Broken", status=302)

    with session_scope(site.registry) as dbsession:
        entry = dbsession.scalar(select(MediaEntry).where(MediaEntry.title == "Broken"))
        entry_id, state = entry.id, entry.state
    assert state == "failed"
    [event] = sentry.wait_for_events(1)
    assert event["tags"]["media_id"] == str(entry_id)
    assert event["tags"]["action"] == "initial"
    assert event["extra"]["media_id"] == str(entry_id)
    [error] = exception_values(event)
    assert (error["type"], error["value"]) == ("RuntimeError", CRASH_MESSAGE)
    assert browser.cookies[SESSION_COOKIE] not in sentry.bodies[0]


@requires_rabbitmq
def test_a_crash_in_the_worker_arrives_with_the_media_id(make_site, sentry, own_queue, workers):
    """The worker reads the same ini: its processing failures reach Sentry too.

    The default (threaded) transport, in a prefork pool child, as in production.
    """
    site = make_site(
        sections=celery_settings(own_queue),
        plugins={"goblin.plugins.raven": {"sentry_dsn": sentry.dsn(7)}, **CRASHING_TYPE},
    )
    site.add_user("alice", PASSWORD)
    browser = site.testapp()
    login(browser, "alice", PASSWORD)
    upload(browser, b"SLOW in the background", "worker.slow", title="Background", status=302)
    worker = workers(celery_worker_argv(f"raven-{uuid.uuid4().hex[:8]}"), site.ini_path)

    def failed():
        with session_scope(site.registry) as dbsession:
            entry = dbsession.scalar(select(MediaEntry).where(MediaEntry.title == "Background"))
            return entry.id if entry.state == "failed" else None

    entry_id = wait_for(failed, "the processing to fail", worker)
    wait_for(lambda: sentry.events, "the worker's report to reach Sentry", worker)
    [event] = sentry.events
    assert sentry.paths == ["/api/7/store/"]
    assert event["tags"]["media_id"] == str(entry_id)
    assert exception_values(event)[0]["value"] == CRASH_MESSAGE


def test_sentry_dsn_from_the_environment(make_site, sentry, monkeypatch):
    monkeypatch.setenv("SENTRY_DSN", sentry.dsn(3))
    site = make_site(plugins={**raven(), **BOOM})

    site.testapp().get("/sentry-boom/", status=500)

    [event] = sentry.wait_for_events(1)
    assert sentry.paths == ["/api/3/store/"]
    assert event["request"]["url"] == "http://localhost/sentry-boom/"


def test_a_missing_dsn_is_a_one_line_config_error(make_site, monkeypatch, capsys):
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    site = make_site(plugins=raven())

    # The server (goblin's paste entry point, as pserve runs it) refuses to start.
    with pytest.raises(SystemExit) as stopped:
        site.wsgi_app()
    assert stopped.value.code == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "Traceback" not in out + err
    message = err.removeprefix("goblin: ").rstrip("\n")
    assert message.startswith(f"{site.ini_path}: [plugins] [[goblin.plugins.raven]] sentry_dsn")
    assert "SENTRY_DSN" in message

    # So does every gmg command, with the same line.
    assert gmg.main(["-cf", site.ini_path, "dbupdate"]) == 1
    out, err = capsys.readouterr()
    assert err == f"gmg: {message}\n"
