"""Clock drift (issue 6): measurements → least-squares line; exact to 1 µs; single offsets unchanged."""

from __future__ import annotations

import json
from datetime import datetime
from fractions import Fraction

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import MIN, SEC, T0, add_session, chunk, link, session
from tests.reference import P, epoch_us

OFF0_US = -1_712_345_678_901_250  # device − UTC at T0


def true_offset(ppm: int, at: datetime) -> Fraction:
    """The drifting device's exact offset (µs) at a UTC time: off0 + ppm·1e-6·(t − T0)."""
    return OFF0_US + Fraction(ppm, 1_000_000) * (epoch_us(at) - epoch_us(T0))


def tick(ppm: int, at: datetime) -> int:
    """What the drifting device's counter shows at UTC `at` (it counts whole µs)."""
    return int((epoch_us(at) + true_offset(ppm, at)) // 1) % P


def measurement(ppm: int, at: datetime) -> dict[str, object]:
    offset_ms = float(true_offset(ppm, at) / 1000)
    return {"at": at.isoformat(), "offset_ms": round(offset_ms, 3)}


def add_drifting_session(conn: psycopg.Connection, ppm: int, minutes: int = 60, points: int = 2) -> None:
    end = T0 + minutes * MIN
    sync = [T0 + (end - T0) * k / (points - 1) for k in range(points)]
    add_session(conn, "drift", "u1", T0, end, clock_offset_info={"measurements": [measurement(ppm, t) for t in sync]})
    for k in range(0, minutes * 60, 10):
        start = T0 + k * SEC
        conn.execute(
            "INSERT INTO public.raw_data_objects (object_id, user_id, start_time_device, end_time_device, data_type,"
            " created_at) VALUES (%s, 'u1', %s, %s, 'eeg', %s)",
            [f"c{k:05d}", tick(ppm, start), tick(ppm, start + SEC), start + 2 * SEC])


@pytest.mark.parametrize("ppm", [10, 50, 100, -80])
def test_drifting_clock_with_sync_points_converts_every_chunk_within_1_us(conn: psycopg.Connection, ppm: int) -> None:
    add_drifting_session(conn, ppm, points=3)
    result = link(conn, "drift")
    assert (result["link_status"], result["objects_converted"]) == ("completed", 360)
    worst = conn.execute(
        "SELECT max(greatest(abs(datalinker.epoch_us(start_time) - datalinker.epoch_us(%s::timestamptz)"
        "                       - substr(object_id, 2)::bigint * 1000000),"
        "                   abs(datalinker.epoch_us(end_time) - datalinker.epoch_us(%s::timestamptz)"
        "                       - (substr(object_id, 2)::bigint + 1) * 1000000)))"
        " FROM public.raw_data_objects", [T0, T0]).fetchone()
    assert worst is not None and worst[0] <= 1, f"worst error {worst[0]} µs"


def test_the_constant_offset_would_be_wrong_by_the_drift(conn: psycopg.Connection) -> None:
    ppm = 100  # 360 ms over an hour: much more than an EEG sample
    add_drifting_session(conn, ppm)
    conn.execute("UPDATE public.sessions SET clock_offset_info = jsonb_build_object('offset_ms_avg', %s::numeric)",
                 [str(OFF0_US / 1000)])
    link(conn, "drift")
    last = chunk(conn, "c03590")
    error_us = abs(epoch_us(last["start_time"]) - epoch_us(T0 + 3590 * SEC))
    assert error_us > 300_000, "without the drift model the end of the session is ~359 ms off"


def test_one_measurement_is_the_constant_rule(conn: psycopg.Connection) -> None:
    add_session(conn, "one", "u1", T0, T0 + 10 * MIN,
                clock_offset_info={"measurements": [{"at": T0.isoformat(), "offset_ms": -1712345678901.25}]})
    conn.execute("INSERT INTO public.raw_data_objects (object_id, user_id, start_time_device, end_time_device,"
                 " data_type, created_at) VALUES ('c', 'u1', %s, %s, 'eeg', %s)",
                 [(epoch_us(T0 + MIN) + OFF0_US) % P, (epoch_us(T0 + MIN + SEC) + OFF0_US) % P, T0 + MIN + SEC])
    link(conn, "one")
    assert chunk(conn, "c")["start_time"] == T0 + MIN


@settings(max_examples=200, deadline=None)
@given(device=st.integers(0, P - 1), end_device=st.integers(0, P - 1),
       start=st.integers(1_500_000_000_000_000, 2_000_000_000_000_000),
       offset=st.integers(-(2**52), 2**52), delay=st.one_of(st.none(), st.integers(-(10**9), 10**10)))
def test_single_offset_results_are_bit_for_bit_those_of_the_constant_rule(
        module_conn: psycopg.Connection, device: int, end_device: int, start: int, offset: int, delay: int | None) -> None:
    received = None if delay is None else start + delay
    row = module_conn.execute(
        "SELECT datalinker.device_to_utc_model_us(%(d)s, %(d)s, %(s)s, %(r)s, 60000000, %(o)s, 0, 0),"
        "       datalinker.device_to_utc_us(%(d)s, %(s)s, %(o)s, %(r)s, 60000000),"
        "       datalinker.device_to_utc_model_us(%(e)s, %(d)s, %(s)s, %(r)s, 60000000, %(o)s, 0, 0),"
        "       datalinker.device_to_utc_us(%(d)s, %(s)s, %(o)s, %(r)s, 60000000) + datalinker.wrap_us(%(e)s - %(d)s)",
        {"d": device, "e": end_device, "s": start, "o": offset, "r": received}).fetchone()
    assert row is not None and row[0] == row[1] and row[2] == row[3]


@pytest.mark.parametrize(("measurements", "message"), [
    ([{"at": "2026-03-02T09:30:00+00:00", "offset_ms": 1.0}, {"at": "2026-03-02T09:00:00+00:00", "offset_ms": 1.1}],
     'measurement times ("at") must strictly increase'),
    ([{"at": "2026-03-02T09:00:00+00:00", "offset_ms": "NaN"}, {"at": "2026-03-02T09:30:00+00:00", "offset_ms": 1}],
     'every measurement needs a numeric "offset_ms"'),
    ([{"at": "yesterday-ish", "offset_ms": 1}, {"at": "2026-03-02T09:30:00+00:00", "offset_ms": 1}],
     'every measurement needs "at" as a UTC timestamp'),
    ([{"at": "2026-03-02T09:00:00+00:00", "offset_ms": 1.0}, {"at": "2026-03-02T09:20:00+00:00", "offset_ms": 501.0},
      {"at": "2026-03-02T09:40:00+00:00", "offset_ms": 1.1}],
     "measurement 2 is 333.300 ms off the fitted line (drift 0.0 ppm); tolerance 20 ms"),
    ([{"at": "2026-03-02T09:00:00+00:00", "offset_ms": 0}, {"at": "2026-03-02T09:00:01+00:00", "offset_ms": 5}],
     "the fitted drift is 5000.0 ppm"),
])
def test_malformed_measurements_fail_the_session_with_a_clear_reason(conn: psycopg.Connection,
                                                                     measurements: list, message: str) -> None:  # type: ignore[type-arg]
    add_session(conn, "bad", "u1", T0, T0 + 60 * MIN, clock_offset_info={"measurements": measurements})
    conn.execute("INSERT INTO public.raw_data_objects (object_id, user_id, start_time_device, end_time_device,"
                 " data_type, created_at) VALUES ('c', 'u1', 1, 2, 'eeg', %s)", [T0 + MIN])
    assert link(conn, "bad")["link_status"] == "failed"
    error = session(conn, "bad")["link_error"]
    assert error.startswith("DL006: clock_offset_info.measurements unusable: ") and message in error, error
    assert chunk(conn, "c")["session_id"] is None


def test_tolerance_is_configurable(conn: psycopg.Connection) -> None:
    points = [{"at": "2026-03-02T09:00:00+00:00", "offset_ms": 1.0}, {"at": "2026-03-02T09:20:00+00:00", "offset_ms": 31.0},
              {"at": "2026-03-02T09:40:00+00:00", "offset_ms": 1.1}]
    info = json.dumps({"measurements": points})
    with pytest.raises(psycopg.Error, match="measurement 2 is 19.967 ms off"):
        conn.execute("SET datalinker.drift_tolerance_ms = 10")
        conn.execute("SELECT * FROM datalinker.clock_model(%s::jsonb)", [info])
    conn.execute("SET datalinker.drift_tolerance_ms = 25")
    assert conn.execute("SELECT count(*) FROM datalinker.clock_model(%s::jsonb)", [info]).fetchone() == (1,)
    conn.execute("RESET datalinker.drift_tolerance_ms")
