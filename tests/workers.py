"""Helpers for queue and worker tests (a module, not a conftest): run the real worker loop against the test database."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

import worker


def drain(conninfo: str, concurrency: int = 1, **settings: Any) -> None:
    """Run the worker until data_linker_queue has nothing visible."""
    worker.run(worker.Settings(conninfo=conninfo, concurrency=concurrency, exit_when_idle=True,
                               poll_seconds=0.1, **settings), install_signals=False)


@contextmanager
def background_worker(conninfo: str, **settings: Any) -> Iterator[threading.Event]:
    """A worker loop in a thread for the duration of the block (stopped and joined after)."""
    stop = threading.Event()
    options = {"poll_seconds": 0.1, **settings}
    thread = threading.Thread(target=worker.run, args=(worker.Settings(conninfo=conninfo, **options), stop, False))
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=30)
        assert not thread.is_alive(), "worker did not stop"


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


def queue_messages(conn: psycopg.Connection, queue: str) -> list[Any]:
    return [r[0] for r in conn.execute(f"SELECT message FROM pgmq.q_{queue} ORDER BY msg_id").fetchall()]


def dead_letters(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return queue_messages(conn, "data_linker_dead_letter")
