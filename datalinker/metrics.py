"""The worker's Prometheus metrics and /healthz, served by prometheus_client.

Counters and the duration histogram are counted by the worker as it goes. Queue depth and age,
sessions per link_status and unlinked chunks per reason are read from the database's own reader,
`datalinker.status_report()`, when scraped (at most once per `cache_seconds`, because counting
unlinked chunks per reason evaluates placement). /healthz answers 200 when the database answers and
its schema is the one this code migrates to, else 503 with the reason.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import psycopg
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import ThreadingWSGIServer
from prometheus_client.registry import Collector

from datalinker import queries, sqlsource

log = logging.getLogger("datalinker.metrics")

Health = Callable[[], tuple[bool, str]]


class WorkerMetrics:
    """What one worker process counts; its own registry, so several workers can live in one test process."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.jobs = Counter("datalinker_jobs", "Jobs handled, by outcome (completed, dead_lettered, gone,"
                            " retried)", ["outcome"], registry=r)
        self.duration = Histogram("datalinker_job_duration_seconds", "Time to process one job",
                                  buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60), registry=r)
        self.placements = Counter("datalinker_placements", "Placement jobs handled, by outcome (placed, failed,"
                                  " retried)", ["outcome"], registry=r)
        self.chunks_linked = Counter("datalinker_chunks_linked", "Chunks linked by this worker's jobs and placements",
                                     registry=r)
        self.up = Gauge("datalinker_worker_up", "1 while the worker runs", registry=r)
        self.last_poll = Gauge("datalinker_worker_last_successful_poll_timestamp_seconds",
                               "Unix time of the last successful read of the queue", registry=r)
        for outcome in ("completed", "dead_lettered", "gone", "retried"):
            self.jobs.labels(outcome)
        for outcome in ("placed", "failed", "retried"):
            self.placements.labels(outcome)

    def job(self, outcome: str, seconds: float, chunks: int = 0) -> None:
        self.jobs.labels(outcome).inc()
        self.duration.observe(seconds)
        self.chunks_linked.inc(chunks)

    def polled(self) -> None:
        self.last_poll.set(time.time())


class StatusCollector(Collector):
    """Gauges from datalinker.status_report(), read at scrape time and cached for cache_seconds."""

    def __init__(self, conninfo: str, cache_seconds: float = 15.0) -> None:
        self.conninfo = conninfo
        self.cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._rows: list[tuple[str, str, int, str | None, int | None]] = []
        self._read_at = float("-inf")

    def rows(self) -> list[tuple[str, str, int, str | None, int | None]]:
        with self._lock:
            if time.monotonic() - self._read_at >= self.cache_seconds:
                with psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5) as conn:
                    self._rows = conn.execute(queries.STATUS_REPORT).fetchall()
                self._read_at = time.monotonic()
            return self._rows

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily("datalinker_queue_depth", "Messages in the pgmq queue", labels=["queue"])
        age = GaugeMetricFamily("datalinker_queue_oldest_message_age_seconds", "Age of the oldest message",
                                labels=["queue"])
        sessions = GaugeMetricFamily("datalinker_sessions", "Sessions by link_status", labels=["link_status"])
        chunks = GaugeMetricFamily("datalinker_unlinked_chunks", "Unlinked device-time chunks by reason"
                                   " (waiting, ambiguous, no_clock, ...)", labels=["reason"])
        requests = GaugeMetricFamily("datalinker_placement_requests", "Open placement requests", labels=["kind"])
        db_up = GaugeMetricFamily("datalinker_database_up", "1 when the last scrape could read the database")
        try:
            rows = self.rows()
        except psycopg.Error as exc:
            log.warning("metrics: database unavailable: %s", str(exc).strip())
            db_up.add_metric([], 0)
            yield db_up
            return
        db_up.add_metric([], 1)
        for section, name, count, _detail, age_s in rows:
            if section == "sessions":
                sessions.add_metric([name], count)
            elif section == "queues":
                depth.add_metric([name], count)
                age.add_metric([name], age_s or 0)
            elif section == "unlinked chunks":
                chunks.add_metric([name], count)
            elif section == "placement requests":
                requests.add_metric([name], count)
        yield from (db_up, depth, age, sessions, chunks, requests)


def database_health(conninfo: str) -> Health:
    """Ready when the database answers and carries the schema this code migrates to (sqlsource.version())."""

    def check() -> tuple[bool, str]:
        try:
            with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                row = conn.execute(queries.SCHEMA_VERSION).fetchone()
        except psycopg.Error as exc:
            return False, f"database unavailable: {str(exc).strip()}"
        found, expected = (row[0] if row else None), sqlsource.version()
        if found != expected:
            return False, f"schema is {found or 'not migrated'}, this worker expects {expected}: run datalinker migrate"
        return True, f"ok: {expected}"

    return check


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        log.debug(format, *args)


def serve(port: int, addr: str, registry: CollectorRegistry, health: Health) -> ThreadingWSGIServer:
    """Serve /metrics (and /) and /healthz in a daemon thread; returns the server (shutdown() to stop)."""
    metrics_app = make_wsgi_app(registry)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            ok, reason = health()
            start_response("200 OK" if ok else "503 Service Unavailable", [("Content-Type", "text/plain")])
            return [reason.encode() + b"\n"]
        return metrics_app(environ, start_response)  # type: ignore[no-any-return]

    server = make_server(addr, port, app, ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    log.info("metrics on http://%s:%d/metrics, health on /healthz", addr, server.server_port)
    return server
