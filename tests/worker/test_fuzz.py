"""Bad input, fuzzed: every case is a clear error or a dead letter with a reason, and changes no row."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.json import Jsonb

from tests.fuzzcount import CASES
from datalinker import builders
from tests.helpers import MIN, SEC, T0, add_device_chunk, add_session, snapshot
from tests.workers import background_worker, queue_messages, wait_until

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Any character a client can actually send (lone UTF-16 surrogates cannot be encoded at all).
CHARS = st.characters(blacklist_categories=("Cs",))
TEXT_NO_NUL = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(CHARS),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(CHARS, max_size=8), inner, max_size=3),
    max_leaves=8)
session_ids = st.one_of(
    st.text(alphabet=TEXT_NO_NUL, max_size=40),
    st.sampled_from(["", " ", "'; DROP TABLE public.sessions; --", "s\\'1", "%", "_", "ß-セッション-🧠",
                     "x" * 10_000, "$$", "\"quoted\"", "s-1\n"]))


@pytest.fixture(scope="module")
def fuzz_db(module_conn: psycopg.Connection) -> psycopg.Connection:
    add_session(module_conn, "real", "u1", T0, None)
    add_device_chunk(module_conn, "real-chunk", "u1", T0 + MIN, T0 + MIN + SEC)  # uploaded while it ran: no job
    module_conn.execute(builders.END_WITHOUT_JOB, [T0 + 10 * MIN, "real"])
    return module_conn


def quote_literal(text: str) -> str:
    """PostgreSQL's quote_literal, to check that the error names the value exactly."""
    quoted = "'" + text.replace("'", "''").replace("\\", "\\\\") + "'"
    return "E" + quoted if "\\" in text else quoted


def process_next(conn: psycopg.Connection) -> dict[str, Any]:
    claim = conn.execute("SELECT msg_id FROM datalinker.claim_job(30)").fetchone()
    assert claim is not None
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    row = cur.execute("SELECT * FROM datalinker.process_job(%s)", [claim[0]]).fetchone()
    assert row is not None
    return row


@FUZZ
@given(payload=json_values)
def test_any_json_payload_is_dead_lettered_with_a_reason_and_changes_nothing(fuzz_db: psycopg.Connection,
                                                                            payload: Any) -> None:
    CASES["queue payloads (JSON)"] += 1
    before = snapshot(fuzz_db)
    if "\\u0000" in json.dumps(payload):  # jsonb cannot hold NUL: refused at the door, nothing queued
        with pytest.raises(psycopg.errors.UntranslatableCharacter, match="cannot be converted to text"):
            fuzz_db.execute("SELECT pgmq.send('data_linker_queue', %s)", [Jsonb(payload)])
        assert fuzz_db.execute("SELECT count(*) FROM pgmq.q_data_linker_queue").fetchone() == (0,)
        return
    fuzz_db.execute("SELECT pgmq.send('data_linker_queue', %s)", [Jsonb(payload)])
    row = process_next(fuzz_db)
    assert row["outcome"] == "dead_lettered"
    assert row["reason"] in ("bad_payload", "unknown_session")
    letter = fuzz_db.execute("SELECT message FROM pgmq.pop('data_linker_dead_letter')").fetchone()
    assert letter is not None and letter[0]["error"], "the dead letter says why"
    assert snapshot(fuzz_db) == before


@FUZZ
@given(text=st.text(alphabet=TEXT_NO_NUL, max_size=30))
def test_non_json_payload_is_refused_at_the_door(fuzz_db: psycopg.Connection, text: str) -> None:
    CASES["queue payloads (raw text)"] += 1
    try:
        json.loads(text)
        return  # valid JSON: covered above
    except ValueError:
        pass
    depth = fuzz_db.execute("SELECT count(*) FROM pgmq.q_data_linker_queue").fetchone()
    with pytest.raises(psycopg.errors.InvalidTextRepresentation, match="invalid input syntax for type json"):
        fuzz_db.execute("SELECT pgmq.send('data_linker_queue', %s::text::jsonb)", [text])
    assert fuzz_db.execute("SELECT count(*) FROM pgmq.q_data_linker_queue").fetchone() == depth


@FUZZ
@given(session_id=session_ids)
def test_unknown_session_ids_of_any_shape_are_named_in_the_error(fuzz_db: psycopg.Connection, session_id: str) -> None:
    CASES["session ids"] += 1
    if session_id == "real":
        return
    before = snapshot(fuzz_db)
    for statement in ("SELECT * FROM datalinker.link_session(%s)", "SELECT datalinker.end_session(%s, now())",
                      "SELECT datalinker.enqueue_link(%s)"):
        with pytest.raises(psycopg.Error) as info:
            fuzz_db.execute(statement, [session_id])
        assert info.value.sqlstate == "DL001"
        assert info.value.diag.message_primary == f"unknown session {quote_literal(session_id)}"
    fuzz_db.execute("SELECT pgmq.send('data_linker_queue', %s)", [Jsonb({"session_id": session_id})])
    row = process_next(fuzz_db)
    assert (row["outcome"], row["reason"]) == ("dead_lettered", "bad_payload" if session_id == "" else "unknown_session")
    fuzz_db.execute("SELECT pgmq.purge_queue('data_linker_dead_letter')")
    assert snapshot(fuzz_db) == before


def test_nul_in_a_session_id_is_a_clear_client_error(fuzz_db: psycopg.Connection) -> None:
    CASES["session ids"] += 1
    with pytest.raises(psycopg.DataError, match="NUL"):
        fuzz_db.execute("SELECT * FROM datalinker.link_session(%s)", ["a\x00b"])


@FUZZ
@given(start=st.one_of(st.none(), st.integers(min_value=-(2**62), max_value=2**62)),
       end=st.one_of(st.none(), st.integers(min_value=-(2**62), max_value=2**62)))
def test_device_ticks_outside_32_bits_or_half_missing_are_rejected_by_name(fuzz_db: psycopg.Connection,
                                                                          start: int | None, end: int | None) -> None:
    CASES["device ticks"] += 1
    valid = (start is not None and end is not None and 0 <= start < 2**32 and 0 <= end < 2**32 and start != end)
    statement = ("INSERT INTO public.raw_data_objects (object_id, user_id, start_time_device, end_time_device,"
                 " data_type) VALUES ('fuzz-tick', 'u9', %s, %s, 'eeg')")
    with fuzz_db.transaction(force_rollback=True):
        if valid:
            fuzz_db.execute(statement, [start, end])
        else:
            with pytest.raises(psycopg.errors.CheckViolation, match="raw_data_objects"):
                fuzz_db.execute(statement, [start, end])
    if start is not None and not 0 <= start < 2**32:
        with pytest.raises(psycopg.errors.NumericValueOutOfRange, match=f"device tick {start} is outside"):
            fuzz_db.execute("SELECT datalinker.device_to_utc(%s, now(), 0, NULL)", [start])


offsets = st.one_of(st.floats(), st.text(alphabet=TEXT_NO_NUL, max_size=10), st.none(), st.integers(min_value=-(10**30), max_value=10**30),
                    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1712345678901.25"]),
                    st.just("missing"))


@FUZZ
@given(offset=offsets)
def test_any_clock_offset_gives_completed_or_failed_with_a_reason_never_half_linked(
        fuzz_db: psycopg.Connection, offset: Any) -> None:
    CASES["clock offsets"] += 1
    with fuzz_db.transaction(force_rollback=True):
        if offset == "missing":
            info = "{}"
        elif isinstance(offset, float) and not math.isfinite(offset):
            info = json.dumps({"offset_ms_avg": str(offset)})  # JSON has no NaN/Infinity: they arrive as strings
        else:
            info = json.dumps({"offset_ms_avg": offset})
        fuzz_db.execute("UPDATE public.sessions SET clock_offset_info = %s::jsonb, link_status = 'pending'"
                        " WHERE session_id = 'real'", [info])
        before = snapshot(fuzz_db)["raw_data_objects"]
        row = fuzz_db.execute("SELECT link_status FROM datalinker.link_session('real')").fetchone()
        assert row is not None and row[0] in ("completed", "failed")
        status, error = fuzz_db.execute("SELECT link_status, link_error FROM public.sessions"
                                        " WHERE session_id = 'real'").fetchone()  # type: ignore[misc]
        if status == "failed":
            assert error and error[:5] in ("DL003", "DL006"), error  # never a bare 22003: the field is named
            assert snapshot(fuzz_db)["raw_data_objects"] == before, "a failed link changes no chunk"
        else:
            assert isinstance(offset, (int, float)) and not isinstance(offset, bool)


@FUZZ
@given(delta=st.timedeltas(min_value=timedelta(days=-3650), max_value=timedelta(0)))
def test_end_not_after_start_is_refused(fuzz_db: psycopg.Connection, delta: Any) -> None:
    CASES["end times"] += 1
    with fuzz_db.transaction(force_rollback=True):
        add_session(fuzz_db, "open", "u2", T0, None)
        with pytest.raises(psycopg.Error, match="is not after its start time") as info:
            fuzz_db.execute("SELECT datalinker.end_session('open', %s)", [T0 + delta])
        assert info.value.sqlstate == "DL004"
    with fuzz_db.transaction(force_rollback=True):
        with pytest.raises(psycopg.errors.CheckViolation, match="sessions_end_after_start"):
            add_session(fuzz_db, "direct", "u2", T0, T0 + delta)


def test_null_and_duplicate_keys_are_refused(fuzz_db: psycopg.Connection) -> None:
    CASES["keys"] += 6
    cases = [("INSERT INTO public.sessions (session_id, user_id, start_time) VALUES (NULL, 'u', now())",
              psycopg.errors.NotNullViolation),
             ("INSERT INTO public.sessions (session_id, user_id, start_time) VALUES ('real', 'u', now())",
              psycopg.errors.UniqueViolation),
             ("INSERT INTO public.raw_data_objects (object_id, user_id, start_time_device, end_time_device, data_type)"
              " VALUES ('real-chunk', 'u1', 1, 2, 'eeg')", psycopg.errors.UniqueViolation),
             ("INSERT INTO public.raw_data_objects (object_id, user_id, data_type) VALUES ('no-times', 'u1', 'eeg')",
              psycopg.errors.CheckViolation),
             # a chunk or an image can only belong to a session of its own user
             ("INSERT INTO public.raw_data_objects (object_id, user_id, session_id, start_time, end_time, data_type)"
              " VALUES ('other-users', 'u9', 'real', now(), now() + interval '1 s', 'eeg')",
              psycopg.errors.ForeignKeyViolation),
             ("INSERT INTO public.images (object_id, user_id, session_id, captured_at) VALUES ('img', 'u9', 'real', now())",
              psycopg.errors.ForeignKeyViolation)]
    for statement, error in cases:
        with pytest.raises(error):
            fuzz_db.execute(statement)


def test_worker_stays_alive_through_a_storm_of_bad_payloads(db: str, conn: psycopg.Connection) -> None:
    add_session(conn, "good", "u1", T0, None)
    shapes = [lambda i: i, lambda i: str(i), lambda i: [i], lambda i: {"session_id": i}, lambda i: {"sid": f"s{i}"},
              lambda i: {"session_id": f"ghost-{i}"}, lambda i: {"session_id": [f"s{i}"]}, lambda i: None]
    bad = [shape(i) for i in range(8) for shape in shapes] + [{"session_id": "x" * 5000}, {"session_id": ""}]
    CASES["queue payloads (through the worker)"] += len(bad)
    with background_worker(db):
        for payload in bad:
            conn.execute("SELECT pgmq.send('data_linker_queue', %s)", [Jsonb(payload)])
        conn.execute("SELECT datalinker.end_session('good', %s)", [T0 + MIN])
        wait_until(lambda: queue_messages(conn, "event_correction_queue") == [{"session_id": "good"}],
                   what="the good job behind the bad ones")
    assert conn.execute("SELECT count(*) FROM pgmq.q_data_linker_dead_letter").fetchone() == (len(bad),)


# --- Trust boundaries (issue 12): hostile clock info, session times and raw rows ---------------------------

DOCUMENTED = {"DL001", "DL002", "DL003", "DL004", "DL005", "DL006", "DL007", "DL008"}
clock_infos = st.one_of(
    json_values,
    st.fixed_dictionaries({"offset_ms_avg": st.one_of(json_values, st.floats(allow_nan=False), st.integers())}),
    st.fixed_dictionaries({"measurements": st.lists(st.one_of(
        json_values,
        st.fixed_dictionaries({"at": st.one_of(json_values, st.sampled_from([
            "2026-03-02T09:00:00", "2026-03-02T09:00:00Z", "2026-03-02 09:05+09:00", "2026-02-30T00:00:00Z",
            "yesterday", "2026-03-02T09:10:00.1234567Z"])),
                               "offset_ms": st.one_of(json_values, st.floats(allow_nan=False),
                                                      st.sampled_from([1e308, -1e308, 1e15, 1e16, -1712345678901.25]))})),
        max_size=6)}))


@FUZZ
@given(info=clock_infos)
def test_any_clock_offset_info_links_exactly_or_fails_with_a_documented_code(fuzz_db: psycopg.Connection, info: Any) -> None:
    CASES["clock_offset_info (hostile JSON)"] += 1
    with fuzz_db.transaction(force_rollback=True):
        if not isinstance(info, dict):
            # not an object: the CHECK refuses it (or PostgreSQL refuses the JSON text itself: NUL, Infinity)
            with pytest.raises((psycopg.errors.CheckViolation, psycopg.errors.UntranslatableCharacter,
                                psycopg.errors.InvalidTextRepresentation)) as refused:
                fuzz_db.execute("UPDATE public.sessions SET clock_offset_info = %s WHERE session_id = 'real'", [Jsonb(info)])
            if isinstance(refused.value, psycopg.errors.CheckViolation):
                assert "sessions_clock_offset_info_is_object" in str(refused.value)
            return
        try:
            with fuzz_db.transaction():
                fuzz_db.execute("UPDATE public.sessions SET clock_offset_info = %s, link_status = 'pending'"
                                " WHERE session_id = 'real'", [Jsonb(info)])
        except (psycopg.errors.UntranslatableCharacter, psycopg.errors.InvalidTextRepresentation):
            return  # a NUL in JSON text, or Infinity (not JSON): PostgreSQL refuses to store it at all
        status = fuzz_db.execute("SELECT link_status FROM datalinker.link_session('real')").fetchone()
        row = fuzz_db.execute("SELECT link_error, (SELECT session_id FROM public.raw_data_objects"
                              " WHERE object_id = 'real-chunk') FROM public.sessions WHERE session_id = 'real'").fetchone()
        assert status is not None and row is not None
        error, linked_to = row
        if status[0] == "failed":
            assert error[:5] in DOCUMENTED, error
            assert linked_to is None
        else:
            assert status[0] == "completed"


@FUZZ
@given(end=st.one_of(st.none(), st.datetimes(timezones=st.just(T0.tzinfo)),
                     st.sampled_from(["infinity", "-infinity", "2026-03-02 09:30", "9999-12-31 23:59:59+00"])))
def test_any_end_time_ends_the_session_or_is_refused_with_a_documented_code(fuzz_db: psycopg.Connection, end: Any) -> None:
    CASES["end times (hostile)"] += 1
    with fuzz_db.transaction(force_rollback=True):
        add_session(fuzz_db, "open", "u2", T0, None)
        try:
            with fuzz_db.transaction():
                fuzz_db.execute("SET LOCAL TimeZone = 'Asia/Tokyo'")
                fuzz_db.execute("SELECT datalinker.end_session('open', %s::timestamptz)",
                                [end.isoformat() if hasattr(end, "isoformat") else end])
        except psycopg.Error as exc:
            assert exc.sqlstate in DOCUMENTED | {"22007", "22008"}, f"{exc.sqlstate}: {exc}"  # a bad literal


times = st.one_of(st.none(), st.sampled_from(["infinity", "-infinity", "0001-01-01 00:00+00", "9999-12-31 00:00+00",
                                              "2026-03-02 09:01:00+00", "2026-03-02 09:01:01+00"]))
ticks = st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.sampled_from([0, 1, 2**32 - 1, 2**32, -1]))


@FUZZ
@given(start=times, end=times, start_tick=ticks, end_tick=ticks, received=times)
def test_any_raw_row_is_refused_at_insert_or_never_breaks_another_rows_session(
        fuzz_db: psycopg.Connection, start: Any, end: Any, start_tick: Any, end_tick: Any, received: Any) -> None:
    CASES["raw rows (hostile)"] += 1
    with fuzz_db.transaction(force_rollback=True):
        try:
            with fuzz_db.transaction():
                fuzz_db.execute(
                    "INSERT INTO public.raw_data_objects (object_id, user_id, start_time, end_time, start_time_device,"
                    " end_time_device, data_type, created_at) VALUES ('hostile', 'u1', %s, %s, %s, %s, 'eeg',"
                    " coalesce(%s::timestamptz, now()))", [start, end, start_tick, end_tick, received])
        except psycopg.Error as exc:
            assert exc.sqlstate in {"23514", "23502", "22003", "22008"}, f"{exc.sqlstate}: {exc}"  # refused at insert
        fuzz_db.execute("UPDATE public.sessions SET link_status = 'pending' WHERE session_id = 'real'")
        status = fuzz_db.execute("SELECT link_status FROM datalinker.link_session('real')").fetchone()
        assert status == ("completed",), fuzz_db.execute("SELECT link_error FROM public.sessions WHERE session_id = 'real'").fetchone()
        real = fuzz_db.execute("SELECT session_id, start_time FROM public.raw_data_objects WHERE object_id = 'real-chunk'").fetchone()
        assert real == ("real", T0 + MIN), "the good chunk is linked at its true time whatever else arrived"
