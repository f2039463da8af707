"""A realistic synthetic lab day: users with calibration + main sessions, wrapping device counters,
legacy (device-tick) and new-device (UTC + session_id) chunks, images and audio. Used by `demo`
and the benchmarks. Deterministic for a given seed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import psycopg

from datalinker.builders import (ChunkRow, add_audio, add_experiment, add_image, add_session, device_chunk, epoch_us,
                                 insert_chunks, offset_us, utc_chunk)

DAY = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


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


def chunk_rows(s: Session, chunk_seconds: float, data_types: tuple[str, ...], rng: random.Random) -> Iterator[ChunkRow]:
    """One session's chunks; legacy sessions get device ticks only (and one pre-roll chunk)."""
    step = timedelta(seconds=chunk_seconds)
    t = s.start - step / 2 if s.session_type == "main" else s.start  # a pre-roll chunk for main sessions
    while t < s.end:
        end = t + step
        received = end + timedelta(milliseconds=rng.randint(200, 5000))
        for dt in data_types:
            oid = f"raw/{s.user_id}/{dt}/{epoch_us(t)}.bin"
            if s.offset_ms is None:  # new device: UTC + session_id from the Processor
                yield utc_chunk(oid, s.user_id, t, end, s.session_id, received, dt)
            else:
                yield device_chunk(oid, s.user_id, t, end, offset_us(s.offset_ms), received, dt)
        t = end


def load_lab_day(conn: psycopg.Connection, users: int = 4, main_minutes: float = 80, calib_minutes: float = 5,
                 chunk_seconds: float = 1.0, data_types: tuple[str, ...] = ("eeg", "imu"), seed: int = 7,
                 images_every_minutes: float = 5) -> LabDay:
    """Insert a lab day (sessions left running: end them with end_session). Returns what was made."""
    rng = random.Random(seed)
    day = LabDay(experiment_id=add_experiment(conn, "demo sleep study", "synthetic lab day"))
    day.sessions = plan_sessions(users, main_minutes, calib_minutes, rng)
    for s in sorted(day.sessions, key=lambda s: s.session_type != "main"):  # main first (FK target)
        add_session(conn, s.session_id, s.user_id, s.start, offset_ms=s.offset_ms, experiment_id=day.experiment_id,
                    session_type=s.session_type, calibration_for=s.calibration_for)
    day.chunks = insert_chunks(conn, (r for s in day.sessions for r in chunk_rows(s, chunk_seconds, data_types, rng)))
    for s in day.sessions:
        if s.session_type != "main":
            continue
        t = s.start + timedelta(minutes=1)
        while t < s.end:
            add_image(conn, f"img/{s.user_id}/{epoch_us(t)}.jpg", s.user_id, s.session_id, t)
            day.media += 1
            t += timedelta(minutes=images_every_minutes)
        for k, at in enumerate((s.start + timedelta(seconds=30), s.end - timedelta(seconds=60))):
            add_audio(conn, f"audio/{s.user_id}/{k}.wav", s.user_id, s.session_id, at)
            day.media += 1
    return day
