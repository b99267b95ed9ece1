"""Mail as the site sends it: logged (and kept) in debug mode; in SMTP mode handed to a real
SMTP server, a small one of the test's own on loopback, after the page has been answered.

With CELERY_ALWAYS_EAGER (as in the test sites) mail goes through the app's mail thread.
Tests that wait for something the mail thread does poll with a deadline.
"""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import socketserver
import threading
import time
from collections.abc import Callable

import pytest

from tests.functional.account_helpers import (
    FORGOT_ANSWER,
    PASSWORD,
    ask_password_reset,
    flash_messages,
    link_in,
    outbox,
)

DEADLINE = 20.0  # seconds to wait for the mail thread; only ever a limit, never a measure
RESET_SUBJECT = "Test Goblin: reset your password"
RESET_PATH = "/auth/forgot_password/verify/"


def wait_until(condition: Callable[[], object], what: str, deadline: float = DEADLINE):
    """Poll ``condition`` until it is true; fail after ``deadline`` seconds."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    pytest.fail(f"gave up waiting for {what}")


class _Handler(socketserver.StreamRequestHandler):
    """One SMTP session: greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        smtp: SMTPServer = self.server.smtp  # type: ignore[attr-defined]
        smtp.connections += 1
        if not smtp.release.wait(timeout=60):
            return
        smtp.greeted.set()
        self.reply("220 localhost test SMTP server ready")
        sender, recipients = None, []
        while True:
            line = self.rfile.readline(1000)
            if not line:
                return
            command = line.decode("ascii", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250-8BITMIME")
                self.reply("250 SIZE 1000000")
            elif verb == "HELO":
                self.reply("250 localhost")
            elif verb == "MAIL":
                # "MAIL FROM:<address> SIZE=n": keep the address, not the parameters.
                sender, recipients = command.split(":", 1)[1].split()[0], []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].split()[0])
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data_line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(data_line[1:] if data_line.startswith(b"..") else data_line)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                smtp.received.append((sender, recipients, message))
                self.reply("250 OK: queued")
            elif verb in ("RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class SMTPServer:
    """A tiny SMTP server on 127.0.0.1 that keeps what it receives (no STARTTLS).

    With ``hold``, it accepts connections but waits to greet them until ``release`` is set,
    as a slow mail server would; ``greeted`` records whether it has greeted anyone yet.
    """

    def __init__(self, hold: bool = False) -> None:
        self.received: list[tuple[str, list[str], email.message.EmailMessage]] = []
        self.connections = 0
        self.release = threading.Event()
        self.greeted = threading.Event()
        if not hold:
            self.release.set()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.smtp = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def close(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def smtp_server():
    servers: list[SMTPServer] = []

    def start(hold: bool = False) -> SMTPServer:
        server = SMTPServer(hold=hold)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def smtp_sections(port: int, **extra: str) -> dict:
    return {
        "mediagoblin": {
            "email_debug_mode": "false",
            "email_smtp_host": "127.0.0.1",
            "email_smtp_port": str(port),
            **extra,
        }
    }


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_errors(caplog) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "goblin.mail" and record.levelno >= logging.ERROR
    ]


# --- debug mode ----------------------------------------------------------------------------


def test_debug_mode_logs_the_message_and_keeps_it(site, app, alice, caplog):
    caplog.set_level(logging.INFO, logger="goblin.mail")

    response = ask_password_reset(app, "alice")

    assert FORGOT_ANSWER in flash_messages(response.follow())
    [message] = outbox(app)
    assert message["To"] == "alice@example.org"
    assert message["From"] == "notice@mediagoblin.example.org"
    assert message["Subject"] == RESET_SUBJECT
    link = link_in(message, RESET_PATH)
    [record] = [record for record in caplog.records if record.name == "goblin.mail"]
    logged = record.getMessage()
    assert "debug mode, not sent" in logged
    assert "alice@example.org" in logged
    assert RESET_SUBJECT in logged
    assert link.split("token=")[1] in logged  # an operator can copy the link from the log


# --- SMTP mode ---------------------------------------------------------------------------


def test_smtp_mode_delivers_the_message(make_site, smtp_server):
    server = smtp_server()
    site = make_site(sections=smtp_sections(server.port))
    site.add_user("alice", PASSWORD)
    app = site.testapp()

    response = ask_password_reset(app, "alice")

    assert FORGOT_ANSWER in flash_messages(response.follow())
    wait_until(lambda: server.received, "the message to reach the SMTP server")
    [(sender, recipients, message)] = server.received
    assert sender == "<notice@mediagoblin.example.org>"
    assert recipients == ["<alice@example.org>"]
    assert message["To"] == "alice@example.org"
    assert message["From"] == "notice@mediagoblin.example.org"
    assert message["Subject"] == RESET_SUBJECT
    # The link in the delivered message works.
    page = app.get(link_in(message, RESET_PATH))
    assert page.html.h1.get_text(strip=True) == "Choose a new password"


def test_sending_never_blocks_the_page(make_site, smtp_server):
    server = smtp_server(hold=True)
    site = make_site(sections=smtp_sections(server.port))
    site.add_user("alice", PASSWORD)
    app = site.testapp()

    response = ask_password_reset(app, "alice")

    # The page was answered while the mail server had not even said hello yet.
    assert not server.greeted.is_set()
    assert response.status_int == 302
    assert FORGOT_ANSWER in flash_messages(response.follow())
    assert server.received == []

    server.release.set()

    wait_until(lambda: server.received, "the held message to be delivered")
    [(_, _, message)] = server.received
    assert message["To"] == "alice@example.org"
    assert message["Subject"] == RESET_SUBJECT


def test_forced_starttls_without_server_support_is_logged_not_shown(make_site, smtp_server, caplog):
    caplog.set_level(logging.INFO, logger="goblin.mail")
    server = smtp_server()
    site = make_site(sections=smtp_sections(server.port, email_smtp_force_starttls="true"))
    site.add_user("alice", PASSWORD)
    app = site.testapp()

    response = ask_password_reset(app, "alice")

    assert response.status_int == 302
    page = response.follow()
    assert FORGOT_ANSWER in flash_messages(page)
    assert "STARTTLS" not in page.text
    [record] = wait_until(lambda: mail_errors(caplog), "the failure to be logged")
    assert "alice@example.org" in record.getMessage()
    assert record.exc_info is not None
    assert "does not offer STARTTLS" in str(record.exc_info[1])
    assert server.connections == 1
    assert server.received == []  # nothing went out in plain text


def test_unreachable_smtp_server_is_logged_not_shown(make_site, caplog):
    caplog.set_level(logging.INFO, logger="goblin.mail")
    site = make_site(sections=smtp_sections(closed_port()))
    site.add_user("alice", PASSWORD)
    app = site.testapp()

    response = ask_password_reset(app, "alice")

    assert response.status_int == 302
    assert FORGOT_ANSWER in flash_messages(response.follow())
    [record] = wait_until(lambda: mail_errors(caplog), "the failure to be logged")
    assert "could not be sent" in record.getMessage()
    assert isinstance(record.exc_info[1], OSError)
