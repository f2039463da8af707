"""Benchmark workloads, composed from the set-based builder (`datalinker.builders.add_session_series`).

Background rows are other users' and earlier days' linked chunks plus a backlog of unlinked legacy
chunks, to make the table big.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import psycopg

from datalinker import builders

DAY = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
DATA_TYPES = ("eeg", "imu")


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
