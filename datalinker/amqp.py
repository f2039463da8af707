"""`datalinker amqp-bridge`: the platform speaks AMQP (RabbitMQ); datalinker's queues are pgmq inside PostgreSQL.

In:  AMQP `data_linker_queue` (durable, prefetch bounded) → `datalinker.accept_amqp_job` (one transaction: the job
     on pgmq and the message id in datalinker.amqp_inbox) → ack only after that commit. A redelivered message
     (a crash between commit and ack) is a 'duplicate': no second job. A refused one (bad payload, unknown or
     running session) goes to the dead-letter exchange with the reason in the header `x-datalinker-reason`, then
     is acked: never requeued in a loop, never lost.
Out: pgmq `event_correction_queue` (`datalinker.claim_events`, leased) → AMQP `event_correction_queue` (durable,
     persistent, message_id `datalinker-event-<pgmq msg_id>`, publisher confirms) → `datalinker.ack_event` only
     after the broker confirmed. At least once: a crash between confirm and delete publishes the same message
     again, with the same message_id.
The bridge reconnects to either side with exponential backoff. Every decision is made in SQL.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pika
import pika.exceptions
import psycopg
from prometheus_client import CollectorRegistry, Counter, Gauge

from datalinker import config, queries
from datalinker.metrics import serve

log = logging.getLogger("datalinker.amqp")

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"
REASON_HEADER = "x-datalinker-reason"


@dataclass(frozen=True)
class BridgeSettings:
    amqp_url: str = DEFAULT_AMQP_URL
    conninfo: str = ""
    in_queue: str = "data_linker_queue"
    out_queue: str = "event_correction_queue"
    dead_letter_exchange: str = "datalinker.dead-letter"
    dead_letter_queue: str = "data_linker_queue.dead-letter"
    prefetch: int = 100  # unacked AMQP messages in hand at most
    batch: int = 100  # announcements claimed from pgmq at a time
    vt_seconds: int = 30  # lease of a claimed announcement until the broker confirmed it
    poll_seconds: float = 0.2  # wait for AMQP messages this long before looking at pgmq again
    exit_when_idle: bool = False  # both directions drained: exit (demo, tests)
    max_backoff_seconds: float = 5.0
    metrics_port: int | None = None
    metrics_addr: str = "0.0.0.0"


class BridgeMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.messages = Counter("datalinker_bridge_messages", "AMQP messages carried, by direction (in, out) and"
                                " outcome (queued, duplicate, refused, published)", ["direction", "outcome"], registry=r)
        self.dead_lettered = Counter("datalinker_bridge_dead_lettered", "AMQP jobs refused and sent to the dead-letter"
                                     " exchange", registry=r)
        self.reconnects = Counter("datalinker_bridge_reconnects", "Reconnections to RabbitMQ or PostgreSQL", registry=r)
        self.lag = Gauge("datalinker_bridge_lag_seconds", "Age of the last announcement published to AMQP when it was"
                         " confirmed", registry=r)
        self.up = Gauge("datalinker_bridge_up", "1 while connected to both RabbitMQ and PostgreSQL", registry=r)


class Bridge:
    def __init__(self, settings: BridgeSettings, stop: threading.Event, metrics: BridgeMetrics | None = None) -> None:
        self.settings = settings
        self.stop = stop
        self.metrics = metrics or BridgeMetrics()
        self.last_purge = 0.0
        self.connected = False

    def run(self) -> None:
        """Connect, carry messages until stopped (or idle), reconnect with backoff after a broken connection."""
        backoff = 0.5
        while not self.stop.is_set():
            try:
                with psycopg.connect(self.settings.conninfo, autocommit=True) as db:
                    amqp = pika.BlockingConnection(pika.URLParameters(self.settings.amqp_url))
                    try:
                        channel = self.open_channel(amqp)
                        self.set_connected(True)
                        backoff = 0.5
                        if self.carry(db, channel):
                            return
                    finally:
                        self.set_connected(False)
                        if amqp.is_open:
                            amqp.close()
            except (pika.exceptions.AMQPError, psycopg.OperationalError, OSError) as exc:
                self.metrics.reconnects.inc()
                log.warning("connection lost (%s: %s); reconnecting in %.1fs", type(exc).__name__, exc, backoff)
                self.stop.wait(backoff)
                backoff = min(backoff * 2, self.settings.max_backoff_seconds)

    def set_connected(self, connected: bool) -> None:
        self.connected = connected
        self.metrics.up.set(int(connected))

    def health(self) -> tuple[bool, str]:
        return self.connected, "connected to RabbitMQ and PostgreSQL" if self.connected else "not connected"

    def open_channel(self, amqp: pika.BlockingConnection) -> Any:
        s = self.settings
        channel = amqp.channel()
        channel.exchange_declare(s.dead_letter_exchange, exchange_type="direct", durable=True)
        channel.queue_declare(s.dead_letter_queue, durable=True)
        channel.queue_bind(s.dead_letter_queue, s.dead_letter_exchange, routing_key=s.in_queue)
        channel.queue_declare(s.in_queue, durable=True)
        channel.queue_declare(s.out_queue, durable=True)
        channel.confirm_delivery()
        channel.basic_qos(prefetch_count=s.prefetch)
        return channel

    def carry(self, db: psycopg.Connection[Any], channel: Any) -> bool:
        """Both directions, interleaved; True when idle and asked to exit when idle."""
        for method, properties, body in channel.consume(self.settings.in_queue,
                                                        inactivity_timeout=self.settings.poll_seconds):
            if self.stop.is_set():
                break
            if method is not None:
                self.accept(db, channel, method, properties, body)
                continue
            self.maybe_purge(db)
            if self.publish_events(db, channel) == 0 and self.settings.exit_when_idle and self.idle(db, channel):
                break
        channel.cancel()  # unacked messages go back to the queue
        return self.settings.exit_when_idle or self.stop.is_set()

    def accept(self, db: psycopg.Connection[Any], channel: Any, method: Any, properties: Any, body: bytes) -> None:
        text = body.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
        row = db.execute(queries.ACCEPT_AMQP_JOB, {"message_id": properties.message_id, "body": text}).fetchone()
        assert row is not None
        outcome, msg_id, reason = row
        if reason is not None:  # refused now or before: to the dead letters, with the reason
            channel.basic_publish(self.settings.dead_letter_exchange, self.settings.in_queue, body,
                                  pika.BasicProperties(delivery_mode=2, message_id=properties.message_id,
                                                       content_type=properties.content_type,
                                                       headers={REASON_HEADER: reason}))
            self.metrics.dead_lettered.inc()
            log.warning("refused AMQP message %s: %s", properties.message_id, reason)
        channel.basic_ack(method.delivery_tag)
        self.metrics.messages.labels("in", outcome).inc()
        log.debug("AMQP message %s: %s (job %s)", properties.message_id, outcome, msg_id)

    def publish_events(self, db: psycopg.Connection[Any], channel: Any) -> int:
        """Announcements out: publish, wait for the broker's confirm, then delete from pgmq."""
        rows = db.execute(queries.CLAIM_EVENTS, {"vt": self.settings.vt_seconds, "qty": self.settings.batch}).fetchall()
        for msg_id, _read_ct, enqueued_at, message in rows:
            channel.basic_publish("", self.settings.out_queue, json.dumps(message).encode(),
                                  pika.BasicProperties(delivery_mode=2, message_id=f"datalinker-event-{msg_id}",
                                                       content_type="application/json"),
                                  mandatory=True)  # confirm_delivery: returns once the broker has it
            db.execute(queries.ACK_EVENT, {"msg_id": msg_id})
            self.metrics.messages.labels("out", "published").inc()
            self.metrics.lag.set((datetime.now(timezone.utc) - enqueued_at).total_seconds())
        return len(rows)

    def idle(self, db: psycopg.Connection[Any], channel: Any) -> bool:
        waiting = channel.queue_declare(self.settings.in_queue, durable=True, passive=True).method.message_count
        row = db.execute(queries.EVENTS_WAITING).fetchone()
        return waiting == 0 and row is not None and row[0] == 0

    def maybe_purge(self, db: psycopg.Connection[Any]) -> None:
        if time.monotonic() - self.last_purge > 3600:
            self.last_purge = time.monotonic()
            db.execute(queries.PURGE_AMQP_INBOX, {"older_than": "7 days"})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--amqp-url", default=os.environ.get("DATALINKER_AMQP_URL", DEFAULT_AMQP_URL),
                        help="RabbitMQ URL (env DATALINKER_AMQP_URL; default the local guest)")
    parser.add_argument("--in-queue", default=os.environ.get("DATALINKER_AMQP_IN_QUEUE", "data_linker_queue"))
    parser.add_argument("--out-queue", default=os.environ.get("DATALINKER_AMQP_OUT_QUEUE", "event_correction_queue"))
    parser.add_argument("--dead-letter-exchange", default="datalinker.dead-letter")
    parser.add_argument("--dead-letter-queue", default=None, help="default: IN_QUEUE.dead-letter")
    parser.add_argument("--prefetch", type=int, default=100, help="unacked AMQP messages in hand (1..10000)")
    parser.add_argument("--exit-when-idle", action="store_true", help="exit when both directions are drained")
    parser.add_argument("--metrics-port", type=int, default=None, help="serve Prometheus /metrics and /healthz here")


def run_from_args(args: argparse.Namespace) -> int:
    if not 1 <= args.prefetch <= 10_000:
        raise ValueError(f"--prefetch {args.prefetch} is outside 1..10000")
    settings = BridgeSettings(amqp_url=args.amqp_url, conninfo=config.conninfo(), in_queue=args.in_queue,
                              out_queue=args.out_queue, dead_letter_exchange=args.dead_letter_exchange,
                              dead_letter_queue=args.dead_letter_queue or f"{args.in_queue}.dead-letter",
                              prefetch=args.prefetch, exit_when_idle=args.exit_when_idle,
                              metrics_port=args.metrics_port)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    bridge = Bridge(settings, stop)
    if settings.metrics_port is not None:
        serve(settings.metrics_port, settings.metrics_addr, bridge.metrics.registry, bridge.health)
    log.info("bridge: AMQP %s ⇄ pgmq (in %s, out %s)", pika.URLParameters(settings.amqp_url).host, settings.in_queue,
             settings.out_queue)
    bridge.run()
    log.info("bridge stopped")
    return 0
