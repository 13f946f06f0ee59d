"""The agenda's time grid: which rows a session covers, side-by-side lanes for overlaps, the free slots.

Rows are half-hours from 8 h (row 1) to 20 h (row 24), in Paris wall-clock time (a day of a clock change keeps
its 8 h–20 h rows). The template turns rows into CSS classes (`slot-r4 span-3`, static/css/agenda.css): no inline
style, no script. A session outside the hours is pinned to the nearest edge and keeps its real times as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

FIRST_HOUR = 8
LAST_HOUR = 20
SLOT_MINUTES = 30
ROWS = (LAST_HOUR - FIRST_HOUR) * 60 // SLOT_MINUTES  # 24
MAX_LANES = 4
DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def rows_of(start: datetime, minutes: int) -> tuple[int, int]:
    """(first row, number of rows) of a session starting at START (local time) and lasting MINUTES:
    9 h 30 for 90 minutes → (4, 3), rows 4 to 6."""
    offset = start.hour * 60 + start.minute - FIRST_HOUR * 60
    first = min(max(offset // SLOT_MINUTES, 0), ROWS - 1)
    last = -(-(offset + minutes) // SLOT_MINUTES)  # ceiling
    last = min(max(last, first + 1), ROWS)
    return first + 1, last - first


def slot_time(day: date, row: int) -> time:
    minutes = FIRST_HOUR * 60 + (row - 1) * SLOT_MINUTES
    return time(minutes // 60, minutes % 60)


@dataclass
class Placed:
    item: object
    row: int
    span: int
    lane: int = 1
    # Alone in its group of overlaps: the session takes the column's whole width.
    alone: bool = True

    @property
    def last_row(self) -> int:
        return self.row + self.span - 1


@dataclass
class Column:
    day: date
    placed: list[Placed] = field(default_factory=list)
    lanes: int = 1
    free_rows: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return DAY_NAMES[self.day.weekday()]


def column(day: date, items: list[tuple[object, datetime, int]]) -> Column:
    """Lays out one day's ITEMS, (object, local start, minutes), sorted by start: overlapping ones share the
    width in lanes (a group of overlaps takes as many lanes as it needs, up to MAX_LANES), and every row no
    item covers is free."""
    col = Column(day=day)
    group: list[Placed] = []
    group_end = 0
    for obj, start, minutes in sorted(items, key=lambda t: t[1]):
        row, span = rows_of(start, minutes)
        placed = Placed(obj, row, span)
        if group and row > group_end:
            _close(group, col)
            group = []
        busy = {p.lane for p in group if p.last_row >= row}
        placed.lane = next((lane for lane in range(1, MAX_LANES + 1) if lane not in busy), MAX_LANES)
        group.append(placed)
        group_end = max(group_end, placed.last_row)
        col.placed.append(placed)
    _close(group, col)
    covered = {r for p in col.placed for r in range(p.row, p.last_row + 1)}
    col.free_rows = [r for r in range(1, ROWS + 1) if r not in covered]
    return col


def _close(group: list[Placed], col: Column) -> None:
    if group:
        lanes = max(p.lane for p in group)
        col.lanes = max(col.lanes, lanes)
        for placed in group:
            placed.alone = lanes == 1


def parse_week(value: str) -> date | None:
    """The Monday of « 2026-W11 » (ISO week), or None."""
    match = WEEK_PATTERN.match(value or "")
    if not match:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
