"""Figures of a report as PNG bytes: per-environment heatmaps and per-family bar charts.

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

__all__ = ["bars_png", "heatmap_png"]

_DPI = 100
_CMAP = "viridis"


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def heatmap_png(rows: Sequence[str], envs: Sequence[str], scores: np.ndarray, title: str) -> bytes:
    """A heatmap of scores, rows x environments, with each cell's value written in it.

    Args:
        rows: row labels (agents), top to bottom.
        envs: environment names, left to right (a stochastic one may carry a marker).
        scores: float array, shape (len(rows), len(envs)), values in [0, 1]; NaN = not run
            (drawn light grey with a dash).
        title: the figure title.

    Returns:
        The PNG file's bytes.

    Raises:
        ValueError: ``scores`` does not have that shape.
    """
    scores = np.asarray(scores, dtype=float)
    if scores.shape != (len(rows), len(envs)):
        raise ValueError(f"expected scores of shape {(len(rows), len(envs))}, got {scores.shape}")
    width = min(2.0 + 0.5 * len(envs) + 0.07 * max(map(len, rows), default=0), 18.0)
    fig = Figure(figsize=(width, 1.2 + 0.42 * len(rows)))
    ax = fig.add_subplot()
    ax.set_facecolor("#e6e6e6")
    image = ax.imshow(
        np.ma.masked_invalid(scores),
        cmap=_CMAP,
        vmin=0.0,
        vmax=1.0,
        aspect="auto",
        interpolation="nearest",
    )
    ax.set_xticks(range(len(envs)), labels=list(envs), rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), labels=list(rows), fontsize=8)
    if len(envs) <= 30:
        for (i, j), value in np.ndenumerate(scores):
            text = "–" if math.isnan(value) else f"{value:.2f}"
            dark = not math.isnan(value) and value < 0.6
            ax.text(
                j, i, text, ha="center", va="center", fontsize=7, color="white" if dark else "black"
            )
    ax.set_title(title, fontsize=10, loc="left")
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02).ax.tick_params(labelsize=7)
    fig.tight_layout()
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
