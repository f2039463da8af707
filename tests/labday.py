"""A deterministic lab day with known true times: every condition of DESIGN §2 that does not need a
drifting or rebooting clock, replayed in time order and judged chunk by chunk against the truth.

Conditions (one user each, so a failure names its condition): live sessions of 10 to 180 minutes;
whole sessions buffered offline and uploaded 2 h, 5 h, 20 h, 3 days and 2 weeks later; a 100-minute
offline session (longer than a counter period); the buffer of one session arriving 75 min late while
the next session of the same device streams live; chunks re-sent 6 h after their session was linked;
a device streaming between sessions (gap data stays unlinked); two offline sessions exactly one
counter period apart (genuinely ambiguous); a new device whose chunks come with UTC and session_id.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Protocol
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

import psycopg

from datalinker import builders
from tests.reference import P

UTC_DAY = datetime.fromisoformat("2026-03-02T08:00:00+00:00")
US = timedelta(microseconds=1)
PERIOD = P * US
TYPES = ("eeg", "imu")


@dataclass(frozen=True)
class Session:
    session_id: str
    user_id: str
    start: datetime
    end: datetime
    offset_ms: Decimal | None


@dataclass(frozen=True)
class Chunk:
    object_id: str
    user_id: str
    data_type: str
    start: datetime  # true UTC
    end: datetime
    upload_at: datetime
    true_session: str | None  # None: recorded between sessions (must stay unlinked)
    offset_ms: Decimal | None  # None: a new device (UTC times and session_id given)
    condition: str


@dataclass
class LabDay:
    sessions: list[Session] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    ambiguous: set[str] = field(default_factory=set)  # chunks that must end unlinked as ambiguous


class Builder:
    """Adds users, sessions and the chunks their devices record, with upload times."""

    def __init__(self, seed: int, chunk_seconds: float) -> None:
        self.rng = random.Random(seed)
        self.step = timedelta(seconds=chunk_seconds)
        self.day = LabDay()

    def device(self, user_id: str) -> Decimal:
        """A device clock: offset device − UTC in ms with sub-µs digits, as sync packets report it."""
        return Decimal(-1_712_345_678_901) - Decimal(self.rng.randrange(10**9)) + Decimal("0.25")

    def session(self, sid: str, user: str, start: datetime, minutes: float, offset_ms: Decimal | None) -> Session:
        s = Session(sid, user, start, start + timedelta(minutes=minutes), offset_ms)
        self.day.sessions.append(s)
        return s

    def record(self, user: str, offset_ms: Decimal | None, start: datetime, end: datetime, upload: Callable[[datetime], datetime],
               condition: str, session: Session | None) -> list[Chunk]:
        """Back-to-back chunks of every data type from start to end; upload(chunk_end) says when each arrives."""
        out = []
        for data_type in TYPES:
            t = start
            while t + self.step <= end:
                owner = session.session_id if session and session.start <= t < session.end else None
                c = Chunk(f"{user}/{data_type}/{t.isoformat()}", user, data_type, t, t + self.step,
                          upload(t + self.step), owner, offset_ms, condition)
                out.append(c)
                t += self.step
        self.day.chunks.extend(out)
        return out

    def live(self, end: datetime) -> datetime:
        return end + timedelta(seconds=self.rng.uniform(0.5, 4))


def lab_day(seed: int = 7, chunk_seconds: float = 5.0) -> LabDay:
    b = Builder(seed, chunk_seconds)
    day0 = UTC_DAY
    pre = timedelta(seconds=3)  # devices start recording a moment after the session starts

    # Live sessions of 10, 45 and 180 minutes (the last more than two counter periods long).
    clock = b.device("live")
    for n, (at, minutes) in enumerate([(0, 10), (30, 45), (120, 180)]):
        s = b.session(f"live-{n}", "u-live", day0 + timedelta(minutes=at), minutes, clock)
        b.record("u-live", clock, s.start + pre, s.end, b.live, "live", s)

    # Whole sessions buffered on the device, uploaded hours, days and weeks after they ended.
    clock = b.device("offline")
    plan = [(0, 30, timedelta(hours=2)), (5 * 60, 40, timedelta(hours=5)), (26 * 60, 25, timedelta(hours=20)),
            (50 * 60, 60, timedelta(days=3)), (74 * 60, 20, timedelta(days=14))]
    for n, (at, minutes, delay) in enumerate(plan):
        s = b.session(f"offline-{n}", "u-offline", day0 + timedelta(minutes=at), minutes, clock)
        b.record("u-offline", clock, s.start + pre, s.end, lambda end, s=s, d=delay: s.end + d + (end - s.start) / 1000,
                 "offline", s)

    # A 100-minute offline session (longer than a counter period), uploaded 4 h later.
    clock = b.device("long")
    s = b.session("long-0", "u-long", day0 + timedelta(minutes=60), 100, clock)
    b.record("u-long", clock, s.start + pre, s.end, lambda end, s=s: s.end + timedelta(hours=4), "long offline", s)

    # Session A buffered, its upload 75 min after it ended, while session B of the same device streams live.
    clock = b.device("late")
    a = b.session("late-A", "u-late", day0 + timedelta(minutes=60), 30, clock)
    bb = b.session("late-B", "u-late", a.end + timedelta(minutes=20), 60, clock)
    b.record("u-late", clock, a.start + pre, a.end, lambda end: a.end + timedelta(minutes=75), "late buffer", a)
    b.record("u-late", clock, bb.start + pre, bb.end, b.live, "live next to a late buffer", bb)

    # A live session some of whose chunks are re-sent 6 h after it was linked; another session 2 h later.
    clock = b.device("strag")
    s = b.session("strag-0", "u-strag", day0 + timedelta(minutes=90), 40, clock)
    chunks = b.record("u-strag", clock, s.start + pre, s.end, b.live, "live with stragglers", s)
    resent = set(b.rng.sample(range(10, len(chunks) - 10), 6))
    for i in resent:
        c = chunks[i]
        straggler = Chunk(c.object_id, c.user_id, c.data_type, c.start, c.end, s.end + timedelta(hours=6, seconds=i),
                          c.true_session, c.offset_ms, "straggler")
        b.day.chunks[b.day.chunks.index(c)] = straggler
    s2 = b.session("strag-1", "u-strag", s.end + timedelta(hours=2), 30, clock)
    b.record("u-strag", clock, s2.start + pre, s2.end, b.live, "live", s2)

    # A device streaming live from before its first session to after its second: the gap stays unlinked.
    clock = b.device("gap")
    g1 = b.session("gap-0", "u-gap", day0 + timedelta(minutes=70), 30, clock)
    g2 = b.session("gap-1", "u-gap", day0 + timedelta(minutes=150), 50, clock)
    for start, end, owner in [(g1.start - timedelta(minutes=10), g1.start, None), (g1.start, g1.end, g1),
                              (g1.end, g2.start, None), (g2.start, g2.end, g2), (g2.end, g2.end + timedelta(minutes=15), None)]:
        b.record("u-gap", clock, start, end, b.live, "gap data" if owner is None else "live", owner)

    # Two offline sessions exactly one counter period apart, uploaded together: their ticks are identical.
    clock = b.device("amb")
    c1 = b.session("amb-0", "u-amb", day0 + timedelta(minutes=30), 20, clock)
    c2 = b.session("amb-1", "u-amb", c1.start + PERIOD, 20, clock)
    upload = c2.end + timedelta(hours=3, minutes=17)
    for s in (c1, c2):
        b.day.ambiguous |= {c.object_id for c in b.record("u-amb", clock, s.start + pre, s.end, lambda end: upload,
                                                          "ambiguous pair", s)}

    # A new device: UTC times and session_id come with the chunk; they pass through untouched.
    s = b.session("new-0", "u-new", day0 + timedelta(minutes=40), 30, None)
    b.record("u-new", None, s.start, s.end, b.live, "new device", s)
    return b.day


def events(day: LabDay) -> list[tuple[datetime, int, object]]:
    """Session starts, uploads and session ends in time order (at the same instant: start, upload, end)."""
    out: list[tuple[datetime, int, object]] = []
    out += [(s.start, 0, s) for s in day.sessions]
    out += [(c.upload_at, 1, c) for c in day.chunks]
    out += [(s.end, 2, s) for s in day.sessions]
    return sorted(out, key=lambda e: (e[0], e[1]))


def chunk_rows(chunks: list[Chunk]) -> list[builders.ChunkRow]:
    return [builders.utc_chunk(c.object_id, c.user_id, c.start, c.end, c.true_session, c.upload_at, c.data_type)
            if c.offset_ms is None else
            builders.device_chunk(c.object_id, c.user_id, c.start, c.end, builders.offset_us(c.offset_ms), c.upload_at,
                                  c.data_type)
            for c in chunks]


class Store(Protocol):
    """Where the replay writes: sessions at their start, uploads, end_session."""

    def add_session(self, s: Session) -> None: ...
    def add_chunks(self, chunks: list[Chunk]) -> None: ...
    def end_session(self, session_id: str, end: datetime) -> None: ...


@dataclass
class TableStore:
    """One database, written as the Session Manager and the Processor do today: rows into the tables."""

    conn: psycopg.Connection

    def add_session(self, s: Session) -> None:
        builders.add_session(self.conn, s.session_id, s.user_id, s.start, offset_ms=s.offset_ms)

    def add_chunks(self, chunks: list[Chunk]) -> None:
        builders.insert_chunks(self.conn, chunk_rows(chunks))

    def end_session(self, session_id: str, end: datetime) -> None:
        self.conn.execute("SELECT datalinker.end_session(%s, %s)", [session_id, end])


@dataclass
class ApiStore:
    """Through the ingest API (datalinker.add_session, add_chunks): a shard, or a PL/Proxy proxy in front of shards."""

    conn: psycopg.Connection

    def add_session(self, s: Session) -> None:
        self.conn.execute("SELECT datalinker.add_session(%s, %s, %s, 'main', %s::jsonb)",
                          [s.session_id, s.user_id, s.start, builders.clock_info(s.offset_ms)])

    def add_chunks(self, chunks: list[Chunk]) -> None:
        cols = list(zip(*chunk_rows(chunks)))  # object_id, user_id, session_id, start, end, ticks, type, received
        self.conn.execute("SELECT datalinker.add_chunks(%s, %s, %s, %s::timestamptz[], %s::timestamptz[],"
                          " %s::bigint[], %s::bigint[], %s, %s)",
                          [list(cols[1]), list(cols[0]), list(cols[2]), list(cols[3]), list(cols[4]), list(cols[5]),
                           list(cols[6]), list(cols[7]), list(cols[8])])

    def end_session(self, session_id: str, end: datetime) -> None:
        self.conn.execute("SELECT datalinker.end_session(%s, %s)", [session_id, end])


def replay(store: Store, day: LabDay, run_worker: Callable[[], None]) -> None:
    """Sessions appear at their start, chunks when uploaded, end_session at the end and then the worker."""
    pending: list[Chunk] = []

    def flush() -> None:
        if pending:
            store.add_chunks(pending)
            late = any(c.upload_at - c.end > timedelta(minutes=5) for c in pending)
            pending.clear()
            if late:
                run_worker()

    for _, kind, obj in events(day):
        if kind == 1:
            assert isinstance(obj, Chunk)
            pending.append(obj)
            continue
        flush()
        assert isinstance(obj, Session)
        if kind == 0:
            store.add_session(obj)
        else:
            store.end_session(obj.session_id, obj.end)
            run_worker()
    flush()
    run_worker()


@dataclass
class Verdict:
    counts: Counter[str]
    by_condition: dict[str, Counter[str]]
    wrong: list[str]

    def line(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(self.counts.items()))


def judge(conns: psycopg.Connection | list[psycopg.Connection], day: LabDay) -> Verdict:
    """Every chunk: linked to its true session at its exact time, decided between sessions at its exact time, or
    unlinked (UTC NULL) — never wrong.
    Several connections: the shards of one cluster, judged as one database."""
    rows: dict[str, tuple[object, ...]] = {}
    reasons: dict[str, tuple[object, object]] = {}
    for conn in conns if isinstance(conns, list) else [conns]:
        rows |= {r[0]: r[1:] for r in conn.execute(
            "SELECT object_id, session_id, start_time, end_time FROM public.raw_data_objects").fetchall()}
        reasons |= {r[0]: (r[1], r[2]) for r in conn.execute(
            "SELECT object_id, reason, candidate_sessions FROM datalinker.unplaced_chunks()").fetchall()}
    counts: Counter[str] = Counter()
    by_condition: dict[str, Counter[str]] = {}
    wrong: list[str] = []
    for c in day.chunks:
        session_id, start, end = rows[c.object_id]
        if session_id is not None and (session_id != c.true_session or (start, end) != (c.start, c.end)):
            outcome = "WRONG"
            wrong.append(f"{c.object_id}: linked to {session_id} at {start}, truth {c.true_session} at {c.start}")
        elif session_id is None and start is not None and (c.true_session is not None or (start, end) != (c.start, c.end)):
            outcome = "WRONG"
            wrong.append(f"{c.object_id}: unlinked at {start}, truth {c.true_session} at {c.start}")
        elif session_id is None and start is not None:
            outcome = "gap, decided"  # between sessions: its exact UTC stored, no session
        elif session_id is not None:
            outcome = "linked right"
        elif c.object_id in day.ambiguous:
            reason, candidates = reasons.get(c.object_id, (None, None))
            outcome = "ambiguous, reported" if reason == "ambiguous" and len(candidates or []) == 2 else "ambiguous, not reported"
        elif c.true_session is None:
            outcome = "gap, unlinked"
        else:
            outcome = "MISSED"
        counts[outcome] += 1
        by_condition.setdefault(c.condition, Counter())[outcome] += 1
    return Verdict(counts, by_condition, wrong)


def describe(verdict: Verdict) -> Iterable[str]:
    for condition, counter in sorted(verdict.by_condition.items()):
        yield f"{condition:28} " + ", ".join(f"{k} {v}" for k, v in sorted(counter.items()))
