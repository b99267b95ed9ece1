"""The real server: ``pserve paste.ini`` in a site folder, as an operator starts it.

Each test starts pserve in a subprocess; it is stopped at the end of the test. Waiting for
the server to answer has a generous deadline and is never an assertion about speed.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.sites import write_site

BIN = os.path.dirname(sys.executable)
PSERVE = os.path.join(BIN, "pserve")
GMG = os.path.join(BIN, "gmg")
START_DEADLINE = 60  # seconds: a slow machine is not a failure
SUBPROCESS_TIMEOUT = 120


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MEDIAGOBLIN_CONFIG", None)
    env.pop("CELERY_ALWAYS_EAGER", None)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace")


class Server:
    """pserve running one site folder on a free port."""

    def __init__(self, folder: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [PSERVE, "paste.ini", f"http_port={self.port}"],
            cwd=folder,
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_until_it_answers(self) -> None:
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                _, err = self.process.communicate()
                pytest.fail(f"pserve exited with {self.process.returncode}: {err}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"pserve did not answer on port {self.port} within {START_DEADLINE}s")

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return fetch(self.base + path)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.communicate()


@pytest.fixture
def start_server():
    servers: list[Server] = []

    def start(folder: str) -> Server:
        server = Server(folder)
        servers.append(server)
        server.wait_until_it_answers()
        return server

    yield start
    for server in servers:
        server.stop()


def run_pserve_expecting_failure(folder: str) -> subprocess.CompletedProcess:
    """Run pserve where it must refuse to start; it exits on its own."""
    return subprocess.run(
        [PSERVE, "paste.ini", f"http_port={free_port()}"],
        cwd=folder,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


def assert_serves_the_site(server: Server) -> None:
    status, headers, body = server.get("/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "<title>Test Goblin</title>" in body

    status, headers, body = server.get("/mgoblin_static/css/base.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    max_age = re.search(r"max-age=(\d+)", headers["Cache-Control"])
    assert max_age is not None
    assert int(max_age.group(1)) >= 30 * 24 * 3600
    assert len(body) > 0

    status, _, _ = server.get("/no-such-page/")
    assert status == 404


def test_new_site_after_gmg_dbupdate(tmp_path, start_server):
    """What the README says: make the database with gmg, then pserve serves the site."""
    folder = tmp_path / "site"
    ini = write_site(str(folder), "sqlite:///mediagoblin.db")
    result = subprocess.run(
        [GMG, "-cf", ini, "dbupdate"],
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert (folder / "mediagoblin.db").is_file()

    server = start_server(str(folder))
    assert_serves_the_site(server)
    assert (folder / "user_dev" / "crypto" / "itsdangeroussecret.bin").is_file()


def test_existing_site_on_each_database(site, start_server):
    server = start_server(site.folder)
    assert_serves_the_site(server)


def test_typo_in_mediagoblin_ini_stops_pserve_with_one_line(tmp_path):
    folder = tmp_path / "site"
    ini = write_site(
        str(folder), "sqlite:///mediagoblin.db", {"mediagoblin": {"allow_registraton": "true"}}
    )
    result = run_pserve_expecting_failure(str(folder))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    line = result.stderr.strip()
    assert ini in line
    assert "[mediagoblin]" in line
    assert "allow_registraton = 'true'" in line
    assert "did you mean allow_registration?" in line


def test_bad_value_in_mediagoblin_ini_stops_pserve_with_one_line(tmp_path):
    folder = tmp_path / "site"
    ini = write_site(
        str(folder), "sqlite:///mediagoblin.db", {"mediagoblin": {"email_smtp_port": "abc"}}
    )
    result = run_pserve_expecting_failure(str(folder))
    assert result.returncode != 0
    assert result.stderr == (
        f"goblin: {ini}: [mediagoblin] email_smtp_port = 'abc': "
        "expected a whole number from 0 to 65535\n"
    )


def test_missing_database_stops_pserve_and_says_to_run_dbupdate(tmp_path):
    folder = tmp_path / "site"
    ini = write_site(str(folder), "sqlite:///mediagoblin.db")
    result = run_pserve_expecting_failure(str(folder))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "is missing or out of date" in result.stderr
    assert f"run `gmg -cf {ini} dbupdate`" in result.stderr


def test_unreachable_database_stops_pserve_with_one_line_and_no_password(tmp_path):
    """A closed port stands in for a database server that is down."""
    folder = tmp_path / "site"
    url = f"postgresql+psycopg://goblin:hunter2@127.0.0.1:{free_port()}/goblin"
    write_site(str(folder), url)
    result = run_pserve_expecting_failure(str(folder))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("goblin: cannot use the database postgresql+psycopg://goblin:")
    assert "hunter2" not in result.stderr
