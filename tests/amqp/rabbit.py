"""Helpers for the AMQP bridge tests: publish jobs, collect announcements, run the bridge as a process."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pika

AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Names:
    in_queue: str
    out_queue: str
    dead_letter_exchange: str
    dead_letter_queue: str

    def args(self) -> list[str]:
        return ["--in-queue", self.in_queue, "--out-queue", self.out_queue,
                "--dead-letter-exchange", self.dead_letter_exchange, "--dead-letter-queue", self.dead_letter_queue]


@dataclass(frozen=True)
class Received:
    message_id: str | None
    body: bytes
    headers: dict[str, object]

    @property
    def session_id(self) -> str:
        return str(json.loads(self.body)["session_id"])


def channel() -> pika.adapters.blocking_connection.BlockingChannel:
    return pika.BlockingConnection(pika.URLParameters(AMQP_URL)).channel()


def publish(queue: str, messages: list[tuple[str | None, bytes | dict[str, object]]]) -> None:
    """What the Session Manager does: persistent messages on a durable queue, with publisher confirms."""
    ch = channel()
    ch.queue_declare(queue, durable=True)
    ch.confirm_delivery()
    for message_id, body in messages:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        ch.basic_publish("", queue, data, pika.BasicProperties(delivery_mode=2, message_id=message_id))
    ch.connection.close()


def take_all(queue: str) -> list[Received]:
    """Every message now in the queue (acked: taken)."""
    got: list[Received] = []
    ch = channel()
    ch.queue_declare(queue, durable=True)
    while True:
        method, properties, body = ch.basic_get(queue, auto_ack=True)
        if method is None:
            break
        got.append(Received(properties.message_id, body, dict(properties.headers or {})))
    ch.connection.close()
    return got


def collect(queue: str, done: Callable[[list[Received]], bool], timeout: float = 120.0) -> list[Received]:
    """Take messages from the queue until done(all taken so far), surviving a broker restart meanwhile."""
    got: list[Received] = []
    deadline = time.monotonic() + timeout
    while not done(got):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s with {len(got)} message(s) from {queue}")
        try:
            got.extend(take_all(queue))
        except pika.exceptions.AMQPError:
            pass  # the broker restarts: try again
        time.sleep(0.1)
    return got


@contextmanager
def bridge(env: dict[str, str], names: Names, *extra: str) -> Iterator[subprocess.Popen[str]]:
    """`datalinker amqp-bridge` as a process of its own (so it can be killed with -9)."""
    proc = subprocess.Popen([sys.executable, "-m", "datalinker.cli", "amqp-bridge", "--amqp-url", AMQP_URL,
                             *names.args(), *extra], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
