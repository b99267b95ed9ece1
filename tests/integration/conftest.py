"""Fixtures for the integration tests: queues of their own and worker processes.

Both are cleaned up at the end of each test, whatever happened: queues (and their
exchanges) are deleted from RabbitMQ, workers are stopped, or killed.
"""

from __future__ import annotations

import pytest

from tests.integration.workers import Worker, delete_queue, unique_queue


@pytest.fixture
def own_queue():
    """A queue name of this test's own; the queue and its exchange are deleted afterwards."""
    name = unique_queue()
    yield name
    delete_queue(name)


@pytest.fixture
def make_queue():
    """``make_queue()`` gives another queue name of this test's own; all deleted afterwards."""
    names: list[str] = []

    def make() -> str:
        names.append(unique_queue())
        return names[-1]

    yield make
    for name in names:
        delete_queue(name)


@pytest.fixture
def workers(tmp_path):
    """``start(argv, ini_path, label)`` starts a worker with MEDIAGOBLIN_CONFIG=ini_path
    (unset when None); every worker is stopped (or killed) at the end."""
    started: list[Worker] = []

    def start(argv: list[str], ini_path: str | None, label: str = "worker", cwd=None) -> Worker:
        log_path = str(tmp_path / f"{label}-{len(started)}.log")
        worker = Worker(argv, ini_path, log_path, cwd=cwd or str(tmp_path))
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
