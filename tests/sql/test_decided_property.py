"""Property (DESIGN §3a, issue 21): a device streaming live all day, sessions over parts of it (some buffered
and uploaded later); sessions starting, uploads arriving and sessions ending (reported up to an hour late) as
time goes by, the passes running after batches of any size — never a
wrong session or time; every chunk placing everything at once decides (linked or between sessions) is decided
the same (passes that saw a stream arrive may decide more: its live part stored, its buffered part then tied to
it); `verify_derived` finds nothing.
"""

from __future__ import annotations

import os
import random
from datetime import timedelta
from decimal import Decimal

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzzcount import CASES
from tests.helpers import run_jobs
from tests.labday import UTC_DAY, Chunk, LabDay, Session, TableStore

RESET = ("TRUNCATE public.raw_data_objects, public.sessions, datalinker.placement_requests CASCADE;"
         " SELECT pgmq.purge_queue('data_linker_queue')")
STATE = "SELECT object_id, session_id, start_time, end_time FROM public.raw_data_objects ORDER BY object_id"
STEP = timedelta(seconds=20)

layouts = st.lists(
    st.tuples(st.integers(2, 150),  # minutes of live data before the session (after the previous one)
              st.integers(3, 90),  # session length, minutes
              st.one_of(st.none(), st.integers(10, 60 * 24 * 3))),  # None: live; else upload delay, minutes
    min_size=1, max_size=3)


def build(layout: list[tuple[int, int, int | None]], offset_ms: Decimal, tail: int, seed: int) -> LabDay:
    """One device recording without a break from the start to `tail` minutes after the last session."""
    rng = random.Random(seed)
    day = LabDay()
    at = UTC_DAY
    spans: list[tuple[Session | None, object, object, int | None]] = []
    for n, (before, minutes, delay) in enumerate(layout):
        start = at + timedelta(minutes=before)
        s = Session(f"s{n}", "u", start, start + timedelta(minutes=minutes), offset_ms)
        day.sessions.append(s)
        spans += [(None, at, start, None), (s, start, s.end, delay)]
        at = s.end
    spans.append((None, at, at + timedelta(minutes=tail), None))
    for owner, start, end, delay in spans:
        t = start
        while t + STEP <= end:  # type: ignore[operator]
            upload = (t + STEP + timedelta(seconds=rng.uniform(0.5, 5)) if delay is None  # type: ignore[operator]
                      else owner.end + timedelta(minutes=delay))  # type: ignore[union-attr]
            day.chunks.append(Chunk(f"c/{t.isoformat()}", "u", "eeg", t, t + STEP, upload,  # type: ignore[arg-type]
                                    owner.session_id if owner else None, offset_ms, "property"))
            t += STEP  # type: ignore[operator]
    return day


def start_session(conn: psycopg.Connection, s: Session) -> None:
    conn.execute("SELECT datalinker.add_session(%s, %s, %s, p_clock_offset_info => %s::jsonb)",
                 [s.session_id, s.user_id, s.start, f'{{"offset_ms_avg": {s.offset_ms}}}'])


def end_session(conn: psycopg.Connection, s: Session) -> None:
    conn.execute("SELECT datalinker.end_session(%s, %s)", [s.session_id, s.end])


def never_wrong(day: LabDay, state: list[tuple[object, ...]]) -> None:
    truth = {c.object_id: c for c in day.chunks}
    for object_id, session_id, start, end in state:
        c = truth[str(object_id)]
        if start is not None:
            assert (session_id, start, end) == (c.true_session, c.start, c.end), f"{object_id}: wrong session or time"


@settings(max_examples=int(os.environ.get("DATALINKER_PROPERTY_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=layouts, offset=st.integers(-2_000_000_000_000_000, 0), tail=st.integers(1, 100),
       seed=st.integers(0, 2**32), batches=st.integers(1, 40))
def test_any_order_of_sessions_uploads_and_passes_stores_what_placing_everything_at_once_would(
        module_conn: psycopg.Connection, layout: list[tuple[int, int, int | None]], offset: int, tail: int,
        seed: int, batches: int) -> None:
    CASES["decided orders"] += 1
    conn = module_conn
    day = build(layout, Decimal(offset) / 1000, tail, seed)
    rng = random.Random(seed)

    conn.execute(RESET)  # everything known first, then the passes: the reference
    for s in day.sessions:
        start_session(conn, s)
        end_session(conn, s)
    TableStore(conn).add_chunks(day.chunks)
    run_jobs(conn)
    reference = conn.execute(STATE).fetchall()
    never_wrong(day, reference)
    assert conn.execute("SELECT * FROM datalinker.verify_derived('u')").fetchall() == []

    # Time flows: sessions start, uploads arrive, sessions end (reported up to an hour late), in time order,
    # delivered in batches of random size with a pass after each.
    conn.execute(RESET)
    events: list[tuple[object, int, Session | Chunk]] = []
    for s in day.sessions:
        events += [(s.start, 0, s), (s.end + timedelta(minutes=rng.choice([0, 0, 5, 60])), 2, s)]
    events += [(c.upload_at, 1, c) for c in day.chunks]
    events.sort(key=lambda e: (e[0], e[1]))
    cuts = sorted(rng.sample(range(1, len(events)), min(batches - 1, len(events) - 1)))
    for lo, hi in zip([0, *cuts], [*cuts, len(events)]):
        uploads: list[Chunk] = []
        for _, kind, item in events[lo:hi]:
            if kind == 1:
                uploads.append(item)  # type: ignore[arg-type]
                continue
            TableStore(conn).add_chunks(uploads)
            uploads = []
            (start_session if kind == 0 else end_session)(conn, item)  # type: ignore[arg-type]
        TableStore(conn).add_chunks(uploads)
        run_jobs(conn)
    state = conn.execute(STATE).fetchall()
    never_wrong(day, state)
    assert conn.execute("SELECT * FROM datalinker.verify_derived('u')").fetchall() == []
    decided = {row[0]: row for row in reference if row[2] is not None}
    assert {row[0]: row for row in state if row[0] in decided} == decided, \
        "whatever the order of events, every chunk placing everything at once decides is decided the same"
