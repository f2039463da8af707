"""Clocks (DESIGN §2 "Clock pieces"): drifting lines exact to 1 µs, single offsets unchanged, bad measurements named."""

from __future__ import annotations

import json
import os
import random
import time
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import psycopg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.clocks import Clock, Sync, rebooting_clock
from tests.fuzzcount import CASES
from tests.helpers import MIN, SEC, T0, add_session, add_tick_chunk, chunk, link, session
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
        add_tick_chunk(conn, f"c{k:05d}", "u1", tick(ppm, start), tick(ppm, start + SEC), start + 2 * SEC)


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
    add_tick_chunk(conn, "c", "u1", (epoch_us(T0 + MIN) + OFF0_US) % P, (epoch_us(T0 + MIN + SEC) + OFF0_US) % P,
                   T0 + MIN + SEC)
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


def at(minutes: float) -> str:
    return (T0 + minutes * MIN).isoformat()


@pytest.mark.parametrize(("measurements", "message"), [
    ([{"at": at(30), "offset_ms": 1.0}, {"at": at(0), "offset_ms": 1.1}],
     f'measurement 2: "at" "{at(0)}" is not after measurement 1 ("{at(30)}")'),
    ([{"at": at(0), "offset_ms": "NaN"}, {"at": at(30), "offset_ms": 1}],
     'measurement 1: "offset_ms" must be a JSON number, got "NaN"'),
    ([{"at": at(0), "offset_ms": 1}, {"at": "2026-03-02T09:30:00", "offset_ms": 1}],
     'measurement 2: "at" "2026-03-02T09:30:00" has no time zone or is not an ISO timestamp'),
    ([{"at": "yesterday-ish", "offset_ms": 1}, {"at": at(30), "offset_ms": 1}],
     'measurement 1: "at" "yesterday-ish" has no time zone or is not an ISO timestamp'),
    ([{"at": at(0), "offset_ms": 1}, {"at": at(30), "offset_ms": 1e308}],
     'measurement 2: "offset_ms" 1'),
    ([{"at": at(0), "offset_ms": 1}, [1, 2]], "measurement 2 is not an object: [1, 2]"),
    ([{"at": at(0), "offset_ms": 0}, {"at": (T0 + SEC).isoformat(), "offset_ms": 5}],
     "the clock piece 1 drifts 5000.0 ppm"),
    ([{"at": at(0), "offset_ms": 1.0}, {"at": at(2), "offset_ms": 1.0}, {"at": at(4), "offset_ms": 41.5}],
     "the clock piece 1 has 3 points, 1 of them outliers: too few to tell the clock from the outliers"),
    ([{"at": at(10 * k), "offset_ms": v} for k, v in enumerate([0, 100, -100, 100, -100, 100, 0])],
     "fits only 2 of its 7 points within 20 ms"),
])
def test_unusable_measurements_fail_the_session_naming_the_measurement(conn: psycopg.Connection,
                                                                       measurements: list, message: str) -> None:  # type: ignore[type-arg]
    add_session(conn, "bad", "u1", T0, T0 + 60 * MIN, clock_offset_info={"measurements": measurements})
    add_tick_chunk(conn, "c", "u1", 1, 2, T0 + MIN)
    assert link(conn, "bad")["link_status"] == "failed"
    error = session(conn, "bad")["link_error"]
    assert error.startswith("DL006: clock_offset_info.measurements unusable: ") and message in error, error
    assert chunk(conn, "c")["session_id"] is None


def test_one_gross_outlier_is_rejected_not_fatal(conn: psycopg.Connection) -> None:
    points = [{"at": at(10 * k), "offset_ms": v} for k, v in enumerate([1.0, 1.02, 501.0, 1.06, 1.08])]
    rows = conn.execute("SELECT piece, points, rejected, round(slope * 1e6, 3) FROM datalinker.clock_pieces(%s::jsonb)",
                        [json.dumps({"measurements": points})]).fetchall()
    assert rows == [(1, 4, 1, Decimal("0.033"))], "one piece through the four good points, the 500 ms outlier rejected"


def test_a_callers_settings_change_nothing_only_the_owners_table_does(conn: psycopg.Connection) -> None:
    # A 300 ms shift: below the default reset threshold (0.5 s), so one piece that fits no line well.
    shifted = [{"at": at(10 * k), "offset_ms": 1 if k < 3 else 301} for k in range(6)]
    points = json.dumps({"measurements": shifted})
    conn.execute("SET datalinker.clock_reset_min_us = 1000")
    conn.execute("SET datalinker.drift_tolerance_ms = 100000")
    with pytest.raises(psycopg.Error, match="clock piece 1"):
        conn.execute("SELECT * FROM datalinker.clock_pieces(%s::jsonb)", [points])
    conn.execute("UPDATE datalinker.settings SET value = 100000 WHERE name = 'clock_reset_min_us'")
    assert conn.execute("SELECT piece, points FROM datalinker.clock_pieces(%s::jsonb)", [points]).fetchall() == [(1, 3), (2, 3)]


# --- Real clocks (issue 11): reboots, drift, jitter, gross outliers --------------------------------------

def record_session(conn: psycopg.Connection, sid: str, clock: Clock, start: datetime, minutes: float, sync: Sync,
                   seed: int, step_s: int = 10) -> list[tuple[str, datetime]]:
    """A session whose device records back-to-back chunks (received live) with this clock and sync packets."""
    rng = random.Random(seed)
    end = start + minutes * MIN
    add_session(conn, sid, "u1", start, end, clock_offset_info={"measurements": sync.measurements(clock, start, end, rng)})
    boots = [b for b, _ in clock.boots]
    truth, t = [], start + 3 * SEC
    while t + step_s * SEC <= end:
        chunk_end = min([t + step_s * SEC] + [b for b in boots if t < b < t + step_s * SEC])  # a reboot ends a chunk
        add_tick_chunk(conn, f"{sid}/{len(truth):05d}", "u1", clock.tick(t), clock.tick(chunk_end, before_reboot=True),
                       chunk_end + 2 * SEC)
        truth.append((f"{sid}/{len(truth):05d}", t))
        t = chunk_end
    return truth


def worst_error_us(conn: psycopg.Connection, truth: list[tuple[str, datetime]], sid: str) -> tuple[int, int, int]:
    """(chunks linked to this session, chunks linked elsewhere, worst |start − truth| in µs)."""
    rows = dict((r[0], r[1:]) for r in conn.execute(
        "SELECT object_id, session_id, start_time FROM public.raw_data_objects").fetchall())
    linked = [(rows[o][1], t) for o, t in truth if rows[o][0] == sid]
    elsewhere = sum(1 for o, _ in truth if rows[o][0] not in (None, sid))
    return len(linked), elsewhere, max((abs(epoch_us(s) - epoch_us(t)) for s, t in linked), default=0)


@pytest.mark.parametrize(("name", "minutes", "ppm", "resets", "outliers"), [
    ("reboot 22 min into 50", 50, 20, [(22 * MIN, -1_700_000_000_000_000)], []),
    ("90 min, 40 ppm, 2 outliers", 90, 40, [], [45_000.0, -80_000.0]),
    ("two resets, forward and back", 60, 100, [(15 * MIN, 400_000_000_000), (41 * MIN, -123_456_789_000)], [30_000.0]),
    ("longer than a period, 10 ppm", 100, -10, [(70 * MIN, 250_000_000)], [60_000.0, 35_000.0]),
])
def test_real_clocks_convert_every_in_session_chunk_within_1_ms(conn: psycopg.Connection, name: str, minutes: int,
                                                                ppm: float, resets: list, outliers: list) -> None:  # type: ignore[type-arg]
    clock = rebooting_clock(T0, ppm, resets)
    truth = record_session(conn, "s", clock, T0, minutes, Sync(jitter_us=300, outliers=outliers), seed=len(name))
    result = link(conn, "s")
    assert result["link_status"] == "completed", session(conn, "s")["link_error"]
    linked, elsewhere, worst = worst_error_us(conn, truth, "s")
    assert elsewhere == 0
    assert linked == len(truth), f"{name}: {len(truth) - linked} chunks left unlinked"
    assert worst <= 1000, f"{name}: worst error {worst} µs"
    pieces = conn.execute("SELECT count(*), sum(rejected) FROM datalinker.clock_report('s')").fetchone()
    assert pieces == (len(resets) + 1, len(outliers)), "one piece per boot, the gross outliers rejected"


def test_the_fit_agrees_with_statsmodels_rlm_huber_within_10_us(conn: psycopg.Connection) -> None:
    import numpy as np
    import statsmodels.api as sm

    rng = random.Random(11)
    clock = rebooting_clock(T0, 37.5, [])
    points = Sync(every=MIN, jitter_us=300, outliers=[52_000.0, -31_000.0, 77_000.0]).measurements(clock, T0, T0 + 90 * MIN, rng)
    x = np.array([(datetime.fromisoformat(str(p["at"])) - T0).total_seconds() for p in points])
    y = np.array([float(p["offset_ms"]) * 1000 - OFF0_US for p in points])  # µs, relative (float64 keeps them exact)
    fit = sm.RLM(y, sm.add_constant(x), M=sm.robust.norms.HuberT()).fit()
    (mean_offset, mean_at, slope), = conn.execute(
        "SELECT mean_offset_us, mean_at_us, slope FROM datalinker.clock_pieces(%s::jsonb)",
        [json.dumps({"measurements": points})]).fetchall()
    for t in (0.0, 45 * 60.0, 90 * 60.0):  # the two lines at the start, middle and end of the session
        ours = float(mean_offset) - OFF0_US + float(slope) * (t * 1e6 + epoch_us(T0) - float(mean_at))
        theirs = fit.params[0] + fit.params[1] * t
        assert abs(ours - theirs) <= 10, f"at {t} s: ours {ours:.1f} µs, statsmodels {theirs:.1f} µs"


def test_fitting_10000_measurements_takes_under_a_second(conn: psycopg.Connection) -> None:
    clock = rebooting_clock(T0, 25, [(500 * MIN, 9_000_000_000)])
    points = Sync(every=6 * SEC, jitter_us=50, outliers=[40_000.0] * 100).measurements(clock, T0, T0 + 1000 * MIN, random.Random(3))
    assert len(points) >= 9_999
    elapsed = float("inf")
    for _ in range(3):  # the best of three: the fit's own cost, not the machine's noise
        started = time.monotonic()
        rows = conn.execute("SELECT piece, points, rejected FROM datalinker.clock_pieces(%s::jsonb)",
                            [json.dumps({"measurements": points})]).fetchall()
        elapsed = min(elapsed, time.monotonic() - started)
    print(f"fitting {len(points)} measurements: {elapsed * 1000:.0f} ms")
    assert [r[0] for r in rows] == [1, 2] and sum(r[2] for r in rows) == 100
    assert elapsed < 1.0


@settings(max_examples=int(os.environ.get("DATALINKER_PROPERTY_EXAMPLES", "40")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
# Jitter up to the 0.3 ms: beyond it a handful of sync packets cannot promise 1 ms (then DL006).
@given(ppm=st.floats(-100, 100), jitter=st.floats(0, 300), minutes=st.integers(8, 100),
       # A counter restart shifts the offset by a uniformly random amount mod 2^32 µs: below clock_reset_min_us
       # (0.5 s) with probability ~0.02 %; such a shift is indistinguishable from a late sync packet (documented).
       resets=st.lists(st.tuples(st.integers(1, 99), st.integers(1_000_000, 2**50) | st.integers(-(2**50), -1_000_000)),
                       max_size=2),
       # Gross outliers as the issue describes them (delayed sync packets, 30 ms and more, either way), at most one
       # in five measurements: with every packet perturbed, a fake line through three of them is a clean clock.
       outliers=st.lists(st.floats(30_000, 500_000) | st.floats(-500_000, -30_000), max_size=4), seed=st.integers(0, 1000),
       garbage=st.booleans())
# Found by hypothesis (issue 20): a reset after the last sync (unseen), and a reset seen by one sync only.
@example(ppm=0.0, jitter=0.0, minutes=34, resets=[(33, 1_000_000)], outliers=[], seed=0, garbage=False)
@example(ppm=0.0, jitter=0.0, minutes=36, resets=[(34, 2_194_967_296)], outliers=[], seed=0, garbage=False)
# Found by hypothesis (issue 21 session): a reset next to an outlier of half the reset looked like an up-and-back pair;
# a reset after the first sync hidden by an outlier that inflates the noise of 6 points (the first point is rejected).
@example(ppm=0.0, jitter=296.0, minutes=83, resets=[(1, 1_000_000)], outliers=[30000.0, 30000.0, -499548.0], seed=0,
         garbage=False)
@example(ppm=0.0, jitter=0.0, minutes=11, resets=[(1, 1_000_000)], outliers=[67450.0], seed=0, garbage=False)
def test_no_measurements_ever_give_a_wrong_session_or_a_time_more_than_1_ms_off(
        module_conn: psycopg.Connection, ppm: float, jitter: float, minutes: int, resets: list, outliers: list,  # type: ignore[type-arg]
        seed: int, garbage: bool) -> None:
    CASES["clock configurations"] += 1
    conn = module_conn
    conn.execute("TRUNCATE public.raw_data_objects, public.sessions, datalinker.placement_requests CASCADE")
    clock = rebooting_clock(T0, ppm, sorted((r * MIN, j) for r, j in resets if r < minutes))
    outliers = outliers[: (minutes // 2) // 5]
    truth = record_session(conn, "s", clock, T0, minutes, Sync(jitter_us=jitter, outliers=outliers), seed=seed, step_s=20)
    if garbage:  # a sync packet from somewhere else entirely
        conn.execute("""UPDATE public.sessions SET clock_offset_info = jsonb_set(clock_offset_info, '{measurements,0,offset_ms}', '12345')""")
    link(conn, "s")
    linked, elsewhere, worst = worst_error_us(conn, truth, "s")
    assert elsewhere == 0 and worst <= 1000, f"{linked} linked, worst {worst} µs"
    unlinked = conn.execute("SELECT count(*) FROM public.raw_data_objects WHERE session_id IS NULL").fetchone()
    assert unlinked is not None and (unlinked[0] == 0 or session(conn, "s")["link_status"] == "failed"
                                     or conn.execute("SELECT count(*) FROM datalinker.unplaced_chunks()").fetchone() == unlinked), \
        "an unlinked chunk has a visible reason"


def test_an_absurd_offset_names_the_field_never_a_bare_22003(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN, clock_offset_info={"offset_ms_avg": 1e308})
    add_tick_chunk(conn, "c", "u1", 1, 2, T0 + MIN)
    assert link(conn, "s")["link_status"] == "failed"
    assert session(conn, "s")["link_error"].startswith("DL006: clock_offset_info.offset_ms_avg 1")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_offset_ms_avg 1e\\+308 ms is beyond"):
        conn.execute("SELECT datalinker.device_to_utc(5, %s, 1e308, NULL)", [T0])


# --- Judged on the line, never on single points (issue 20) -----------------------------------------------

def test_network_jitter_of_1_5_ms_per_point_links_because_the_line_through_200_points_is_sure(conn: psycopg.Connection) -> None:
    clock = rebooting_clock(T0, 40, [])
    truth = record_session(conn, "s", clock, T0, 20, Sync(every=5 * SEC, jitter_us=1500, outliers=[19_800.0]), seed=7)
    assert link(conn, "s")["link_status"] == "completed", session(conn, "s")["link_error"]
    linked, elsewhere, worst = worst_error_us(conn, truth, "s")
    assert (linked, elsewhere) == (len(truth), 0) and worst <= 1000, f"worst {worst} µs"
    (scatter, uncertainty, rejected), = conn.execute(
        "SELECT scatter_us, uncertainty_us, rejected FROM datalinker.clock_report('s')").fetchall()
    assert scatter > 1000 and uncertainty < 1000 and rejected == 1, "single points scatter 1.5 ms, the line does not"


def test_a_step_in_the_last_offsets_is_rejected_and_inflates_nothing(conn: psycopg.Connection) -> None:
    clock = rebooting_clock(T0, 20, [])
    rng = random.Random(5)
    points = Sync(every=MIN, jitter_us=300).measurements(clock, T0, T0 + 60 * MIN, rng)
    for p in points[-5:]:  # the sync of a marker stream steps by −6.9 ms after its data ended
        p["offset_ms"] = round(float(p["offset_ms"]) - 6.9, 6)  # type: ignore[arg-type]
    report = conn.execute("SELECT points, rejected, scale_us, problem FROM datalinker.clock_fit(%s::jsonb)",
                          [json.dumps({"measurements": points})]).fetchall()
    assert report[0][:2] == (len(points) - 5, 5) and report[0][2] < 500 and report[0][3] is None, report


def test_points_far_from_every_line_are_rejected_counted_and_never_fitted(conn: psycopg.Connection) -> None:
    clock = rebooting_clock(T0, 30, [])
    clean = Sync(every=MIN, jitter_us=200).measurements(clock, T0, T0 + 40 * MIN, random.Random(9))
    bogus = [dict(p) for p in clean]
    bogus[20]["offset_ms"] = float(bogus[20]["offset_ms"]) + 1e9  # type: ignore[arg-type]  # 10^6 s off
    bogus[30]["offset_ms"] = float(bogus[30]["offset_ms"]) - 6.5  # type: ignore[arg-type]  # a 6.5-ms late packet
    fit = "SELECT piece, points, rejected, mean_offset_us, slope, problem FROM datalinker.clock_fit(%s::jsonb)"
    got = conn.execute(fit, [json.dumps({"measurements": bogus})]).fetchall()
    without = [p for i, p in enumerate(clean) if i not in (20, 30)]
    reference = conn.execute(fit, [json.dumps({"measurements": without})]).fetchall()
    assert [(r[0], r[1], r[2]) for r in got] == [(1, len(clean) - 2, 2)], got
    assert abs(got[0][3] - reference[0][3]) < 1 and abs(got[0][4] - reference[0][4]) < 1e-9, \
        "the line is the one through the good points alone"
    assert got[0][5] is None


def test_a_bogus_first_offset_is_refused_naming_it_it_looks_exactly_like_a_reset(conn: psycopg.Connection) -> None:
    clock = rebooting_clock(T0, 30, [])
    points = Sync(every=MIN, jitter_us=200).measurements(clock, T0, T0 + 40 * MIN, random.Random(9))
    points[0]["offset_ms"] = 0
    (problem,), = conn.execute("SELECT problem FROM datalinker.clock_fit(%s::jsonb) WHERE problem IS NOT NULL",
                               [json.dumps({"measurements": points})]).fetchall()
    assert "measurement 1: the clock piece 1 (after or before a counter reset) has only 1 measurement(s)" in problem


def test_a_line_that_cannot_promise_1_ms_at_the_sessions_data_is_refused_and_reported(conn: psycopg.Connection) -> None:
    clock = rebooting_clock(T0, 20, [])
    # Four jittery syncs in the first 8 minutes of a 60-minute session: the line is extrapolated 50 minutes.
    points = Sync(every=2 * MIN, jitter_us=800).measurements(clock, T0, T0 + 8 * MIN, random.Random(1))
    add_session(conn, "s", "u1", T0, T0 + 60 * MIN, clock_offset_info={"measurements": points})
    add_tick_chunk(conn, "c", "u1", clock.tick(T0 + MIN), clock.tick(T0 + MIN + SEC), T0 + MIN + 2 * SEC)
    assert link(conn, "s")["link_status"] == "failed"
    error = session(conn, "s")["link_error"]
    assert error.startswith("DL006: ") and "uncertain to" in error and "clock_max_uncertainty_us" in error, error
    (piece, points_used, uncertainty, problem), = conn.execute(
        "SELECT piece, points, uncertainty_us, problem FROM datalinker.clock_report('s')").fetchall()
    assert (piece, points_used) == (1, 4) and uncertainty > 1000 and problem and problem in error
    assert chunk(conn, "c")["session_id"] is None
