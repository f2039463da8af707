"""DESIGN §2: device ticks become exact UTC, across counter wraps, for sessions of any length."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import MIN, SEC, T0, UTC, add_device_chunk, add_session, chunk, link, when_device_shows
from tests.reference import P, device_tick, device_to_utc_us, epoch_us, from_epoch_us, offset_us

OFFSET = -1_712_345_678_901.25  # device − UTC in ms, a typical value (device clock counts from boot)
SKEW_US = 60_000_000


def test_counter_crossing_2_32_inside_a_session_gives_continuous_utc(conn: psycopg.Connection) -> None:
    start = when_device_shows(P - 30_000_000, T0)  # the counter wraps 30 s into the session
    add_session(conn, "s-wrap", "u1", start, start + 2 * MIN)
    for i in range(90):
        add_device_chunk(conn, f"c{i}", "u1", start + i * SEC, start + (i + 1) * SEC)
    assert chunk(conn, "c29")["start_time_device"] > chunk(conn, "c31")["start_time_device"], "ticks must wrap"

    assert link(conn, "s-wrap")["objects_converted"] == 90
    for i in range(90):
        row = chunk(conn, f"c{i}")
        assert (row["start_time"], row["end_time"]) == (start + i * SEC, start + (i + 1) * SEC), f"chunk c{i}"


def test_counter_at_2_32_minus_1_at_session_start(conn: psycopg.Connection) -> None:
    start = when_device_shows(P - 1, T0)
    add_session(conn, "s-max", "u1", start, start + MIN)
    add_device_chunk(conn, "first", "u1", start, start + SEC)
    add_device_chunk(conn, "second", "u1", start + SEC, start + 2 * SEC)
    assert chunk(conn, "first")["start_time_device"] == P - 1

    link(conn, "s-max")
    assert chunk(conn, "first")["start_time"] == start
    assert chunk(conn, "second")["start_time"] == start + SEC


def test_chunk_end_across_a_wrap_keeps_its_unsigned_duration(conn: psycopg.Connection) -> None:
    start = when_device_shows(P - 500_000, T0)  # 0.5 s before the wrap
    add_session(conn, "s", "u1", start - 5 * MIN, start + 5 * MIN)
    add_device_chunk(conn, "across", "u1", start, start + SEC)
    row = chunk(conn, "across")
    assert row["end_time_device"] < row["start_time_device"]

    link(conn, "s")
    row = chunk(conn, "across")
    assert (row["start_time"], row["end_time"]) == (start, start + SEC)


@pytest.mark.parametrize("offset_ms", [-1_712_345_678_901.25, 1_712_345_678_901.25, -3.0, 0, 987_654.321, -0.75])
def test_negative_and_positive_offsets(conn: psycopg.Connection, offset_ms: float) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN, offset_ms=offset_ms)
    add_device_chunk(conn, "c", "u1", T0 + 3 * MIN, T0 + 3 * MIN + SEC, offset_ms=offset_ms)
    link(conn, "s")
    assert chunk(conn, "c")["start_time"] == T0 + 3 * MIN


@pytest.mark.parametrize(
    ("offset_json", "expected_us"),
    [("0.0005", 1), ("-0.0005", -1), ("0.0004", 0), ("1.0015", 1002), ("-1.0015", -1002), ("-1712345678901.2345", -1712345678901235)],
)
def test_fractional_offset_rounds_to_microseconds_ties_away_from_zero(
    module_conn: psycopg.Connection, offset_json: str, expected_us: int
) -> None:
    row = module_conn.execute(
        "SELECT datalinker.clock_offset_us(%s::jsonb)", [f'{{"offset_ms_avg": {offset_json}}}']
    ).fetchone()
    assert row == (expected_us,)


def test_double_offset_is_read_with_all_its_digits_not_15(module_conn: psycopg.Connection) -> None:
    offset_ms = -1_712_345_678_901.234  # 16 significant digits: x::numeric would keep 15 (a 4 µs error)
    received = T0 + MIN
    tick = device_tick(T0, offset_us(offset_ms))
    row = module_conn.execute(
        "SELECT datalinker.device_to_utc(%s, %s, %s::float8, %s)", [tick, T0, offset_ms, received]
    ).fetchone()
    assert row == (T0,)
    fifteen_digits = offset_us(Decimal("-1712345678901.23"))
    assert fifteen_digits != offset_us(offset_ms), "the case must distinguish 15 from 16 digits"


def test_a_three_hour_session_received_live_is_exact_throughout(conn: psycopg.Connection) -> None:
    end = T0 + timedelta(hours=3)
    add_session(conn, "long", "u1", T0, end)
    n = 0
    t = T0
    while t < end:
        add_device_chunk(conn, f"c{n}", "u1", t, t + 10 * SEC, received_at=t + 10 * SEC + 700 * 1000 * timedelta.resolution)
        t += 10 * SEC
        n += 1
    result = link(conn, "long")
    assert (result["objects_converted"], result["objects_linked"]) == (n, n) == (1080, 1080)
    wrong = conn.execute(
        "SELECT count(*) FROM public.raw_data_objects"
        " WHERE start_time <> %s + (substr(object_id, 2)::int * interval '10 seconds')",
        [T0],
    ).fetchone()
    assert wrong == (0,), "every chunk of a 3 h session must get its true time (no 71.6 min aliasing)"


def test_pre_roll_chunk_comes_out_before_the_session_start(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 5 * MIN)
    add_device_chunk(conn, "pre", "u1", T0 - 5 * SEC, T0 + SEC)
    link(conn, "s")
    row = chunk(conn, "pre")
    assert (row["start_time"], row["session_id"]) == (T0 - 5 * SEC, "s")


def test_chunk_of_a_later_session_of_the_same_user_stays_untouched(conn: psycopg.Connection) -> None:
    add_session(conn, "morning", "u1", T0, T0 + 30 * MIN)
    add_device_chunk(conn, "mine", "u1", T0 + MIN, T0 + MIN + SEC)
    # 80 min later: its ticks alias to 8.4 min into "morning" without the receipt-time wrap choice.
    later = T0 + 80 * MIN
    add_device_chunk(conn, "later", "u1", later, later + SEC)

    link(conn, "morning")
    row = chunk(conn, "later")
    assert (row["session_id"], row["start_time"], row["end_time"]) == (None, None, None)
    assert chunk(conn, "mine")["session_id"] == "morning"


def test_receipt_time_is_what_tells_t_from_t_plus_one_period(module_conn: psycopg.Connection) -> None:
    later = T0 + 80 * MIN
    tick = device_tick(later, offset_us(OFFSET))
    query = "SELECT datalinker.device_to_utc(%s, %s, %s, %s)"
    assert module_conn.execute(query, [tick, T0, OFFSET, later + SEC]).fetchone() == (later,)
    aliased = module_conn.execute(query, [tick, T0, OFFSET, None]).fetchone()
    assert aliased == (later - timedelta(microseconds=P),), "without receipt time: the seed's rule, n = 0"


@pytest.mark.parametrize("tick", [-1, P, P + 5, -(2**40)])
def test_device_tick_outside_32_bits_is_a_clear_error(module_conn: psycopg.Connection, tick: int) -> None:
    with pytest.raises(psycopg.errors.NumericValueOutOfRange, match=f"device tick {tick} is outside"):
        module_conn.execute("SELECT datalinker.device_to_utc(%s, %s, 1.5, NULL)", [tick, T0])


@pytest.mark.parametrize("offset", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_offset_is_a_clear_error(module_conn: psycopg.Connection, offset: str) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match=f"clock offset {offset} ms is not a finite number"):
        module_conn.execute("SELECT datalinker.device_to_utc(5, %s, %s::float8, NULL)", [T0, offset])


def test_skew_is_the_owners_setting_and_a_callers_set_changes_nothing(conn: psycopg.Connection) -> None:
    truth = T0 + 10 * MIN
    tick = device_tick(truth, offset_us(OFFSET))
    received_early = truth - 90 * SEC  # a server clock 90 s behind the device: beyond the default 60 s
    query = "SELECT datalinker.device_to_utc(%s, %s, %s, %s)"
    assert conn.execute(query, [tick, T0, OFFSET, received_early]).fetchone() != (truth,)
    conn.execute("SET datalinker.skew_us = 120000000")
    assert conn.execute(query, [tick, T0, OFFSET, received_early]).fetchone() != (truth,), "a caller's SET is ignored"
    conn.execute("UPDATE datalinker.settings SET value = 120000000 WHERE name = 'skew_us'")
    assert conn.execute(query, [tick, T0, OFFSET, received_early]).fetchone() == (truth,)
    with pytest.raises(psycopg.errors.CheckViolation, match="settings_value_in_bounds"):
        conn.execute("UPDATE datalinker.settings SET value = -1 WHERE name = 'skew_us'")


instants = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC))
offsets_ms = st.one_of(
    st.floats(min_value=-2e12, max_value=2e12, allow_nan=False),
    st.integers(min_value=-(10**6), max_value=10**6).map(lambda n: n / 8),  # exact binary fractions, ties
)


@settings(max_examples=300, deadline=None)
@given(
    session_start=instants,
    offset_ms=offsets_ms,
    since_start_us=st.integers(min_value=-10 * 60 * 10**6, max_value=5 * 3600 * 10**6),
    receipt_delay_us=st.integers(min_value=-SKEW_US, max_value=P - SKEW_US - 1),
)
def test_property_sql_matches_design_and_recovers_truth_for_live_chunks(
    module_conn: psycopg.Connection, session_start: datetime, offset_ms: float, since_start_us: int, receipt_delay_us: int
) -> None:
    truth = session_start + timedelta(microseconds=since_start_us)
    off = offset_us(offset_ms)
    tick = device_tick(truth, off)
    received = truth + timedelta(microseconds=receipt_delay_us)
    row = module_conn.execute(
        "SELECT datalinker.device_to_utc(%s, %s, %s::float8, %s), datalinker.device_to_utc(%s, %s, %s::float8, NULL)",
        [tick, session_start, offset_ms, received, tick, session_start, offset_ms],
    ).fetchone()
    assert row is not None
    with_receipt, without_receipt = row
    S = epoch_us(session_start)
    assert with_receipt == from_epoch_us(device_to_utc_us(tick, S, off, epoch_us(received), SKEW_US)) == truth
    assert without_receipt == from_epoch_us(device_to_utc_us(tick, S, off, None, SKEW_US))
