"""The naive peer: the seed design done in the application, for comparison only.

Fetch every unconverted chunk of the session's user into Python, compute UTC (DESIGN §2) and the
overlap in Python, then UPDATE row by row, all in the caller's transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import psycopg

P = 2**32
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
SKEW_US = 60_000_000


def _us(ts: datetime) -> int:
    d = ts - EPOCH
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


def link_session_naively(conn: psycopg.Connection, session_id: str) -> int:
    row = conn.execute("SELECT user_id, start_time, end_time, clock_offset_info FROM public.sessions"
                       " WHERE session_id = %s", [session_id]).fetchone()
    assert row is not None
    user_id, start, end, info = row
    off = int((Decimal(str(info["offset_ms_avg"])) * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    s_us, e_us = _us(start), _us(end)
    candidates = conn.execute("SELECT object_id, start_time_device, end_time_device, created_at"
                              " FROM public.raw_data_objects WHERE user_id = %s AND start_time IS NULL AND session_id IS NULL",
                              [user_id]).fetchall()
    linked = 0
    for object_id, d0, d1, received in candidates:
        k0 = (d0 - (s_us + off)) % P
        n = (_us(received) + SKEW_US - s_us - k0) // P
        t0 = s_us + k0 + n * P
        t1 = t0 + (d1 - d0) % P
        if t0 < e_us and t1 > s_us:
            conn.execute("UPDATE public.raw_data_objects SET start_time = %s, end_time = %s, session_id = %s"
                         " WHERE object_id = %s", [EPOCH + timedelta(microseconds=t0),
                                                   EPOCH + timedelta(microseconds=t1), session_id, object_id])
            linked += 1
    return linked
