"""Small builders for test data, so each test reads like the contract it checks."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row

from tests.reference import device_tick, offset_us

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SEC = timedelta(seconds=1)
MIN = timedelta(minutes=1)


def add_experiment(conn: psycopg.Connection, name: str = "sleep study") -> uuid.UUID:
    row = conn.execute("INSERT INTO public.experiments (name) VALUES (%s) RETURNING experiment_id", [name]).fetchone()
    assert row is not None
    return row[0]


def add_session(
    conn: psycopg.Connection,
    session_id: str,
    user_id: str,
    start: datetime,
    end: datetime | None,
    offset_ms: float | Decimal | str | None = -1_712_345_678_901.25,
    experiment_id: uuid.UUID | None = None,
    session_type: str = "main",
    clock_offset_info: dict[str, Any] | None = None,
) -> None:
    if clock_offset_info is not None:
        info: str | None = json.dumps(clock_offset_info)
    elif offset_ms is None:
        info = None
    else:  # a JSON number literal with every digit given (JSONB keeps them exactly)
        literal = repr(offset_ms) if isinstance(offset_ms, float) else str(offset_ms)
        info = f'{{"offset_ms_avg": {literal}, "rtt_ms": 3.5}}'
    conn.execute(
        "INSERT INTO public.sessions (session_id, user_id, experiment_id, start_time, end_time, session_type,"
        " clock_offset_info) VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb)",
        [session_id, user_id, experiment_id, start, end, session_type,
         info],
    )


def add_device_chunk(
    conn: psycopg.Connection,
    object_id: str,
    user_id: str,
    true_start: datetime,
    true_end: datetime,
    offset_ms: float | Decimal | str = -1_712_345_678_901.25,
    received_at: datetime | None = None,
    data_type: str = "eeg",
) -> None:
    """A legacy chunk: only the 32-bit ticks a device with that offset shows at the true times."""
    off = offset_us(offset_ms if not isinstance(offset_ms, str) else Decimal(offset_ms))
    conn.execute(
        "INSERT INTO public.raw_data_objects (object_id, user_id, start_time_device, end_time_device, data_type,"
        " created_at) VALUES (%s, %s, %s, %s, %s, %s)",
        [object_id, user_id, device_tick(true_start, off), device_tick(true_end, off), data_type,
         received_at or true_end + 2 * SEC],
    )


def add_utc_chunk(
    conn: psycopg.Connection,
    object_id: str,
    user_id: str,
    start: datetime,
    end: datetime,
    session_id: str | None = None,
    received_at: datetime | None = None,
    data_type: str = "imu",
) -> None:
    """A new-device chunk: UTC times (and usually its session_id) given by the Processor."""
    conn.execute(
        "INSERT INTO public.raw_data_objects (object_id, user_id, session_id, start_time, end_time, data_type,"
        " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
        [object_id, user_id, session_id, start, end, data_type, received_at or end + 2 * SEC],
    )


def link(conn: psycopg.Connection, session_id: str) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute("SELECT * FROM datalinker.link_session(p_session_id => %s)", [session_id]).fetchone()
    assert row is not None
    return row


def chunk(conn: psycopg.Connection, object_id: str) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute("SELECT * FROM public.raw_data_objects WHERE object_id = %s", [object_id]).fetchone()
    assert row is not None, f"no chunk {object_id}"
    return row


def session(conn: psycopg.Connection, session_id: str) -> dict[str, Any]:
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute("SELECT * FROM public.sessions WHERE session_id = %s", [session_id]).fetchone()
    assert row is not None, f"no session {session_id}"
    return row


def snapshot(conn: psycopg.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every domain row, with its xmin (so 'not rewritten' is checked, not just 'same values')."""
    tables = {
        "raw_data_objects": "object_id",
        "sessions": "session_id",
        "images": "image_id",
        "audio_clips": "audio_clip_id",
    }
    return {
        table: conn.execute(f"SELECT xmin::text, t.* FROM public.{table} t ORDER BY {key}").fetchall()
        for table, key in tables.items()
    }


def when_device_shows(tick: int, not_before: datetime, offset_ms: float | Decimal | str = -1_712_345_678_901.25) -> datetime:
    """The first UTC time at or after `not_before` at which the device shows `tick`."""
    from tests.reference import P

    off = offset_us(offset_ms if not isinstance(offset_ms, str) else Decimal(offset_ms))
    delta = (tick - device_tick(not_before, off)) % P
    return not_before + timedelta(microseconds=delta)
