"""`datalinker timeline USER -o timeline.png`: one user's sessions and chunks on a UTC axis (matplotlib).

Rows come from the SQL reader `datalinker.user_timeline`. Lanes, top to bottom: sessions (bars coloured
by link_status), one lane per data type (chunks coloured linked / unlinked), and "unplaced" (device-time
chunks without a UTC time, marked at their upload time and coloured by the reason they wait).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no screen needed

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

COLOURS = {
    # sessions by link_status
    "pending": "#bdbdbd", "processing": "#64b5f6", "completed": "#2e7d32", "failed": "#c62828",
    # chunks
    "linked": "#43a047", "unlinked": "#fb8c00",
    # unplaced chunks by reason
    "placeable": "#29b6f6", "session_running": "#90caf9", "waiting": "#ffa726", "ambiguous": "#8e24aa",
    "no_clock": "#e53935", "outside_sessions": "#757575",
}
MIN_WIDTH = timedelta(seconds=1)  # so a very short chunk still shows


def render(rows: Sequence[Mapping[str, Any]], user_id: str, path: Path) -> int:
    """Draw the rows into a PNG at path; returns how many elements (bars and markers) were drawn."""
    lanes: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for row in rows:
        lane = "sessions" if row["kind"] == "session" else \
            f"{row['category']}" if row["kind"] == "chunk" else "unplaced (at upload)"
        lanes[lane].append(row)
    order = ["sessions"] + sorted(k for k in lanes if k not in ("sessions", "unplaced (at upload)")) + \
        ["unplaced (at upload)"]
    order = [lane for lane in order if lane in lanes] or ["sessions"]
    fig, ax = plt.subplots(figsize=(14, 1.2 + 0.7 * len(order)))
    states: set[str] = set()
    for y, lane in enumerate(reversed(order)):
        by_state: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for row in lanes.get(lane, []):
            by_state[row["state"]].append(row)
        for state, items in sorted(by_state.items()):
            states.add(state)
            colour = COLOURS.get(state, "#000000")
            if lane.startswith("unplaced"):
                ax.scatter([mdates.date2num(r["start_time"]) for r in items], [y] * len(items), marker="|", s=200,
                           color=colour)
            else:
                ax.broken_barh([(mdates.date2num(r["start_time"]), width(r["start_time"], r["end_time"]))
                                for r in items], (y - 0.35, 0.7), facecolors=colour,
                               edgecolor="black" if lane == "sessions" else "none", linewidth=0.5)
    ax.set_yticks(range(len(order)), list(reversed(order)))
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m-%d %H:%M"))
    ax.set_xlabel("UTC")
    ax.set_title(f"datalinker timeline: user {user_id}")
    ax.legend(handles=[Patch(color=COLOURS.get(s, "#000000"), label=s) for s in sorted(states)],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    fig.autofmt_xdate()
    fig.tight_layout()
    # What the figure holds: a marker per scatter offset, a rectangle per path of a broken_barh collection.
    drawn = sum(len(c.get_offsets()) if isinstance(c, PathCollection) else len(c.get_paths()) for c in ax.collections)
    fig.savefig(path, format="png", dpi=100)
    plt.close(fig)
    return drawn


def width(start: datetime, end: datetime) -> float:
    """A bar's width in matplotlib date units (days), at least MIN_WIDTH."""
    return max(end - start, MIN_WIDTH) / timedelta(days=1)
