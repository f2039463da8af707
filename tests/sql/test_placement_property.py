"""Property (DESIGN §2, §3): random clocks, session layouts and upload delays, chunks arriving in random
batches and sessions linked in random order between them — never a wrong session or time, and the same
final state as when everything arrives first and is linked in order."""

from __future__ import annotations

import os
import random
from datetime import timedelta
from decimal import Decimal

import psycopg
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.fuzzcount import CASES
from tests.labday import UTC_DAY, Chunk, LabDay, Session, TableStore

RESET = "TRUNCATE public.raw_data_objects, public.sessions, datalinker.placement_requests CASCADE"
STATE = "SELECT object_id, session_id, start_time, end_time FROM public.raw_data_objects ORDER BY object_id"

layouts = st.lists(
    st.tuples(st.integers(5, 240),  # minutes since the previous session ended
              st.integers(3, 110),  # session length, minutes (some longer than a counter period)
              st.one_of(st.none(), st.integers(10, 60 * 24 * 12))),  # None: live; else upload delay, minutes
    min_size=1, max_size=4)


def build(layout: list[tuple[int, int, int | None]], offset_ms: Decimal, seed: int) -> LabDay:
    rng = random.Random(seed)
    day = LabDay()
    at = UTC_DAY
    step = timedelta(seconds=10)
    for n, (gap, minutes, delay) in enumerate(layout):
        start = at + timedelta(minutes=gap)
        s = Session(f"s{n}", "u", start, start + timedelta(minutes=minutes), offset_ms)
        day.sessions.append(s)
        t = s.start + timedelta(seconds=2)
        while t + step <= s.end:
            upload = (t + step + timedelta(seconds=rng.uniform(0.5, 5)) if delay is None
                      else s.end + timedelta(minutes=delay))
            day.chunks.append(Chunk(f"{n}/{t.isoformat()}", "u", "eeg", t, t + step, upload, s.session_id,
                                    offset_ms, "property"))
            t += step
        at = s.end
    return day


def add_sessions(conn: psycopg.Connection, day: LabDay) -> None:
    for s in day.sessions:
        conn.execute("INSERT INTO public.sessions (session_id, user_id, start_time, end_time, clock_offset_info)"
                     " VALUES (%s, %s, %s, %s, %s::jsonb)",
                     [s.session_id, s.user_id, s.start, s.end, f'{{"offset_ms_avg": {s.offset_ms}}}'])


def link_all(conn: psycopg.Connection, order: list[str]) -> None:
    for sid in order:
        conn.execute("SELECT * FROM datalinker.link_session(%s)", [sid])


def never_wrong(day: LabDay, state: list[tuple[object, ...]]) -> None:
    truth = {c.object_id: c for c in day.chunks}
    for object_id, session_id, start, end in state:
        c = truth[str(object_id)]
        if session_id is None:
            assert start is None, f"{object_id}: unlinked with a UTC time"
        else:
            assert (session_id, start, end) == (c.true_session, c.start, c.end), f"{object_id}: wrong session or time"


@settings(max_examples=int(os.environ.get("DATALINKER_PROPERTY_EXAMPLES", "25")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=layouts, offset=st.integers(-2_000_000_000_000_000, 0), seed=st.integers(0, 2**32),
       batches=st.integers(1, 6))
# Found by this property: a chunk of a buffered session uploaded about one counter period late looked live
# inside a later live session whose own chunks had not all arrived yet.
@example(layout=[(5, 26, 45), (5, 3, None), (14, 24, None)], offset=0, seed=0, batches=2)
def test_never_wrong_and_the_same_whatever_the_arrival_and_link_order(
        module_conn: psycopg.Connection, layout: list[tuple[int, int, int | None]], offset: int, seed: int,
        batches: int) -> None:
    CASES["placement orders"] += 1
    conn = module_conn
    day = build(layout, Decimal(offset) / 1000, seed)
    rng = random.Random(seed)
    ids = [s.session_id for s in day.sessions]

    conn.execute(RESET)
    add_sessions(conn, day)
    TableStore(conn).add_chunks(day.chunks)
    link_all(conn, ids)
    reference = conn.execute(STATE).fetchall()
    never_wrong(day, reference)

    conn.execute(RESET)
    add_sessions(conn, day)
    shuffled = rng.sample(day.chunks, len(day.chunks))
    for k in range(batches):
        TableStore(conn).add_chunks(shuffled[k::batches])
        link_all(conn, rng.sample(ids, rng.randint(0, len(ids))))
    link_all(conn, rng.sample(ids, len(ids)))
    state = conn.execute(STATE).fetchall()
    never_wrong(day, state)
    assert state == reference, "the final state must not depend on arrival or link order"
