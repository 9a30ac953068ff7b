"""Bar charts as SVG geometry, drawn by the templates (no script, nothing inline to allow).

Both directions read naturally: in a right-to-left page the first bar of a series (the oldest week)
stands at the right and horizontal bars grow from the right, with their labels at the right.
Every chart is also given as a table for screen readers and exact values.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 220
AXIS = 24  # room for the labels under vertical bars
ROW = 28  # height of a horizontal bar's row
LABEL = 200  # room for a horizontal bar's label


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    # Where the value and the label are written.
    text_x: float
    text_y: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    anchor: str  # text-anchor for the labels: "start" or "end"
    value_anchor: str


def columns(items: list[tuple[str, int]], *, rtl: bool) -> Chart:
    """Vertical bars, one per item, in reading order."""
    count = max(1, len(items))
    slot = WIDTH / count
    top = max([value for _, value in items] + [1])
    bars = []
    for index, (label, value) in enumerate(items):
        position = count - 1 - index if rtl else index
        height = (HEIGHT - AXIS - 16) * value / top
        x = position * slot + slot * 0.15
        y = HEIGHT - AXIS - height
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(x, 1),
                y=round(y, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                text_x=round(x + slot * 0.35, 1),
                text_y=round(y - 4, 1),
                label_x=round(x + slot * 0.35, 1),
                label_y=HEIGHT - 6,
            )
        )
    return Chart(WIDTH, HEIGHT, bars, "middle", "middle")


def rows(items: list[tuple[str, int]], *, rtl: bool) -> Chart:
    """Horizontal bars growing from the start side, labels at the start."""
    top = max([value for _, value in items] + [1])
    room = WIDTH - LABEL - 48
    bars = []
    for index, (label, value) in enumerate(items):
        length = room * value / top
        y = index * ROW + 4
        if rtl:
            x = WIDTH - LABEL - length
            label_x, text_x = WIDTH - 4, x - 4
        else:
            x = LABEL
            label_x, text_x = 4, x + length + 4
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(x, 1),
                y=y,
                width=round(length, 1),
                height=ROW - 8,
                text_x=round(text_x, 1),
                text_y=y + ROW / 2 + 1,
                label_x=label_x,
                label_y=y + ROW / 2 + 1,
            )
        )
    return Chart(
        WIDTH,
        max(ROW, ROW * len(items) + 8),
        bars,
        "end" if rtl else "start",
        "end" if rtl else "start",
    )
