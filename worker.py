"""datalinker worker: a thin daemon that claims jobs from data_linker_queue and runs them in SQL.

When the queue is empty it handles placement requests (`datalinker.place_next_user`): users whose
late or offline device-time chunks arrived after their session was linked.

Per job: `datalinker.claim_job` in its own committed transaction (visibility timeout set, read_ct
counted), then `datalinker.process_job` in a second transaction (link, delete, notify downstream,
or dead-letter). All decisions are made in the database; this loop only waits, calls and logs.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from datalinker import config, queries

log = logging.getLogger("datalinker.worker")

@dataclass(frozen=True)
class Settings:
    conninfo: str = ""
    vt_seconds: int = 60  # lease between claim and process; the row lock holds it while processing
    max_attempts: int = 5  # read_ct above this: dead-lettered as too_many_attempts
    poll_seconds: float = 5.0  # slow poll in case a notification was missed
    concurrency: int = 1
    exit_when_idle: bool = False  # drain the queue, then exit (demo, benchmarks)
    max_backoff_seconds: float = 30.0
    lock_timeout_ms: int = 5000  # a lock held elsewhere never stalls the worker: give up, retry that job later


class Worker:
    """One loop: a work connection and a LISTEN connection, reconnecting with backoff."""

    def __init__(self, settings: Settings, stop: threading.Event, name: str = "worker-1") -> None:
        self.settings = settings
        self.stop = stop
        self.name = name
        self.jobs_done = 0

    def run(self) -> None:
        backoff = 0.5
        while not self.stop.is_set():
            try:
                with psycopg.connect(self.settings.conninfo, autocommit=True, row_factory=dict_row) as work, \
                        psycopg.connect(self.settings.conninfo, autocommit=True) as listen:
                    for channel in queries.LISTEN:
                        listen.execute(channel)
                    work.execute(queries.SET_LOCK_TIMEOUT, {"ms": str(self.settings.lock_timeout_ms)})
                    backoff = 0.5
                    if self._loop(work, listen):
                        return
            except psycopg.OperationalError as exc:
                log.warning("%s database unavailable (%s); reconnecting in %.1fs", self.name, str(exc).strip(), backoff)
            except Exception:  # never let one bad moment kill the loop: log, back off, reconnect
                log.exception("%s unexpected error; reconnecting in %.1fs", self.name, backoff)
            self.stop.wait(backoff)
            backoff = min(backoff * 2, self.settings.max_backoff_seconds)

    def _loop(self, work: psycopg.Connection[dict[str, Any]], listen: psycopg.Connection[Any]) -> bool:
        """Handle jobs until told to stop; True when finished for good (stop or idle exit)."""
        claim = None
        while not self.stop.is_set():
            claim = claim or self.claim(work)
            if claim is not None:
                claim = self.process(work, claim)
                continue
            if self.place(work):
                continue
            if self.settings.exit_when_idle:
                return True
            for _ in listen.notifies(timeout=self.settings.poll_seconds, stop_after=1):
                pass
        if claim is not None:  # stopping with a job claimed ahead: make it visible again at once
            work.execute(queries.RETRY_JOB, {"msg_id": claim["msg_id"], "delay_seconds": 0})
        return True

    def place(self, work: psycopg.Connection[dict[str, Any]]) -> bool:
        """Place one requested user's late or offline chunks (one transaction); False when nothing was requested."""
        started = time.monotonic()
        try:
            rows = work.execute(queries.PLACE_NEXT_USER).fetchall()
        except psycopg.Error as exc:
            if work.broken:
                raise
            retry = self.transient(work, exc)
            log.log(logging.WARNING if retry else logging.ERROR, "placement outcome=%s sqlstate=%s error=%r",
                    "retry" if retry else "error", exc.sqlstate, str(exc).strip())
            self.stop.wait(1.0)  # the request stays; a transient error is tried again shortly
            return retry
        if not rows:
            return False
        self.jobs_done += 1
        if rows[0]["error"]:  # the database kept the request and retries it later; other users go on
            log.error("placement user=%r outcome=failed error=%r", rows[0]["user_id"], rows[0]["error"])
            return True
        log.info("placement user=%r placed=%s ambiguous=%s sessions=%s ms=%.1f", rows[0]["user_id"],
                 sum(r["placed"] for r in rows), sum(r["ambiguous"] for r in rows),
                 [r["session_id"] for r in rows if r["placed"]], (time.monotonic() - started) * 1000)
        return True

    @staticmethod
    def transient(work: psycopg.Connection[dict[str, Any]], exc: psycopg.Error) -> bool:
        """The database's one rule (datalinker.is_transient): retry later, or a real error."""
        row = work.execute(queries.IS_TRANSIENT, {"sqlstate": exc.sqlstate or ""}).fetchone()
        return bool(row and row["is_transient"])

    def claim(self, work: psycopg.Connection[dict[str, Any]]) -> dict[str, Any] | None:
        """Claim the next job in a transaction of its own (autocommit); None when nothing is visible."""
        return work.execute(queries.CLAIM_JOB, {"vt_seconds": self.settings.vt_seconds}).fetchone()

    def process(self, work: psycopg.Connection[dict[str, Any]], claim: dict[str, Any]) -> dict[str, Any] | None:
        """Run one claimed job; returns the next job, claimed ahead in the same transaction.

        Claiming ahead keeps the rule that a job's claim (read_ct, vt) is committed before its attempt
        starts, at one transaction and one round trip per job instead of two. If this job's
        transaction rolls back, so does the claim ahead: that message simply stays visible.
        """
        started = time.monotonic()
        params = {"msg_id": claim["msg_id"], "max_attempts": self.settings.max_attempts,
                  "vt_seconds": self.settings.vt_seconds}
        try:
            with work.pipeline(), work.transaction():
                done = work.execute(queries.PROCESS_JOB, params)
                ahead = None if self.stop.is_set() else work.execute(queries.CLAIM_JOB, params)
            result = done.fetchone()
            next_claim = ahead.fetchone() if ahead is not None else None
        except psycopg.Error as exc:
            if work.broken:
                raise  # reconnect; the message comes back when its visibility timeout ends
            delay = min(2 ** claim["read_ct"], self.settings.vt_seconds)
            work.execute(queries.RETRY_JOB, {"msg_id": claim["msg_id"], "delay_seconds": delay})
            level = logging.WARNING if self.transient(work, exc) else logging.ERROR
            log.log(level, "job msg_id=%s session=%r outcome=retry attempt=%s sqlstate=%s error=%r retry_in_s=%s",
                    claim["msg_id"], claim["session_id"], claim["read_ct"], exc.sqlstate, str(exc).strip(), delay)
            return None
        assert result is not None
        self.jobs_done += 1
        log.info("job msg_id=%s session=%r outcome=%s reason=%s converted=%s linked=%s media=%s attempt=%s ms=%.1f",
                 result["msg_id"], result["session_id"], result["outcome"], result["reason"],
                 result["objects_converted"], result["objects_linked"], result["media_linked"],
                 claim["read_ct"], (time.monotonic() - started) * 1000)
        return next_claim


def run(settings: Settings, stop: threading.Event | None = None, install_signals: bool = True) -> int:
    """Run settings.concurrency loops until SIGTERM/SIGINT (each finishes its current job); exit code 0."""
    stop = stop or threading.Event()
    if install_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda signum, frame: stop.set())
    workers = [Worker(settings, stop, f"worker-{i + 1}") for i in range(settings.concurrency)]
    threads = [threading.Thread(target=w.run, name=w.name, daemon=True) for w in workers]
    log.info("worker started: concurrency=%d vt=%ss max_attempts=%d", settings.concurrency,
             settings.vt_seconds, settings.max_attempts)
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        for thread in threads:
            thread.join(timeout=0.2)
    log.info("worker stopped after %d job(s)", sum(w.jobs_done for w in workers))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--concurrency", type=int, default=1, help="parallel job loops (default 1)")
    parser.add_argument("--vt", type=int, default=60, help="visibility timeout in seconds (default 60)")
    parser.add_argument("--max-attempts", type=int, default=5, help="attempts before dead-lettering (default 5)")
    parser.add_argument("--poll", type=float, default=5.0, help="fallback poll interval in seconds (default 5)")
    parser.add_argument("--lock-timeout", type=int, default=5000,
                        help="ms to wait for a lock held elsewhere before retrying that job later (default 5000)")
    parser.add_argument("--exit-when-idle", action="store_true", help="drain the queue and the placement requests, then exit")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"],
                        help="logging threshold (default info)")


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(conninfo=config.conninfo(), vt_seconds=args.vt, max_attempts=args.max_attempts,
                    poll_seconds=args.poll, concurrency=args.concurrency, exit_when_idle=args.exit_when_idle,
                    lock_timeout_ms=args.lock_timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="worker.py", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return run(settings_from(args))


if __name__ == "__main__":
    sys.exit(main())
