"""A realistic synthetic lab day: users with calibration + main sessions, wrapping device counters,
legacy (device-tick) and new-device (UTC + session_id) chunks, images and audio. Used by `demo`
and the benchmarks. Deterministic for a given seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import psycopg

P = 2**32
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DAY = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def epoch_us(ts: datetime) -> int:
    d = ts - EPOCH
    return (d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds


@dataclass
class Session:
    session_id: str
    user_id: str
    start: datetime
    end: datetime
    session_type: str
    offset_ms: Decimal | None
    calibration_for: str | None = None


@dataclass
class LabDay:
    experiment_id: object = None
    sessions: list[Session] = field(default_factory=list)
    chunks: int = 0
    media: int = 0


def offset_us(offset_ms: Decimal) -> int:
    return int((offset_ms * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def plan_sessions(users: int, main_minutes: float, calib_minutes: float, rng: random.Random,
                  new_device_every: int = 4) -> list[Session]:
    """Per user: a calibration session, then (2 min later) the main session; staggered starts."""
    sessions = []
    for u in range(users):
        user = f"user-{u + 1:03d}"
        new_device = new_device_every > 0 and (u + 1) % new_device_every == 0
        # device − UTC: the device counts µs from its boot, a few days ago, plus a fraction of a ms
        offset = None if new_device else Decimal(-epoch_us(DAY) // 1000 + rng.randint(0, 5 * 86_400_000)) \
            + Decimal(rng.randint(0, 999)) / 1000
        calib_start = DAY + timedelta(minutes=7 * u, seconds=rng.randint(0, 59))
        calib_end = calib_start + timedelta(minutes=calib_minutes)
        main_start = calib_end + timedelta(minutes=2)
        main_end = main_start + timedelta(minutes=main_minutes)
        main_id = f"{user}-{main_start:%Y%m%dT%H%M%S}-{main_end:%H%M%S}"
        sessions.append(Session(f"{user}-{calib_start:%Y%m%dT%H%M%S}-{calib_end:%H%M%S}", user, calib_start,
                                calib_end, "calibration", offset, calibration_for=main_id))
        sessions.append(Session(main_id, user, main_start, main_end, "main", offset))
    return sessions


def chunk_rows(s: Session, chunk_seconds: float, data_types: tuple[str, ...], rng: random.Random):  # type: ignore[no-untyped-def]
    """COPY rows for one session's chunks; legacy sessions get device ticks only (and one pre-roll chunk)."""
    step = timedelta(seconds=chunk_seconds)
    t = s.start - step / 2 if s.session_type == "main" else s.start  # a pre-roll chunk for main sessions
    n = 0
    while t < s.end:
        end = t + step
        received = end + timedelta(milliseconds=rng.randint(200, 5000))
        for dt in data_types:
            oid = f"raw/{s.user_id}/{dt}/{epoch_us(t)}.bin"
            if s.offset_ms is None:  # new device: UTC + session_id from the Processor
                yield (oid, s.user_id, s.session_id, t, end, None, None, dt, received)
            else:
                off = offset_us(s.offset_ms)
                yield (oid, s.user_id, None, None, None, (epoch_us(t) + off) % P, (epoch_us(end) + off) % P,
                       dt, received)
            n += 1
        t = end


def load_lab_day(conn: psycopg.Connection, users: int = 4, main_minutes: float = 80, calib_minutes: float = 5,
                 chunk_seconds: float = 1.0, data_types: tuple[str, ...] = ("eeg", "imu"), seed: int = 7,
                 images_every_minutes: float = 5) -> LabDay:
    """Insert a lab day (sessions left running: end them with end_session). Returns what was made."""
    rng = random.Random(seed)
    day = LabDay()
    row = conn.execute("INSERT INTO public.experiments (name, description) VALUES ('demo sleep study',"
                       " 'synthetic lab day') RETURNING experiment_id").fetchone()
    assert row is not None
    day.experiment_id = row[0]
    day.sessions = plan_sessions(users, main_minutes, calib_minutes, rng)
    with conn.cursor() as cur:
        for s in sorted(day.sessions, key=lambda s: s.session_type != "main"):  # main first (FK target)
            # The offset is written as a JSON number literal with every digit (JSONB keeps them exactly).
            info = None if s.offset_ms is None else f'{{"offset_ms_avg": {s.offset_ms}, "rtt_ms": 4.2}}'
            cur.execute("INSERT INTO public.sessions (session_id, user_id, experiment_id, start_time, session_type,"
                        " calibration_for_session_id, clock_offset_info) VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb)",
                        [s.session_id, s.user_id, day.experiment_id, s.start, s.session_type, s.calibration_for, info])
        with cur.copy("COPY public.raw_data_objects (object_id, user_id, session_id, start_time, end_time,"
                      " start_time_device, end_time_device, data_type, created_at) FROM STDIN") as copy:
            for s in day.sessions:
                for r in chunk_rows(s, chunk_seconds, data_types, rng):
                    copy.write_row(r)
                    day.chunks += 1
        for s in day.sessions:
            if s.session_type != "main":
                continue
            t = s.start + timedelta(minutes=1)
            while t < s.end:
                cur.execute("INSERT INTO public.images (object_id, user_id, session_id, captured_at)"
                            " VALUES (%s, %s, %s, %s)", [f"img/{s.user_id}/{epoch_us(t)}.jpg", s.user_id, s.session_id, t])
                day.media += 1
                t += timedelta(minutes=images_every_minutes)
            for k, at in enumerate((s.start + timedelta(seconds=30), s.end - timedelta(seconds=60))):
                cur.execute("INSERT INTO public.audio_clips (object_id, user_id, session_id, captured_at, duration_ms)"
                            " VALUES (%s, %s, %s, %s, 20000)", [f"audio/{s.user_id}/{k}.wav", s.user_id, s.session_id, at])
                day.media += 1
    return day
