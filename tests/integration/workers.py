"""Helpers for tests that run real Celery workers against the RabbitMQ at 127.0.0.1:5672.

A worker runs as an operator starts it (``celery -A goblin.celery worker`` with
MEDIAGOBLIN_CONFIG, or ``gmg -cf ... celery``) in a process group of its own, so a test can
kill the whole worker (main process and pool children) at once. Its output goes to a log
file that failing assertions show. Queues are per test and deleted afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from kombu import Connection

BROKER_HOST, BROKER_PORT = "127.0.0.1", 5672
BROKER_URL = f"amqp://guest:guest@{BROKER_HOST}:{BROKER_PORT}//"
BIN = os.path.dirname(sys.executable)
CELERY = os.path.join(BIN, "celery")
GMG = os.path.join(BIN, "gmg")
#: The checkout, so that workers can import the test plugins (tests.plugins.*).
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
#: Deadlines for things to happen (polled, never an assertion about speed).
DEADLINE = 60
STOP_TIMEOUT = 15
#: Quiet, quick workers: no cluster chatter between test workers.
QUIET_FLAGS = ["--without-gossip", "--without-mingle", "--without-heartbeat"]


def rabbitmq_reachable() -> bool:
    try:
        with socket.create_connection((BROKER_HOST, BROKER_PORT), timeout=1):
            return True
    except OSError:
        return False


requires_rabbitmq = pytest.mark.skipif(
    not rabbitmq_reachable(), reason=f"RabbitMQ is not reachable at {BROKER_HOST}:{BROKER_PORT}"
)


def unique_queue() -> str:
    return f"goblin-test-{uuid.uuid4().hex}"


def delete_queue(name: str, broker_url: str = BROKER_URL) -> None:
    """Delete a test queue and the exchange Celery made for it (absent ones are fine)."""
    with Connection(broker_url, connect_timeout=5) as connection:
        channel = connection.default_channel
        channel.queue_delete(name)
        channel.exchange_delete(name)


def ready_messages(name: str, broker_url: str = BROKER_URL) -> int:
    """Messages waiting in queue ``name`` that no consumer holds (reserved ones not counted)."""
    with Connection(broker_url, connect_timeout=5) as connection:
        _, count, _ = connection.default_channel.queue_declare(name, passive=True)
        return count


def celery_settings(queue: str, broker_url: str = BROKER_URL) -> dict[str, dict[str, str]]:
    """The ``[celery]`` section of a site that sends processing to ``queue`` on RabbitMQ."""
    return {
        "celery": {
            "CELERY_ALWAYS_EAGER": "false",
            "BROKER_URL": broker_url,
            "CELERY_DEFAULT_QUEUE": queue,
        }
    }


def worker_env(ini_path: str | None) -> dict[str, str]:
    """The environment of a worker: MEDIAGOBLIN_CONFIG names ``ini_path`` (None: unset)."""
    env = dict(os.environ)
    env.pop("CELERY_ALWAYS_EAGER", None)
    env.pop("MEDIAGOBLIN_CONFIG", None)
    if ini_path is not None:
        env["MEDIAGOBLIN_CONFIG"] = ini_path
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [REPO_ROOT, env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    return env


def celery_worker_argv(name: str, *extra: str, pool: str = "prefork") -> list[str]:
    """``celery -A goblin.celery worker`` as an operator runs it, named ``name@%h``.

    One pool process (prefork, production's pool, unless ``pool`` says otherwise).
    """
    return [
        CELERY,
        "-A",
        "goblin.celery",
        "worker",
        "--loglevel=INFO",
        f"--pool={pool}",
        "--concurrency=1",
        "-n",
        f"{name}@%h",
        *QUIET_FLAGS,
        *extra,
    ]


def gmg_celery_argv(ini_path: str, name: str, *extra: str) -> list[str]:
    """``gmg -cf INI celery`` (beat included) with one prefork pool process."""
    return [
        GMG,
        "-cf",
        ini_path,
        "celery",
        "-n",
        f"{name}@%h",
        "--pool=prefork",
        "--concurrency=1",
        *QUIET_FLAGS,
        *extra,
    ]


class Worker:
    """A worker process (and its pool children) in its own process group, logging to a file."""

    def __init__(self, argv: list[str], ini_path: str | None, log_path: str, cwd: str) -> None:
        self.argv = argv
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()/kill()
        self.process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=worker_env(ini_path),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()

    def running(self) -> bool:
        return self.process.poll() is None

    def wait_ready(self) -> None:
        """Until the worker says it consumes (``... ready.``)."""
        wait_for(lambda: " ready." in self.output(), "the worker to be ready", self)

    def kill(self) -> None:
        """SIGKILL the whole worker: main process, pool children, beat; no goodbye."""
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._log.close()

    def stop(self) -> int:
        """Warm shutdown (SIGTERM to the group), then SIGKILL if it takes too long."""
        if self.running():
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=STOP_TIMEOUT)
            except ProcessLookupError:
                pass
            except subprocess.TimeoutExpired:
                self.kill()
        self.process.wait()
        # Whatever the group still holds (a pool child of a killed parent) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()
        return self.process.returncode


def wait_for(
    predicate: Callable[[], Any], what: str, *workers: Worker, deadline: float = DEADLINE
) -> Any:
    """Poll ``predicate`` until it returns something true; fail (showing logs) at the deadline.

    Fails at once when one of ``workers`` has exited.
    """
    end = time.monotonic() + deadline
    while True:
        result = predicate()
        if result:
            return result
        for worker in workers:
            if not worker.running():
                pytest.fail(
                    f"waiting for {what}: the worker exited ({worker.process.returncode}):\n"
                    f"{worker.output()}"
                )
        if time.monotonic() > end:
            logs = "\n".join(f"--- {w.argv}\n{w.output()}" for w in workers)
            pytest.fail(f"still waiting for {what} after {deadline} s\n{logs}")
        time.sleep(0.2)


def parent_pid(pid: int) -> int | None:
    """The parent of process ``pid`` (None when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except FileNotFoundError:
        return None


def pid_alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
