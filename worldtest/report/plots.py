"""Figures of a report as PNG bytes: per-agent environment heatmaps and per-family bar charts.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display, no global backend
switch), so reports render headless and the figures are the same on every run.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["bars_png", "env_heatmap_png"]

_DPI = 100
_CMAP = "viridis"


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def env_heatmap_png(
    envs: Sequence[str], columns: Sequence[str], scores: np.ndarray, title: str
) -> bytes:
    """One agent's scores as a tall heatmap: one row per environment, one column per family
    (and the mean), each cell's value written in it, labels at 10 points, read at a glance.

    Args:
        envs: row labels, top to bottom (a stochastic environment may carry a marker).
        columns: column labels, left to right (``CD``, ``MFP``, ``planning``, ``mean``).
        scores: float array, shape (len(envs), len(columns)), values in [0, 1]; NaN = not run
            (drawn light grey with a dash).
        title: the figure title (the agent), drawn above the columns.

    Returns:
        The PNG file's bytes (at 100 dpi: about 26 pixels per row, 64 per column).

    Raises:
        ValueError: ``scores`` does not have that shape.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.shape != (len(envs), len(columns)):
        raise ValueError(f"expected scores of shape {(len(envs), len(columns))}, got {scores.shape}")
    label_in = 0.09 * max(map(len, envs), default=4)
    fig = Figure(figsize=(0.5 + label_in + 0.64 * len(columns), 1.05 + 0.26 * len(envs)))
    ax = fig.add_subplot()
    ax.set_facecolor("#e6e6e6")
    ax.imshow(np.ma.masked_invalid(scores), cmap=_CMAP, vmin=0.0, vmax=1.0, aspect="auto",
              interpolation="nearest")
    ax.set_xticks(range(len(columns)), labels=list(columns), fontsize=10)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(envs)), labels=list(envs), fontsize=10)
    ax.tick_params(length=0)
    ax.set_xticks(np.arange(-0.5, len(columns)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(envs)), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.2)
    ax.tick_params(which="minor", length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    for (i, j), value in np.ndenumerate(scores):
        text = "–" if math.isnan(value) else f"{value:.2f}"
        dark = not math.isnan(value) and value < 0.6
        ax.text(j, i, text, ha="center", va="center", fontsize=9,
                color="white" if dark else "black")
    ax.set_title(title, fontsize=11, loc="left", fontweight="bold")
    fig.tight_layout(pad=0.4)
    return _png(fig)


def bars_png(
    rows: Sequence[str],
    values: Sequence[float | None],
    intervals: Sequence[tuple[float, float] | None],
    title: str,
) -> bytes:
    """Horizontal bars of one score per row, with the bootstrap interval as error bars.

    Args:
        rows: row labels, top to bottom.
        values: the scores in [0, 1]; None = not run (no bar, "not run" written).
        intervals: ``(low, high)`` per row, or None (no error bar).
        title: the figure title.

    Returns:
        The PNG file's bytes.

    Raises:
        ValueError: the three sequences differ in length.
    """
    if not len(rows) == len(values) == len(intervals):
        raise ValueError(
            f"expected as many values and intervals as rows ({len(rows)}), "
            f"got {len(values)} and {len(intervals)}"
        )
    fig = Figure(figsize=(5.2, 0.9 + 0.38 * len(rows)))
    ax = fig.add_subplot()
    ys = np.arange(len(rows))
    for y, value, interval in zip(ys, values, intervals, strict=True):
        if value is None:
            ax.text(0.01, y, "not run", va="center", fontsize=7, color="#777777")
            continue
        ax.barh(y, value, color="#3b6ea8", height=0.6)
        if interval is not None:
            err = [[max(value - interval[0], 0.0)], [max(interval[1] - value, 0.0)]]
            ax.errorbar(value, y, xerr=err, fmt="none", ecolor="black", capsize=3, lw=1)
        right = max(value, interval[1]) if interval is not None else value
        ax.text(min(right, 1.0) + 0.02, y, f"{value:.2f}", fontsize=7, va="center")
    ax.set_yticks(ys, labels=list(rows), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.12)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#dddddd", lw=0.5)
    ax.set_axisbelow(True)
    ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    return _png(fig)
