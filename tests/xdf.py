"""Real LabRecorder recordings (shared/data/xdf, read with pyxdf) mapped onto datalinker (DESIGN §2).

The mapping is the one in shared/data/xdf/README.md: the LSL sender is the device, the recorder's clock
is UTC (UTC = E + recorder time), each stream is one user with one session whose clock_offset_info holds
the stream's measured ClockOffsets, and the device's 32-bit counter wraps inside the recording. The
truth of a chunk is pyxdf's synchronised time of its first and last sample
(`synchronize_clocks=True, handle_clock_resets=True, dejitter_timestamps=False`).

Chunks are ~1 s groups of consecutive samples (in time order): [first sample of the group, first sample
of the next group) while the stream is continuous; a group followed by a pause longer than 2 s (a sparse
marker stream) ends 1 s after its first sample. Samples stamped more than an hour from every clock
measurement (markers ~10^6 s off; a marker stream stamped in another clock altogether) are stray: uploaded
like the rest, never to be linked; the session covers the others (all of them when all are stray).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.reference import P, epoch_us

XDF_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "xdf"
FILES = ("hrv-session1", "hrv-4sessions", "emg-three-motion6")
E = datetime(2026, 1, 1, tzinfo=timezone.utc)  # UTC = E + recorder time
E_US = epoch_us(E)
GROUP_S = 1.0
PAUSE_S = 2.0
STRAY_S = 3600.0  # samples further than this from every clock measurement are stray


def utc(recorder_s: float) -> datetime:
    return E + timedelta(microseconds=round(recorder_s * 1e6))


@dataclass
class Chunk:
    object_id: str
    start_tick: int
    end_tick: int
    received_at: datetime
    true_start: datetime
    true_end: datetime
    stray: bool  # a sample of it lies far from the bulk (bad time stamp): it must never link


@dataclass
class Stream:
    name: str  # file/stream, the user id and the session id
    data_type: str  # the stream's LSL type, lower case (ecg, eeg, markers)
    start: datetime
    end: datetime
    measurements: list[dict[str, Any]]
    chunks: list[Chunk] = field(default_factory=list)


def map_stream(file: str, raw: dict[str, Any], synced: dict[str, Any]) -> Stream | None:
    """One pyxdf stream (raw and synchronised) as a datalinker user, session and chunks; None without data."""
    ts = [float(t) for t in raw["time_stamps"]]
    sync = [float(t) for t in synced["time_stamps"]]
    if len(ts) < 2 or not raw["clock_times"]:
        return None
    order = sorted(range(len(ts)), key=lambda i: ts[i])
    clock_lo, clock_hi = min(raw["clock_times"]) - STRAY_S, max(raw["clock_times"]) + STRAY_S
    good = [i for i in order if clock_lo <= ts[i] <= clock_hi] or order
    lo, hi = ts[good[0]], ts[good[-1]]
    counter_base = (-round((lo + hi) / 2 * 1e6)) % P  # C: the counter wraps in the middle of the recording

    def tick(sender_s: float) -> int:
        return (round(sender_s * 1e6) + counter_base) % P

    name = f"{file}/{raw['info']['name'][0]}"
    measurements = [
        {"at": (utc(ct + v)).isoformat().replace("+00:00", "Z"),
         "offset_ms": float((Decimal(counter_base - E_US) / 1000 - Decimal(repr(float(v))) * 1000).quantize(Decimal("1e-6")))}
        for ct, v in zip(raw["clock_times"], raw["clock_values"])]
    first_sync, last_sync = min(sync[i] for i in good), max(sync[i] for i in good)
    stream = Stream(name, str(raw["info"]["type"][0]).lower(), utc(first_sync - 1), utc(last_sync + 1), measurements)
    groups: list[list[int]] = []
    for i in order:
        if not groups or ts[i] - ts[groups[-1][0]] >= GROUP_S:
            groups.append([])
        groups[-1].append(i)
    for k, group in enumerate(groups):
        i = group[0]
        nxt = groups[k + 1][0] if k + 1 < len(groups) else None
        if nxt is not None and ts[nxt] - ts[i] <= PAUSE_S:
            end_s, true_end = ts[nxt], sync[nxt]
            members = [i, nxt]
        elif len(group) > 1:
            end_s, true_end = ts[group[-1]], sync[group[-1]]
            members = [i, group[-1]]
        else:  # a lone sample (a marker): a 1-s chunk
            end_s, true_end = ts[i] + 1.0, sync[i] + 1.0
            members = [i]
        stray = any(not clock_lo <= ts[m] <= clock_hi for m in members)
        stream.chunks.append(Chunk(f"{name}/{k:05d}", tick(ts[i]), tick(end_s), utc(true_end + 0.5),
                                   utc(sync[i]), utc(true_end), stray))
    return stream


def load(file: str) -> list[Stream]:
    import pyxdf  # test dependency

    path = XDF_DIR / f"{file}.xdf"
    raw, _ = pyxdf.load_xdf(str(path), synchronize_clocks=False, dejitter_timestamps=False)
    synced, _ = pyxdf.load_xdf(str(path), synchronize_clocks=True, handle_clock_resets=True, dejitter_timestamps=False)
    streams = [map_stream(file, r, s) for r, s in zip(raw, synced)]
    return [s for s in streams if s is not None]
