"""Test data in the tests' words (built by datalinker.builders, the one builder), and readers of the result."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row

from datalinker import builders

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SEC = timedelta(seconds=1)
MIN = timedelta(minutes=1)


def add_experiment(conn: psycopg.Connection, name: str = "sleep study") -> uuid.UUID:
    return builders.add_experiment(conn, name)


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
    builders.add_session(conn, session_id, user_id, start, end, offset_ms, experiment_id, session_type,
                         clock_offset_info=None if clock_offset_info is None else json.dumps(clock_offset_info))


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
    builders.insert_chunks(conn, [builders.device_chunk(object_id, user_id, true_start, true_end,
                                                        builders.offset_us(offset_ms),
                                                        received_at or true_end + 2 * SEC, data_type)])


def add_tick_chunk(conn: psycopg.Connection, object_id: str, user_id: str, start_tick: int, end_tick: int,
                   received_at: datetime, data_type: str = "eeg") -> None:
    """A legacy chunk with exactly these ticks (drifting clocks, resets, hostile values)."""
    builders.insert_chunks(conn, [builders.tick_chunk(object_id, user_id, start_tick, end_tick, received_at, data_type)])


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
    builders.insert_chunks(conn, [builders.utc_chunk(object_id, user_id, start, end, session_id,
                                                     received_at or end + 2 * SEC, data_type)])


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
    delta = (tick - builders.device_tick(not_before, builders.offset_us(offset_ms))) % builders.P
    return not_before + timedelta(microseconds=delta)


def run_jobs(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Claim and process every visible job of data_linker_queue, as the worker would; their result rows."""
    done: list[dict[str, Any]] = []
    while claim := conn.execute("SELECT msg_id FROM datalinker.claim_job(30)").fetchone():
        cur = conn.cursor(row_factory=dict_row)
        done.append(cur.execute("SELECT * FROM datalinker.process_job(%s)", [claim[0]]).fetchone())
    return done
