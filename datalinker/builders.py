"""The one builder of domain rows: experiments, sessions, chunks, images and audio clips.

The demo (`synthetic.py`), the benchmarks (`bench/`) and the tests build their data here, through the
ingest API users call (`datalinker.add_experiment`, `add_session`, `add_chunks`, `add_media`): row by row
(`add_*`, `insert_chunks`), or set-based inside PostgreSQL for big workloads (`add_session_series`). Two
writes go to the tables themselves, as a DBA in psql would (README, "In psql"): a session that ended
without a queued job (what `link_session` is then run on), and bench history of sessions linked long ago.
A legacy chunk carries only the 32-bit ticks its device shows at the true times; a new-device chunk
carries UTC times (and usually its session_id). The tests' `tests/reference.py` stays a separate,
independent implementation of the conversion on purpose.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import psycopg

P = 2**32  # the device counter wraps here
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DEFAULT_OFFSET_MS = Decimal("-1712345678901.25")  # device − UTC of a device booted a few days before the lab day

OffsetMs = Decimal | float | str

CHUNK_COLUMNS = ("object_id", "user_id", "session_id", "start_time", "end_time", "start_time_device",
                 "end_time_device", "data_type", "created_at")
ChunkRow = tuple[str, str, str | None, datetime | None, datetime | None, int | None, int | None, str, datetime]


def epoch_us(ts: datetime) -> int:
    """Whole microseconds since 1970-01-01 UTC (exact: no float on the way)."""
    d = ts - EPOCH
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


def offset_us(offset_ms: OffsetMs) -> int:
    """A clock offset in ms (device − UTC) as whole µs, half away from zero like the SQL."""
    value = offset_ms if isinstance(offset_ms, Decimal) else Decimal(repr(offset_ms) if isinstance(offset_ms, float)
                                                                      else offset_ms)
    return int((value * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def device_tick(true_utc: datetime, off_us: int) -> int:
    """What a device with that offset shows at a true UTC time."""
    return (epoch_us(true_utc) + off_us) % P


def clock_info(offset_ms: OffsetMs | None, rtt_ms: str = "4.2") -> str | None:
    """clock_offset_info as JSON with the offset written as a number literal with every digit (JSONB keeps them)."""
    if offset_ms is None:
        return None
    literal = repr(offset_ms) if isinstance(offset_ms, float) else str(offset_ms)
    return f'{{"offset_ms_avg": {literal}, "rtt_ms": {rtt_ms}}}'


def add_experiment(conn: psycopg.Connection[Any], name: str = "sleep study", description: str | None = None) -> uuid.UUID:
    experiment_id = uuid.uuid4()
    conn.execute("SELECT datalinker.add_experiment(%s, %s, %s)", [experiment_id, name, description])
    return experiment_id


def add_session(conn: psycopg.Connection[Any], session_id: str, user_id: str, start: datetime,
                end: datetime | None = None, offset_ms: OffsetMs | None = DEFAULT_OFFSET_MS,
                experiment_id: object = None, session_type: str = "main", calibration_for: str | None = None,
                clock_offset_info: str | None = None) -> None:
    """A started session (datalinker.add_session); with `end`, ended without a job, as a DBA's UPDATE would.
    clock_offset_info (raw JSON text) wins over offset_ms; offset_ms None: no clock (new device)."""
    info = clock_offset_info if clock_offset_info is not None else clock_info(offset_ms)
    conn.execute("SELECT datalinker.add_session(%s, %s, %s, %s, %s::jsonb, %s, %s)",
                 [session_id, user_id, start, session_type, info, experiment_id, calibration_for])
    if end is not None:
        conn.execute(END_WITHOUT_JOB, [end, session_id])


# The psql path of README "In psql": an ended session that link_session is run on by hand (no job queued).
END_WITHOUT_JOB = "UPDATE public.sessions SET end_time = %s WHERE session_id = %s"


def tick_chunk(object_id: str, user_id: str, start_tick: int, end_tick: int, received_at: datetime,
               data_type: str = "eeg") -> ChunkRow:
    """A legacy chunk with the ticks given as they are (a drifting or rebooted clock, a hostile value)."""
    return (object_id, user_id, None, None, None, start_tick, end_tick, data_type, received_at)


def device_chunk(object_id: str, user_id: str, true_start: datetime, true_end: datetime, off_us: int,
                 received_at: datetime, data_type: str = "eeg") -> ChunkRow:
    """A legacy chunk: only the ticks a device with that offset shows at the true times."""
    return tick_chunk(object_id, user_id, device_tick(true_start, off_us), device_tick(true_end, off_us), received_at,
                      data_type)


def utc_chunk(object_id: str, user_id: str, start: datetime, end: datetime, session_id: str | None,
              received_at: datetime, data_type: str = "imu") -> ChunkRow:
    """A new-device chunk: UTC times (and usually its session_id) given by the Processor."""
    return (object_id, user_id, session_id, start, end, None, None, data_type, received_at)


ADD_CHUNKS = ("SELECT datalinker.add_chunks(p_object_id => %s, p_user_id => %s, p_session_id => %s, p_start_time => %s,"
              " p_end_time => %s, p_start_time_device => %s, p_end_time_device => %s, p_data_type => %s,"
              " p_received_at => %s)")


def insert_chunks(conn: psycopg.Connection[Any], rows: Iterable[ChunkRow]) -> int:
    """One upload (datalinker.add_chunks: one statement, as the placement trigger sees it); returns how many rows."""
    upload = list(rows)
    columns = [list(column) for column in zip(*upload)] if upload else [[] for _ in CHUNK_COLUMNS]
    conn.execute(ADD_CHUNKS, columns)
    return len(upload)


ADD_MEDIA = "SELECT datalinker.add_media(%s, %s, %s, %s, %s, %s)"


def add_image(conn: psycopg.Connection[Any], object_id: str, user_id: str, session_id: str | None,
              captured_at: datetime) -> None:
    conn.execute(ADD_MEDIA, ["image", [user_id], [object_id], [session_id], [captured_at], [None]])


def add_audio(conn: psycopg.Connection[Any], object_id: str, user_id: str, session_id: str | None,
              captured_at: datetime, duration_ms: int = 20_000) -> None:
    conn.execute(ADD_MEDIA, ["audio", [user_id], [object_id], [session_id], [captured_at], [duration_ms]])


# Set-based: n sessions of `minutes` and their chunks generated inside PostgreSQL (millions of rows in seconds).
# The sessions are written as a DBA would (already ended, or linked long ago: history for the bench); their
# chunks and media arrive through the ingest API, one upload per session.
SESSION_SERIES = """
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

CHUNK_SERIES = """
SELECT coalesce(sum(datalinker.add_chunks(u.user_ids, u.object_ids, u.session_ids, u.starts, u.ends, u.start_ticks,
                                          u.end_ticks, u.data_types, u.received)), 0)
FROM (
SELECT array_agg(s.session_id || '/' || dt || '/' || j) AS object_ids,
       array_agg(s.user_id::text) AS user_ids,
       array_agg(CASE WHEN legacy THEN NULL ELSE s.session_id::text END) AS session_ids,
       array_agg(CASE WHEN legacy THEN NULL ELSE t0 END) AS starts,
       array_agg(CASE WHEN legacy THEN NULL ELSE t1 END) AS ends,
       array_agg(CASE WHEN legacy THEN datalinker.wrap_us(datalinker.epoch_us(t0) + off_us) END) AS start_ticks,
       array_agg(CASE WHEN legacy THEN datalinker.wrap_us(datalinker.epoch_us(t1) + off_us) END) AS end_ticks,
       array_agg(dt) AS data_types,
       array_agg(CASE WHEN %(buffered_every)s > 0 AND right(s.session_id, 6)::integer %% %(buffered_every)s = 0
                      THEN s.end_time + %(upload_delay)s::interval + j * interval '1 millisecond'  -- one burst, days later
                      ELSE t1 + interval '1.5 seconds' END) AS received                             -- live, as recorded
FROM public.sessions s
CROSS JOIN LATERAL (SELECT s.clock_offset_info IS NOT NULL AND NOT %(linked)s AS legacy,
                           datalinker.clock_offset_us(s.clock_offset_info) AS off_us) k
CROSS JOIN generate_series(0, %(chunks_per_type)s - 1) j
CROSS JOIN unnest(%(data_types)s::text[]) dt
CROSS JOIN LATERAL (SELECT s.start_time + j * %(chunk_seconds)s * interval '1 second' AS t0,
                           s.start_time + (j + 1) * %(chunk_seconds)s * interval '1 second' AS t1) c
WHERE s.session_id LIKE %(prefix)s || '%%'
GROUP BY s.session_id
) u
"""

IMAGE_SERIES = """
SELECT datalinker.add_media('image', array_agg(s.user_id::text), array_agg('img/' || s.session_id || '/' || k),
                            array_agg(s.session_id::text), array_agg(s.start_time + k * interval '5 minutes'),
                            array_agg(NULL::integer))
FROM public.sessions s CROSS JOIN generate_series(0, %(images)s - 1) k
WHERE s.session_id LIKE %(prefix)s || '%%'
"""

AUDIO_SERIES = """
SELECT datalinker.add_media('audio', array_agg(s.user_id::text), array_agg('audio/' || s.session_id),
                            array_agg(s.session_id::text), array_agg(s.start_time + interval '30 seconds'),
                            array_agg(20000))
FROM public.sessions s WHERE s.session_id LIKE %(prefix)s || '%%'
"""


def add_session_series(conn: psycopg.Connection[Any], prefix: str, n: int, minutes: float, day: datetime,
                       chunk_seconds: float = 1.0, users: int = 10, ended: bool = True, new_device_every: int = 0,
                       linked: bool = False, experiment_id: object = None, user_prefix: str | None = None,
                       images: int = 3, buffered_every: int = 0, upload_delay: str = "3 days",
                       data_types: tuple[str, ...] = ("eeg", "imu")) -> int:
    """Insert n sessions (ids prefix000000…) and their chunks and media, set-based; returns the number of chunks.

    Chunks arrive live (1.5 s after their end) except in every `buffered_every`-th session (by number),
    whose chunks all arrive in one burst `upload_delay` after the session ended. `linked`: the sessions
    are completed and their chunks already carry UTC times and session_id. Each prefix has users of its
    own unless user_prefix says otherwise.
    """
    user_prefix = user_prefix or f"{prefix}user-"
    conn.execute(SESSION_SERIES, {
        "prefix": prefix, "user_prefix": user_prefix, "users": users, "experiment_id": experiment_id,
        "day": day, "minutes": minutes, "ended": ended or linked, "new_device_every": new_device_every,
        "status": "completed" if linked else "pending", "n": n})
    cur = conn.execute(CHUNK_SERIES, {
        "prefix": prefix, "linked": linked, "chunks_per_type": max(1, round(minutes * 60 / chunk_seconds)),
        "chunk_seconds": chunk_seconds, "data_types": list(data_types), "buffered_every": buffered_every,
        "upload_delay": upload_delay})
    if images:
        conn.execute(IMAGE_SERIES, {"prefix": prefix, "images": images})
        conn.execute(AUDIO_SERIES, {"prefix": prefix})
    row = cur.fetchone()
    return int(row[0]) if row else 0
