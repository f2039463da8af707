"""Benchmark workloads, composed from the set-based builder (`datalinker.builders.add_session_series`).

Background rows are other users' and earlier days' linked chunks plus a backlog of unlinked legacy
chunks, to make the table big.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import psycopg

from datalinker import builders

DAY = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
DATA_TYPES = ("eeg", "imu")


@dataclass(frozen=True)
class Size:
    sessions: int  # 60-min sessions timed for latency (median over them)
    background: int  # background rows at 1x (10x adds nine times as many)
    small_sessions: int  # sessions of 60 chunks per throughput run
    long_sessions: int  # 60-min sessions per throughput run
    rss_jobs: int  # jobs for the worker memory soak
    lab_day_users: int = 21  # simulated lab day: users (a third of their sessions buffered offline)
    lab_day_hours: float = 8
    minutes: float = 60
    history_days: tuple[int, ...] = (1, 12, 30)  # days of one user's 8-h wear before the day measured


SIZES = {
    "default": Size(sessions=7, background=500_000, small_sessions=600, long_sessions=6, rss_jobs=10_000),
    "quick": Size(sessions=5, background=50_000, small_sessions=300, long_sessions=3, rss_jobs=1_000, lab_day_hours=2,
                  history_days=(1, 3)),
    "tiny": Size(sessions=2, background=2_000, small_sessions=20, long_sessions=1, rss_jobs=40, minutes=2,
                 lab_day_users=3, lab_day_hours=1, history_days=(1,)),
}


def experiment(conn: psycopg.Connection[Any]) -> object:
    return builders.add_experiment(conn, "bench")


def make_sessions(conn: psycopg.Connection[Any], prefix: str, n: int, minutes: float, day: datetime = DAY,
                  **options: Any) -> int:
    """n sessions of `minutes` on `day` (default the bench's lab day); see builders.add_session_series."""
    return builders.add_session_series(conn, prefix, n, minutes, day, data_types=DATA_TYPES, **options)


def add_background(conn: psycopg.Connection[Any], rows: int, tag: str) -> int:
    """About `rows` chunks of 60-min sessions on earlier days: 90 % linked, 10 % an unlinked legacy backlog."""
    per_session = 60 * 60 * len(DATA_TYPES)
    sessions = max(1, rows // per_session)
    backlog = max(1, sessions // 10)
    superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    with conn.transaction():
        if superuser and superuser[0]:
            conn.execute("SET LOCAL session_replication_role = replica")  # skip per-row FK checks on bulk load
        made = make_sessions(conn, f"bg{tag}-linked-", sessions - backlog, 60, users=200, linked=True,
                             day=datetime(2026, 1, 5, tzinfo=timezone.utc), user_prefix="bg-user-", images=0)
        made += make_sessions(conn, f"bg{tag}-backlog-", backlog, 60, users=50, ended=True,
                              day=datetime(2026, 2, 20, tzinfo=timezone.utc), user_prefix="bg-user-", images=0)
    return made
