"""datalinker worker: a thin daemon that claims jobs from data_linker_queue and runs them in SQL.

Jobs are of two kinds on the one queue, handled alike: a session job `{"session_id"}` (the session ended:
link it) and a placement job `{"user_id"}` (queued by an upload: place the user's late or offline chunks).
`datalinker.claim_job` claims up to --batch messages in its own committed transaction
(visibility timeout set, read_ct counted), then `datalinker.process_job` runs each in a transaction
of its own (link, delete, notify downstream, or dead-letter). All decisions are made in the
database; this loop only waits, calls and logs.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from datalinker import config, logs, queries
from datalinker.cli import bounded
from datalinker.metrics import StatusCollector, WorkerMetrics, database_health, serve

log = logging.getLogger("datalinker.worker")

@dataclass(frozen=True)
class Settings:
    conninfo: str = ""
    vt_seconds: int = 60  # lease between claim and process; the row lock holds it while processing
    max_attempts: int = 5  # read_ct above this: dead-lettered as too_many_attempts
    poll_seconds: float = 5.0  # slow poll in case a notification was missed (the only wake-up with listen off)
    concurrency: int = 1
    exit_when_idle: bool = False  # drain the queue, then exit (demo, benchmarks)
    max_backoff_seconds: float = 5.0  # reconnect at least this often: a promoted standby is found quickly
    lock_timeout_ms: int = 5000  # a lock held elsewhere never stalls the worker: give up, retry that job later
    batch: int = 1  # messages claimed per committed read; each is still processed in its own transaction
    listen: bool = True  # False: poll only (PgBouncer in transaction mode cannot LISTEN)
    metrics_port: int | None = None  # serve Prometheus /metrics and /healthz here
    metrics_addr: str = "0.0.0.0"


def event(level: int, name: str, message: str, *args: Any, **fields: Any) -> None:
    """One log line: the message for people, the stable fields (extra) for --log-format json."""
    log.log(level, message, *args, extra={"event": name, **fields})


class Worker:
    """One loop: a work connection and (unless polling only) a LISTEN connection, reconnecting with backoff."""

    def __init__(self, settings: Settings, stop: threading.Event, name: str = "worker-1",
                 metrics: WorkerMetrics | None = None) -> None:
        self.settings = settings
        self.stop = stop
        self.name = name
        self.metrics = metrics or WorkerMetrics()
        self.jobs_done = 0

    def run(self) -> None:
        backoff = 0.5
        while not self.stop.is_set():
            try:
                with psycopg.connect(self.settings.conninfo, autocommit=True, row_factory=dict_row) as work, \
                        self.listener() as listen:
                    work.execute(queries.SET_LOCK_TIMEOUT, {"ms": str(self.settings.lock_timeout_ms)})
                    backoff = 0.5
                    if self._loop(work, listen):
                        return
            except psycopg.OperationalError as exc:
                event(logging.WARNING, "reconnect", "%s database unavailable (%s); reconnecting in %.1fs", self.name,
                      str(exc).strip(), backoff, error=str(exc).strip())
            except Exception as exc:  # never let one bad moment kill the loop: log, back off, reconnect
                log.exception("%s unexpected error; reconnecting in %.1fs", self.name, backoff,
                              extra={"event": "reconnect", "error": repr(exc)})
            self.stop.wait(backoff)
            backoff = min(backoff * 2, self.settings.max_backoff_seconds)

    def listener(self) -> contextlib.AbstractContextManager[psycopg.Connection[Any] | None]:
        """A connection LISTENing on the queue's insert notifications (session and placement jobs); None when polling only."""
        if not self.settings.listen:
            return contextlib.nullcontext()
        listen = psycopg.connect(self.settings.conninfo, autocommit=True)
        try:
            for channel in queries.LISTEN:
                listen.execute(channel)
        except psycopg.Error:
            listen.close()
            raise
        return listen

    def _loop(self, work: psycopg.Connection[dict[str, Any]], listen: psycopg.Connection[Any] | None) -> bool:
        """Handle jobs until told to stop; True when finished for good (stop or idle exit)."""
        claimed: deque[dict[str, Any]] = deque()
        while not self.stop.is_set():
            if not claimed:
                claimed.extend(self.claim(work))
            if claimed:
                self.process(work, claimed.popleft())
                continue
            if self.settings.exit_when_idle:
                return True
            if listen is None:
                self.stop.wait(self.settings.poll_seconds)
            else:
                for _ in listen.notifies(timeout=self.settings.poll_seconds, stop_after=1):
                    pass
        for job in claimed:  # stopping with jobs of the batch left: make them visible again at once
            work.execute(queries.RETRY_JOB, {"msg_id": job["msg_id"], "delay_seconds": 0})
        return True

    @staticmethod
    def transient(work: psycopg.Connection[dict[str, Any]], exc: psycopg.Error) -> bool:
        """The database's one rule (datalinker.is_transient): retry later, or a real error."""
        row = work.execute(queries.IS_TRANSIENT, {"sqlstate": exc.sqlstate or ""}).fetchone()
        return bool(row and row["is_transient"])

    def claim(self, work: psycopg.Connection[dict[str, Any]]) -> list[dict[str, Any]]:
        """Claim up to `batch` jobs in one transaction of its own (autocommit); [] when nothing is visible."""
        claimed = work.execute(queries.CLAIM_JOB, {"vt_seconds": self.settings.vt_seconds,
                                                   "qty": self.settings.batch}).fetchall()
        self.metrics.polled()
        return claimed

    def process(self, work: psycopg.Connection[dict[str, Any]], claim: dict[str, Any]) -> None:
        """Run one claimed job: process_job is one statement, so in autocommit it is one transaction of its own."""
        started = time.monotonic()
        params = {"msg_id": claim["msg_id"], "max_attempts": self.settings.max_attempts}
        try:
            result = work.execute(queries.PROCESS_JOB, params).fetchone()
        except psycopg.Error as exc:
            if work.broken:
                raise  # reconnect; the message comes back when its visibility timeout ends
            delay = min(2 ** claim["read_ct"], self.settings.vt_seconds)
            work.execute(queries.RETRY_JOB, {"msg_id": claim["msg_id"], "delay_seconds": delay})
            self.metrics.job("retried", time.monotonic() - started)
            if claim["user_id"] is not None:
                self.metrics.placements.labels("retried").inc()
            event(logging.WARNING if self.transient(work, exc) else logging.ERROR, "job",
                  "job msg_id=%s session=%r outcome=retry attempt=%s sqlstate=%s error=%r retry_in_s=%s",
                  claim["msg_id"], claim["session_id"], claim["read_ct"], exc.sqlstate, str(exc).strip(), delay,
                  job_id=claim["msg_id"], session_id=claim["session_id"], outcome="retry", attempt=claim["read_ct"],
                  error=str(exc).strip(), duration_ms=round((time.monotonic() - started) * 1000, 1))
            return
        assert result is not None
        self.jobs_done += 1
        seconds = time.monotonic() - started
        self.metrics.job(result["outcome"], seconds, result["objects_linked"] or 0)
        if result["user_id"] is not None:  # a placement job
            self.metrics.placements.labels("placed" if result["outcome"] == "completed" else "failed").inc()
        event(logging.INFO, "job",
              "job msg_id=%s session=%r user=%r outcome=%s reason=%s converted=%s linked=%s media=%s attempt=%s ms=%.1f",
              result["msg_id"], result["session_id"], result["user_id"], result["outcome"], result["reason"],
              result["objects_converted"], result["objects_linked"], result["media_linked"], claim["read_ct"],
              seconds * 1000, job_id=result["msg_id"], session_id=result["session_id"], user_id=result["user_id"],
              outcome=result["outcome"],
              reason=result["reason"], attempt=claim["read_ct"], duration_ms=round(seconds * 1000, 1))


def run(settings: Settings, stop: threading.Event | None = None, install_signals: bool = True) -> int:
    """Run settings.concurrency loops until SIGTERM/SIGINT (each finishes its current job); exit code 0."""
    stop = stop or threading.Event()
    if install_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda signum, frame: stop.set())
    metrics = WorkerMetrics()
    server = None
    if settings.metrics_port is not None:
        metrics.registry.register(StatusCollector(settings.conninfo))
        server = serve(settings.metrics_port, settings.metrics_addr, metrics.registry,
                       database_health(settings.conninfo))
    workers = [Worker(settings, stop, f"worker-{i + 1}", metrics) for i in range(settings.concurrency)]
    threads = [threading.Thread(target=w.run, name=w.name, daemon=True) for w in workers]
    event(logging.INFO, "start", "worker started: concurrency=%d batch=%d listen=%s vt=%ss max_attempts=%d",
          settings.concurrency, settings.batch, settings.listen, settings.vt_seconds, settings.max_attempts)
    metrics.up.set(1)
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        for thread in threads:
            thread.join(timeout=0.2)
    metrics.up.set(0)
    if server is not None:
        server.shutdown()
        server.server_close()
    event(logging.INFO, "stop", "worker stopped after %d job(s)", sum(w.jobs_done for w in workers))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--concurrency", type=bounded("--concurrency", 1, 64), default=1, help="parallel job loops (default 1)")
    parser.add_argument("--batch", type=bounded("--batch", 1, 1000), default=1,
                        help="messages claimed per read, each processed in its own transaction (default 1)")
    parser.add_argument("--vt", type=int, default=60, help="visibility timeout in seconds (default 60)")
    parser.add_argument("--max-attempts", type=int, default=5, help="attempts before dead-lettering (default 5)")
    parser.add_argument("--poll", type=float, default=5.0, help="fallback poll interval in seconds (default 5)")
    parser.add_argument("--no-listen", dest="listen", action="store_false",
                        help="poll only, no LISTEN (PgBouncer in transaction mode); wakes every --poll seconds")
    parser.add_argument("--max-backoff", type=float, default=5.0,
                        help="longest wait between reconnection attempts, seconds (default 5)")
    parser.add_argument("--lock-timeout", type=int, default=5000,
                        help="ms to wait for a lock held elsewhere before retrying that job later (default 5000)")
    parser.add_argument("--exit-when-idle", action="store_true", help="drain the queue and the placement requests, then exit")
    parser.add_argument("--metrics-port", type=int, default=None,
                        help="serve Prometheus /metrics and /healthz on this port (0: any free port)")
    parser.add_argument("--metrics-addr", default="0.0.0.0", help="address for --metrics-port (default 0.0.0.0)")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"],
                        help="logging threshold (default info)")
    parser.add_argument("--log-format", default="text", choices=["text", "json"],
                        help="text (default) or one JSON object per line (ts, level, event, session_id, job_id, ...)")


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(conninfo=config.conninfo(), vt_seconds=args.vt, max_attempts=args.max_attempts,
                    poll_seconds=args.poll, concurrency=args.concurrency, exit_when_idle=args.exit_when_idle,
                    lock_timeout_ms=args.lock_timeout, batch=args.batch, listen=args.listen,
                    metrics_port=args.metrics_port, metrics_addr=args.metrics_addr,
                    max_backoff_seconds=args.max_backoff)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="worker.py", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    logs.configure(args.log_level, args.log_format)
    return run(settings_from(args))


if __name__ == "__main__":
    sys.exit(main())
