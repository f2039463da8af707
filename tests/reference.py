"""An independent pure-Python transcription of DESIGN §2, for property tests of the SQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

P = 2**32
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def epoch_us(ts: datetime) -> int:
    delta = ts - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_epoch_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def offset_us(offset_ms: float | Decimal | str) -> int:
    """round(offset_ms * 1000), ties away from zero, from the shortest exact decimal of a float."""
    exact = Decimal(repr(offset_ms)) if isinstance(offset_ms, float) else Decimal(offset_ms)
    return int((exact * 1000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def device_to_utc_us(device_us: int, session_start_us: int, off_us: int, received_us: int | None, skew_us: int) -> int:
    """DESIGN §2 line by line (Python's % is already non-negative for a positive modulus)."""
    base = (session_start_us + off_us) % P
    k0 = (device_us - base) % P
    n = 0 if received_us is None else (received_us + skew_us - session_start_us - k0) // P
    return session_start_us + k0 + n * P


def device_tick(true_utc: datetime, off_us: int) -> int:
    """What a device whose clock reads UTC + off_us shows at `true_utc` (low 32 bits)."""
    return (epoch_us(true_utc) + off_us) % P
