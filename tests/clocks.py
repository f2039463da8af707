"""Simulated device clocks for tests: drifting crystals, jittery sync packets, gross outliers, reboots.

A device's offset (device − UTC, µs) is piecewise linear in true time: each boot has its own start
offset (a reboot restarts the counter) and the crystal drifts at `ppm`. The device counts whole µs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction

from tests.reference import P, epoch_us


@dataclass
class Clock:
    boots: list[tuple[datetime, int]]  # (boot time, offset µs at that time), in time order
    ppm: float

    def offset(self, at: datetime, before_reboot: bool = False) -> Fraction:
        """Offset at `at`; with before_reboot, a reboot exactly at `at` has not happened yet."""
        running = [b for b in self.boots if b[0] < at or (b[0] == at and not before_reboot)]
        start, off0 = running[-1] if running else self.boots[0]
        return off0 + Fraction(self.ppm) / 1_000_000 * (epoch_us(at) - epoch_us(start))

    def tick(self, at: datetime, before_reboot: bool = False) -> int:
        """The counter at `at` (a chunk that ends at a reboot ends on the old counter: before_reboot)."""
        return int((epoch_us(at) + self.offset(at, before_reboot)) // 1) % P


@dataclass
class Sync:
    """Sync measurements every `every`, Gaussian jitter (µs SD) and a few gross outliers (µs)."""

    every: timedelta = timedelta(minutes=2)
    jitter_us: float = 300.0
    outliers: list[float] = field(default_factory=list)  # added to randomly chosen points

    def measurements(self, clock: Clock, start: datetime, end: datetime, rng: random.Random) -> list[dict[str, object]]:
        times = []
        t = start + timedelta(seconds=5)
        while t < end:
            times.append(t)
            t += self.every
        bad = dict(zip(rng.sample(range(len(times)), min(len(self.outliers), len(times))), self.outliers))
        out = []
        for i, at in enumerate(times):
            noise = rng.gauss(0, self.jitter_us) + bad.get(i, 0.0)
            out.append({"at": at.isoformat(), "offset_ms": round(float(clock.offset(at) + Fraction(noise)) / 1000, 6)})
        return out


def rebooting_clock(start: datetime, ppm: float, resets: list[tuple[timedelta, int]],
                    base_offset_us: int = -1_712_345_678_901_250) -> Clock:
    """A clock that reboots at start + each delay, its offset jumping by the given µs (forward or backward)."""
    boots = [(start - timedelta(hours=1), base_offset_us)]
    off = base_offset_us
    for delay, jump in resets:
        at = start + delay
        off = int(Clock(boots, ppm).offset(at)) + jump
        boots.append((at, off))
    return Clock(boots, ppm)
