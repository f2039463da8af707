"""DESIGN §3: which chunks a session gets — overlap, users, new devices, straddling, re-runs."""

from __future__ import annotations

import itertools

import psycopg
import pytest

from tests.helpers import (MIN, SEC, T0, add_device_chunk, add_session, add_utc_chunk, chunk, link, session,
                           snapshot)

US = SEC / 1_000_000


@pytest.mark.parametrize(
    ("name", "start", "end", "linked"),
    [
        ("ends exactly at session start", T0 - SEC, T0, False),
        ("starts exactly at session end", T0 + 10 * MIN, T0 + 10 * MIN + SEC, False),
        ("ends 1 µs after session start", T0 - SEC, T0 + US, True),
        ("starts 1 µs before session end", T0 + 10 * MIN - US, T0 + 10 * MIN + SEC, True),
        ("inside", T0 + MIN, T0 + MIN + SEC, True),
    ],
)
def test_overlap_is_half_open_so_touching_ranges_do_not_link(
    conn: psycopg.Connection, name: str, start, end, linked: bool  # type: ignore[no-untyped-def]
) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "device", "u1", start, end)
    add_utc_chunk(conn, "utc", "u1", start, end)
    link(conn, "s")
    for object_id in ("device", "utc"):
        assert (chunk(conn, object_id)["session_id"] == "s") is linked, f"{object_id} chunk that {name}"


def test_other_users_chunks_are_never_linked(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "alice", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "bob-device", "bob", T0 + MIN, T0 + MIN + SEC)
    add_utc_chunk(conn, "bob-utc", "bob", T0 + MIN, T0 + MIN + SEC)
    before = snapshot(conn)["raw_data_objects"]
    result = link(conn, "s")
    assert (result["link_status"], result["objects_linked"]) == ("completed", 0)
    assert snapshot(conn)["raw_data_objects"] == before


def test_new_device_rows_are_counted_never_rewritten(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_session(conn, "other", "u1", T0 + 20 * MIN, T0 + 30 * MIN)
    add_utc_chunk(conn, "new-1", "u1", T0 + MIN, T0 + MIN + SEC, session_id="s")
    add_utc_chunk(conn, "new-2", "u1", T0 + 2 * MIN, T0 + 2 * MIN + SEC, session_id="s")
    # Overlaps "s" in time but the Processor said it belongs elsewhere: its session_id wins.
    add_utc_chunk(conn, "new-elsewhere", "u1", T0 + 3 * MIN, T0 + 3 * MIN + SEC, session_id="other")
    add_device_chunk(conn, "legacy", "u1", T0 + 4 * MIN, T0 + 4 * MIN + SEC)
    before = {row[1]: row for row in snapshot(conn)["raw_data_objects"]}

    result = link(conn, "s")

    after = {row[1]: row for row in snapshot(conn)["raw_data_objects"]}
    for object_id in ("new-1", "new-2", "new-elsewhere"):
        assert after[object_id] == before[object_id], f"{object_id} must not be rewritten (same xmin and values)"
    assert (result["objects_converted"], result["objects_linked"]) == (1, 3)


def test_utc_chunk_without_session_id_gets_linked_with_its_times_unchanged(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_utc_chunk(conn, "utc", "u1", T0 + MIN, T0 + MIN + SEC)
    result = link(conn, "s")
    row = chunk(conn, "utc")
    assert (row["session_id"], row["start_time"], row["end_time"]) == ("s", T0 + MIN, T0 + MIN + SEC)
    assert (result["objects_converted"], result["objects_linked"]) == (0, 1)


def _two_sessions_and_straddlers(conn: psycopg.Connection) -> None:
    # A short calibration right before the main session; different offsets per session.
    add_session(conn, "calib", "u1", T0, T0 + 30 * SEC, offset_ms=-1_712_345_678_901.25, session_type="calibration")
    add_session(conn, "main", "u1", T0 + 30 * SEC, T0 + 10 * MIN, offset_ms=-1_712_345_678_900.75)
    # Starts in calib, ends in main: calib contains its start.
    add_device_chunk(conn, "straddle", "u1", T0 + 29 * SEC, T0 + 31 * SEC, offset_ms=-1_712_345_678_901.25)
    add_utc_chunk(conn, "straddle-utc", "u1", T0 + 29 * SEC, T0 + 31 * SEC)
    # Starts before both and overlaps both: no session contains its start, the earliest-starting wins.
    add_device_chunk(conn, "pre-roll", "u1", T0 - 5 * SEC, T0 + 40 * SEC, offset_ms=-1_712_345_678_901.25)
    # Starts in main (by main's offset), overlaps nothing else.
    add_device_chunk(conn, "main-only", "u1", T0 + MIN, T0 + MIN + SEC, offset_ms=-1_712_345_678_900.75)


@pytest.mark.parametrize("order", list(itertools.permutations(["calib", "main"])))
def test_straddling_chunk_goes_to_the_same_session_whichever_is_linked_first(
    conn: psycopg.Connection, order: tuple[str, str]
) -> None:
    _two_sessions_and_straddlers(conn)
    for session_id in order:
        assert link(conn, session_id)["link_status"] == "completed"
    owners = dict(conn.execute("SELECT object_id, session_id FROM public.raw_data_objects").fetchall())
    assert owners == {"straddle": "calib", "straddle-utc": "calib", "pre-roll": "calib", "main-only": "main"}
    # Times come from the owner's offset: exact here because the chunk was made with calib's offset.
    assert chunk(conn, "straddle")["start_time"] == T0 + 29 * SEC


def test_end_state_is_identical_for_both_link_orders(conn: psycopg.Connection) -> None:
    states = []
    for order in itertools.permutations(["calib", "main"]):
        with conn.transaction(force_rollback=True):
            _two_sessions_and_straddlers(conn)
            for session_id in order:
                link(conn, session_id)
            states.append(conn.execute(
                "SELECT object_id, session_id, start_time, end_time FROM public.raw_data_objects ORDER BY 1").fetchall())
    assert states[0] == states[1]


def test_running_session_is_not_linkable_but_keeps_its_own_chunks(conn: psycopg.Connection) -> None:
    add_session(conn, "done", "u1", T0, T0 + 10 * MIN)
    add_session(conn, "running", "u1", T0 + 5 * MIN, None)  # overlaps "done" and is still recording
    add_utc_chunk(conn, "in-both", "u1", T0 + 4 * MIN, T0 + 6 * MIN)  # starts in "done" only
    add_utc_chunk(conn, "starts-in-both", "u1", T0 + 6 * MIN, T0 + 7 * MIN)
    link(conn, "done")
    assert chunk(conn, "in-both")["session_id"] == "done"
    # Both contain its start: the earliest-starting ("done") wins, so the result cannot change later.
    assert chunk(conn, "starts-in-both")["session_id"] == "done"


def test_rerun_is_idempotent(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    for i in range(5):
        add_device_chunk(conn, f"c{i}", "u1", T0 + i * MIN, T0 + i * MIN + SEC)
    first = link(conn, "s")
    before = snapshot(conn)
    second = link(conn, "s")
    assert (first["objects_converted"], first["objects_linked"]) == (5, 5)
    assert (second["link_status"], second["objects_converted"], second["objects_linked"]) == ("completed", 0, 5)
    after = snapshot(conn)
    assert after["raw_data_objects"] == before["raw_data_objects"], "no chunk rewritten by a re-run"
    assert [row[1:] for row in after["sessions"]] == [row[1:] for row in before["sessions"]], "session row unchanged"


def test_rerun_links_late_arrivals_only(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, T0 + 10 * MIN)
    add_device_chunk(conn, "early", "u1", T0 + MIN, T0 + MIN + SEC)
    link(conn, "s")
    linked_at = session(conn, "s")["linked_at"]
    early = snapshot(conn)["raw_data_objects"]
    add_device_chunk(conn, "late", "u1", T0 + 9 * MIN, T0 + 9 * MIN + SEC, received_at=T0 + 25 * MIN)

    result = link(conn, "s")

    assert (result["objects_converted"], result["objects_linked"]) == (1, 2)
    assert chunk(conn, "late")["start_time"] == T0 + 9 * MIN
    assert [r for r in snapshot(conn)["raw_data_objects"] if r[1] == "early"] == early
    assert session(conn, "s")["linked_at"] > linked_at
