"""Charts for the report, drawn with matplotlib as inline SVG (no scripts, works offline).

Every chart is drawn from the already suppressed export tables, so a suppressed cell cannot
reappear as a point or a bar.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display on servers
import matplotlib.pyplot as plt

plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: smaller, searchable
        "svg.hashsalt": "vaikuttavuus",  # stable element ids: the same data gives the same file
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)


@dataclass(frozen=True)
class Series:
    label: str
    x: Sequence
    y: Sequence[float | None]


@dataclass(frozen=True)
class Interval:
    label: str
    estimate: float
    low: float
    high: float
    note: str = ""


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def line_chart(series: list[Series], title: str, y_label: str, percent: bool = False) -> str:
    figure, axes = plt.subplots(figsize=(9, 3.8))
    for s in series:
        axes.plot(
            s.x, [float("nan") if v is None else v for v in s.y], marker="o", ms=3, label=s.label
        )
    axes.set_title(title, loc="left")
    axes.set_ylabel(y_label)
    if percent:
        axes.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    axes.grid(axis="y", alpha=0.3)
    figure.autofmt_xdate()
    return _svg(figure)


def stacked_bars(
    categories: list[str], stacks: dict[str, list[float]], title: str, x_label: str
) -> str:
    figure, axes = plt.subplots(figsize=(9, 0.45 * len(categories) + 1.2))
    left = [0.0] * len(categories)
    for label, values in stacks.items():
        axes.barh(categories, values, left=left, label=label)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_title(title, loc="left")
    axes.set_xlabel(x_label)
    axes.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axes.invert_yaxis()
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _svg(figure)


def forest_plot(intervals: list[Interval], baselines: list[float | None], title: str) -> str:
    """Rates with their 95 % intervals, each against its own baseline (a vertical tick)."""
    figure, axes = plt.subplots(figsize=(9, 0.42 * len(intervals) + 1.2))
    for row, (item, baseline) in enumerate(zip(intervals, baselines, strict=True)):
        axes.plot([item.low, item.high], [row, row], color="#1f4e79", lw=2)
        axes.plot(item.estimate, row, "s", color="#1f4e79", ms=6)
        if baseline is not None:
            axes.plot([baseline, baseline], [row - 0.35, row + 0.35], color="#c00000", lw=2)
    axes.set_yticks(range(len(intervals)), [f"{i.label} {i.note}".strip() for i in intervals])
    axes.invert_yaxis()
    axes.set_title(title, loc="left")
    axes.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure)
