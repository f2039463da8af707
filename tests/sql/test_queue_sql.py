"""The queue API in SQL: end_session, claim/process, dead letters, requeue (DESIGN §4–§6)."""

from __future__ import annotations

import psycopg
import pytest

from tests.helpers import MIN, SEC, T0, add_device_chunk, add_session, session
from tests.workers import dead_letters, queue_messages


def end_session(conn: psycopg.Connection, session_id: str, end=T0 + 10 * MIN):  # type: ignore[no-untyped-def]
    return conn.execute("SELECT datalinker.end_session(%s, %s)", [session_id, end]).fetchone()[0]


def claim_and_process(conn: psycopg.Connection, max_attempts: int = 5) -> dict:  # type: ignore[type-arg]
    claim = conn.execute("SELECT * FROM datalinker.claim_job(30)").fetchone()
    assert claim is not None, "a message must be visible"
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    row = cur.execute("SELECT * FROM datalinker.process_job(%s, %s)", [claim[0], max_attempts]).fetchone()
    assert row is not None
    return row


def test_end_session_sets_end_time_and_queues_the_job_atomically(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, None)
    with pytest.raises(psycopg.errors.DivisionByZero):
        with conn.transaction():
            end_session(conn, "s")
            conn.execute("SELECT 1/0")  # the Session Manager's transaction fails after the call
    assert session(conn, "s")["end_time"] is None and queue_messages(conn, "data_linker_queue") == []

    msg_id = end_session(conn, "s")
    assert session(conn, "s")["end_time"] == T0 + 10 * MIN
    assert msg_id is not None and queue_messages(conn, "data_linker_queue") == [{"session_id": "s"}]


def test_end_session_again_with_the_same_time_is_a_no_op(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, None)
    end_session(conn, "s")
    assert end_session(conn, "s") is None
    assert len(queue_messages(conn, "data_linker_queue")) == 1


@pytest.mark.parametrize(
    ("session_id", "end", "sqlstate", "message"),
    [("nope", T0 + MIN, "DL001", "unknown session 'nope'"),
     ("s", T0 - MIN, "DL004", "end time .* of session 's' is not after its start time"),
     ("s", T0, "DL004", "is not after its start time"),
     ("s", None, "DL004", "end time NULL of session 's'"),
     ("ended", T0 + 20 * MIN, "DL005", "session 'ended' already ended at .*; refusing a different end time")],
)
def test_end_session_rejects_bad_input_naming_it(conn: psycopg.Connection, session_id: str, end, sqlstate: str,  # type: ignore[no-untyped-def]
                                                 message: str) -> None:
    add_session(conn, "s", "u1", T0, None)
    add_session(conn, "ended", "u1", T0, T0 + 10 * MIN)
    with pytest.raises(psycopg.Error, match=message) as info:
        end_session(conn, session_id, end)
    assert info.value.sqlstate == sqlstate
    assert queue_messages(conn, "data_linker_queue") == []


def test_job_links_deletes_and_notifies_downstream(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, None)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    end_session(conn, "s")
    row = claim_and_process(conn)
    assert (row["outcome"], row["link_status"], row["objects_converted"]) == ("completed", "completed", 1)
    assert queue_messages(conn, "data_linker_queue") == []
    assert queue_messages(conn, "event_correction_queue") == [{"session_id": "s"}]


def test_claim_commits_read_ct_and_shows_the_session_processing(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, None)
    end_session(conn, "s")
    claim = conn.execute("SELECT msg_id, read_ct, session_id FROM datalinker.claim_job(30)").fetchone()
    assert claim is not None and claim[1:] == (1, "s")
    assert session(conn, "s")["link_status"] == "processing"
    assert conn.execute("SELECT * FROM datalinker.claim_job(30)").fetchone() is None, "invisible while claimed"


@pytest.mark.parametrize(
    ("payload", "error"),
    [("[1, 2]", "payload is a JSON array, not an object"),
     ('"s"', "payload is a JSON string, not an object"),
     ("{}", 'payload has no "session_id" key'),
     ('{"session_id": 42}', '"session_id" is a JSON number, not a string'),
     ('{"session_id": null}', '"session_id" is a JSON null, not a string'),
     ('{"session_id": ""}', '"session_id" is empty'),
     ('{"user_id": 7}', '"user_id" is a JSON number, not a string'),
     ('{"user_id": ""}', '"user_id" is empty'),
     ('{"session_id": "s", "user_id": "u1"}', 'payload has both "session_id" and "user_id"')],
)
def test_bad_payload_is_dead_lettered_with_the_reason(conn: psycopg.Connection, payload: str, error: str) -> None:
    conn.execute("SELECT pgmq.send('data_linker_queue', %s::jsonb)", [payload])
    row = claim_and_process(conn)
    assert (row["outcome"], row["reason"]) == ("dead_lettered", "bad_payload")
    [letter] = dead_letters(conn)
    assert (letter["reason"], letter["error"], letter["read_ct"]) == ("bad_payload", error, 1)
    assert queue_messages(conn, "data_linker_queue") == [] and queue_messages(conn, "event_correction_queue") == []
    archived = conn.execute("SELECT count(*) FROM pgmq.a_data_linker_queue").fetchone()
    assert archived == (1,), "the original stays in the archive"


def test_unknown_and_running_sessions_are_dead_lettered(conn: psycopg.Connection) -> None:
    add_session(conn, "running", "u1", T0, None)
    conn.execute("""SELECT pgmq.send('data_linker_queue', '{"session_id": "ghost"}')""")
    conn.execute("""SELECT pgmq.send('data_linker_queue', '{"session_id": "running"}')""")
    assert claim_and_process(conn)["reason"] == "unknown_session"
    assert claim_and_process(conn)["reason"] == "session_not_ended"
    assert [(d["reason"], d["error"]) for d in dead_letters(conn)] == [
        ("unknown_session", "unknown session 'ghost'"),
        ("session_not_ended", "session 'running' has not ended (end_time is NULL)")]
    assert session(conn, "running")["link_status"] == "pending"


def test_failed_link_is_dead_lettered_with_link_error_and_nothing_downstream(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, None, offset_ms=None)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    end_session(conn, "s")
    row = claim_and_process(conn)
    assert (row["outcome"], row["reason"], row["link_status"]) == ("dead_lettered", "link_failed", "failed")
    [letter] = dead_letters(conn)
    assert letter["error"] == session(conn, "s")["link_error"] and letter["payload"] == {"session_id": "s"}
    assert queue_messages(conn, "event_correction_queue") == []


def test_too_many_attempts_dead_letters_and_fails_the_session(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, None)
    end_session(conn, "s")
    for _ in range(3):  # three claims whose work transactions never committed
        conn.execute("SELECT * FROM datalinker.claim_job(0)")
    row = claim_and_process(conn, max_attempts=3)
    assert (row["outcome"], row["reason"]) == ("dead_lettered", "too_many_attempts")
    assert dead_letters(conn)[0]["read_ct"] == 4
    assert session(conn, "s")["link_status"] == "failed"
    assert "gave up after 3 attempts" in session(conn, "s")["link_error"]


def test_message_already_handled_is_reported_gone(conn: psycopg.Connection) -> None:
    row = conn.execute("SELECT outcome FROM datalinker.process_job(123456)").fetchone()
    assert row == ("gone",)


def test_requeue_dead_after_a_fix_completes_the_session(conn: psycopg.Connection) -> None:
    add_session(conn, "s", "u1", T0, None, offset_ms=None)
    add_device_chunk(conn, "c", "u1", T0 + MIN, T0 + MIN + SEC)
    end_session(conn, "s")
    assert claim_and_process(conn)["reason"] == "link_failed"
    conn.execute("""UPDATE public.sessions SET clock_offset_info = '{"offset_ms_avg": -1712345678901.25}'""")

    assert conn.execute("SELECT datalinker.requeue_dead()").fetchone() == (1,)
    assert dead_letters(conn) == []
    row = claim_and_process(conn)
    assert (row["outcome"], row["objects_converted"]) == ("completed", 1)
    assert queue_messages(conn, "event_correction_queue") == [{"session_id": "s"}]


def test_enqueue_link_checks_the_session(conn: psycopg.Connection) -> None:
    add_session(conn, "running", "u1", T0, None)
    with pytest.raises(psycopg.Error, match="unknown session 'x'"):
        conn.execute("SELECT datalinker.enqueue_link('x')")
    with pytest.raises(psycopg.Error, match="session 'running' has not ended"):
        conn.execute("SELECT datalinker.enqueue_link('running')")


def test_a_completed_job_deletes_and_sends_exactly_as_pgmq_would(conn: psycopg.Connection) -> None:
    """process_job writes pgmq's tables with static SQL (pgmq's own functions plan dynamic SQL per call): the
    result must be indistinguishable from pgmq.delete + pgmq.send — and this fails if pgmq changes its layout."""
    columns = "SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute WHERE attrelid = %s::regclass" \
              " AND attnum > 0 AND NOT attisdropped"
    layout = ["msg_id", "read_ct", "enqueued_at", "last_read_at", "vt", "message", "headers"]
    for table in ("pgmq.q_data_linker_queue", "pgmq.q_event_correction_queue"):
        assert conn.execute(columns, [table]).fetchone()[0] == layout
    conn.execute("""SELECT pgmq.send('event_correction_queue', '{"session_id": "written by pgmq.send"}')""")
    add_session(conn, "s", "u1", T0, None)
    end_session(conn, "s")
    assert claim_and_process(conn)["outcome"] == "completed"
    assert conn.execute("SELECT count(*) FROM pgmq.q_data_linker_queue").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM pgmq.a_data_linker_queue").fetchone() == (0,), "deleted, not archived"
    shape = conn.execute("SELECT read_ct, last_read_at, headers, vt <= clock_timestamp(), enqueued_at <= vt,"
                         " jsonb_typeof(message) FROM pgmq.q_event_correction_queue ORDER BY msg_id").fetchall()
    assert shape[0] == shape[1] == (0, None, None, True, True, "object")
    read = conn.execute("SELECT message ->> 'session_id' FROM pgmq.read('event_correction_queue', 30, 10)").fetchall()
    assert read == [("written by pgmq.send",), ("s",)]
