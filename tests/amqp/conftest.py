"""A real RabbitMQ (127.0.0.1:5672, guest/guest; .ci/setup installs and starts it) and queue names of each test's own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pika
import pytest

from tests.amqp.rabbit import AMQP_URL, Names


@pytest.fixture
def names() -> Iterator[Names]:
    try:
        connection = pika.BlockingConnection(pika.URLParameters(AMQP_URL))
    except pika.exceptions.AMQPConnectionError as exc:
        pytest.fail(f"RabbitMQ is not reachable at {AMQP_URL} (.ci/setup starts it: rabbitmq-server -detached): {exc!r}")
    tag = uuid.uuid4().hex[:8]
    n = Names(f"t-{tag}-in", f"t-{tag}-out", f"t-{tag}-dlx", f"t-{tag}-in.dead-letter")
    yield n
    try:
        channel = connection.channel() if connection.is_open else pika.BlockingConnection(pika.URLParameters(AMQP_URL)).channel()
        for queue in (n.in_queue, n.out_queue, n.dead_letter_queue):
            channel.queue_delete(queue)
        channel.exchange_delete(n.dead_letter_exchange)
    except pika.exceptions.AMQPError:
        pass
