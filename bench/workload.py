"""Set-based synthetic workload for the benchmarks (fixed seed, generated inside PostgreSQL).

Sessions of `minutes` with EEG + IMU chunks of `chunk_seconds`; legacy sessions carry device ticks
only (counters wrap: ticks are epoch_us + offset mod 2^32), new-device sessions carry UTC times and
session_id. Background rows are other users' and earlier days' linked chunks plus a backlog of
unlinked legacy chunks, to make the table big.
"""

from __future__ import annotations

from datetime import datetime, timezone

import psycopg

DAY = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
DATA_TYPES = ("eeg", "imu")

INSERT_SESSIONS = """
INSERT INTO public.sessions (session_id, user_id, experiment_id, start_time, end_time, session_type,
                             clock_offset_info, link_status)
SELECT %(prefix)s || lpad(i::text, 6, '0'),
       %(user_prefix)s || lpad((i %% %(users)s)::text, 4, '0'),
       %(experiment_id)s,
       %(day)s + (i / %(users)s) * (%(minutes)s + 10) * interval '1 minute' + (i %% %(users)s) * interval '7 seconds',
       CASE WHEN %(ended)s THEN %(day)s + (i / %(users)s) * (%(minutes)s + 10) * interval '1 minute'
                                + (i %% %(users)s) * interval '7 seconds' + %(minutes)s * interval '1 minute' END,
       'main',
       CASE WHEN %(new_device_every)s = 0 OR i %% %(new_device_every)s <> %(new_device_every)s - 1
            THEN jsonb_build_object('offset_ms_avg',
                     -1712345678901.25::numeric - (i %% %(users)s) * 1000.125, 'rtt_ms', 4.2) END,
       %(status)s
FROM generate_series(0, %(n)s - 1) i
"""

INSERT_CHUNKS = """
INSERT INTO public.raw_data_objects (object_id, user_id, session_id, start_time, end_time,
                                     start_time_device, end_time_device, data_type, created_at)
SELECT s.session_id || '/' || dt || '/' || j,
       s.user_id,
       CASE WHEN legacy THEN NULL ELSE s.session_id END,
       CASE WHEN legacy THEN NULL ELSE t0 END,
       CASE WHEN legacy THEN NULL ELSE t1 END,
       CASE WHEN legacy THEN datalinker.wrap_us(datalinker.epoch_us(t0) + off_us) END,
       CASE WHEN legacy THEN datalinker.wrap_us(datalinker.epoch_us(t1) + off_us) END,
       dt,
       CASE WHEN %(buffered_every)s > 0 AND right(s.session_id, 6)::integer %% %(buffered_every)s = 0
            THEN s.end_time + %(upload_delay)s::interval + j * interval '1 millisecond'  -- one burst, days later
            ELSE t1 + interval '1.5 seconds' END                                          -- live, as recorded
FROM public.sessions s
CROSS JOIN LATERAL (SELECT s.clock_offset_info IS NOT NULL AND NOT %(linked)s AS legacy,
                           datalinker.clock_offset_us(s.clock_offset_info) AS off_us) k
CROSS JOIN generate_series(0, %(chunks_per_type)s - 1) j
CROSS JOIN unnest(%(data_types)s::text[]) dt
CROSS JOIN LATERAL (SELECT s.start_time + j * %(chunk_seconds)s * interval '1 second' AS t0,
                           s.start_time + (j + 1) * %(chunk_seconds)s * interval '1 second' AS t1) c
WHERE s.session_id LIKE %(prefix)s || '%%'
"""

INSERT_MEDIA = """
INSERT INTO public.images (object_id, user_id, session_id, captured_at)
SELECT 'img/' || s.session_id || '/' || k, s.user_id, s.session_id, s.start_time + k * interval '5 minutes'
FROM public.sessions s CROSS JOIN generate_series(0, %(images)s - 1) k
WHERE s.session_id LIKE %(prefix)s || '%%'
"""

INSERT_AUDIO = """
INSERT INTO public.audio_clips (object_id, user_id, session_id, captured_at, duration_ms)
SELECT 'audio/' || s.session_id, s.user_id, s.session_id, s.start_time + interval '30 seconds', 20000
FROM public.sessions s WHERE s.session_id LIKE %(prefix)s || '%%'
"""


def experiment(conn: psycopg.Connection) -> object:
    row = conn.execute("INSERT INTO public.experiments (name) VALUES ('bench') RETURNING experiment_id").fetchone()
    assert row is not None
    return row[0]


def make_sessions(conn: psycopg.Connection, prefix: str, n: int, minutes: float, chunk_seconds: float = 1.0,
                  users: int = 10, ended: bool = True, new_device_every: int = 0, linked: bool = False,
                  experiment_id: object = None, day: datetime = DAY, user_prefix: str | None = None,
                  images: int = 3, buffered_every: int = 0, upload_delay: str = "3 days") -> int:
    """Insert n sessions and their chunks (and media); returns the number of chunks.

    Chunks arrive live (1.5 s after their end) except in every `buffered_every`-th session (by number),
    whose chunks all arrive in one burst `upload_delay` after the session ended.

    Each prefix has users of its own (unless user_prefix says otherwise), so workloads never compete.
    """
    user_prefix = user_prefix or f"{prefix}user-"
    chunks_per_type = max(1, round(minutes * 60 / chunk_seconds))
    conn.execute(INSERT_SESSIONS, {
        "prefix": prefix, "user_prefix": user_prefix, "users": users, "experiment_id": experiment_id,
        "day": day, "minutes": minutes, "ended": ended or linked, "new_device_every": new_device_every,
        "status": "completed" if linked else "pending", "n": n})
    cur = conn.execute(INSERT_CHUNKS, {"prefix": prefix, "linked": linked, "chunks_per_type": chunks_per_type,
                                       "chunk_seconds": chunk_seconds, "data_types": list(DATA_TYPES),
                                       "buffered_every": buffered_every, "upload_delay": upload_delay})
    if images:
        conn.execute(INSERT_MEDIA, {"prefix": prefix, "images": images})
        conn.execute(INSERT_AUDIO, {"prefix": prefix})
    return cur.rowcount


def add_background(conn: psycopg.Connection, rows: int, tag: str) -> int:
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
