"""The leaderboard as rich tables in the terminal, followed by the paper's reference rows."""

from __future__ import annotations

from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from worldtest.report.aggregate import COLUMN_TITLES, COLUMNS, AgentSummary
from worldtest.report.bootstrap import BOOTSTRAP_SEED, N_RESAMPLES, interval_sentence
from worldtest.report.reference import REFERENCE_NOTE, REFERENCE_ROWS, caveat_lines
from worldtest.report.text import AGGREGATION_NOTE, fmt_score, missing_note

__all__ = ["WIDTH", "fmt_interval", "fmt_score", "leaderboard_table", "print_leaderboard",
           "reference_table"]


WIDTH = 100
"""Columns the leaderboard is laid out for: it fits them whatever the agent names."""

_SCORE_WIDTH = 9  # "0.05–0.40": the widest line of a score cell
_MIN_AGENT = 12  # the agent column never gets narrower than this


def fmt_interval(low: float, high: float) -> str:
    """An interval's ends with two decimals each, always the same width: ``0.05–0.40``,
    ``1.00–1.00``."""
    return f"{low:.2f}–{high:.2f}"


def _cell(summary: AgentSummary, column: str) -> Text:
    """Score, then (dim) its interval ``0.05–0.40`` and ``n=`` tasks, on three lines."""
    cell = summary.cells.get(column)
    if cell is None:
        return Text("—")
    text = Text(fmt_score(cell.value), style="bold" if column == "overall" else "")
    text.append(f"\n{fmt_interval(cell.low, cell.high)}\nn={cell.n_tasks}", style="dim")
    return text


def _fit(label: str, width: int) -> str:
    """``label`` cut to ``width`` characters with an ellipsis (names are never wrapped)."""
    return label if len(label) <= width else label[: width - 1] + "…"


def leaderboard_table(
    summaries: Sequence[AgentSummary],
    *,
    title: str = "worldtest leaderboard",
    first: str = "agent",
    width: int = WIDTH,
) -> Table:
    """Build the leaderboard table: one row per agent, in the order given.

    Each score cell holds the score, and under it (dim) its 95% bootstrap interval (two
    decimals at both ends: ``0.05–0.40``, ``1.00–1.00``) and the number of tasks behind it. A
    row lacking tasks of the benchmark is marked ``*`` in the tasks column and explained in the
    caption. The table fits ``width`` columns: an agent name too long for what the score
    columns leave is shown on one line, cut with ``…``, and written in full in the caption;
    below about 95 columns the det and stoch columns are left out (the caption says so).
    """
    tasks_width = max([5, *(len(f"{s.n_tasks}*") for s in summaries)])

    def room_left(columns: Sequence[str]) -> int:
        # Each column takes its width, 2 of padding and 1 separator; one more separator closes.
        n = len(columns) + 2
        return width - (3 * n + 1) - _SCORE_WIDTH * len(columns) - tasks_width

    columns = list(COLUMNS)
    if room_left(columns) < _MIN_AGENT:
        columns = [c for c in COLUMNS if c not in ("deterministic", "stochastic")]
    room = max(room_left(columns), _MIN_AGENT)
    table = Table(
        title=f"{title} (mean task score in [0, 1])",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    table.add_column(first, style="bold", no_wrap=True, max_width=room)
    for column in columns:
        table.add_column(COLUMN_TITLES[column], justify="right", width=_SCORE_WIDTH, no_wrap=True)
    table.add_column("tasks", justify="right", no_wrap=True, width=tasks_width)
    notes = []
    for s in summaries:
        if not s.complete:
            notes.append(f"* {s.agent}: {missing_note(s)}")
        if len(s.agent) > room:
            notes.append(f"{_fit(s.agent, room)} = {s.agent}")
        table.add_row(
            Text(_fit(s.agent, room)),
            *(_cell(s, c) for c in columns),
            f"{s.n_tasks}{'' if s.complete else '*'}",
        )
    if any(s.n_failed for s in summaries):
        failed = ", ".join(f"{s.agent}: {s.n_failed}" for s in summaries if s.n_failed)
        notes.append(f"failed episodes (scored 0): {failed}")
    if len(columns) < len(COLUMNS):
        notes.append(f"det and stoch left out to fit {width} columns (wider shows them)")
    table.caption = Text("\n".join(notes)) if notes else None
    table.caption_justify = "left"
    return table


def reference_table() -> Table:
    """Build the table of the paper's reference rows, titled as not comparable."""
    table = Table(
        title=f"Reference rows from Warrier et al., ICML 2026, arXiv 2510.19788v4 "
        f"({REFERENCE_NOTE})",
        title_justify="left",
        caption="\n".join(["mean over the paper's 43 environments; not part of the ranking "
                           "above", *caveat_lines()]),
        caption_justify="left",
        style="dim",
    )
    table.add_column("reference")
    for name in ("CD", "MFP", "planning", "overall"):
        table.add_column(name, justify="right")
    for row in REFERENCE_ROWS:
        table.add_row(
            Text(row.name),
            fmt_score(row.cd),
            fmt_score(row.mfp),
            fmt_score(row.planning),
            fmt_score(row.overall),
        )
    return table


def print_leaderboard(
    summaries: Sequence[AgentSummary],
    console: Console | None = None,
    *,
    humans: Sequence[AgentSummary] = (),
    seed: int = BOOTSTRAP_SEED,
    n_resamples: int = N_RESAMPLES,
) -> None:
    """Print the leaderboard, what its numbers mean, then the reference rows in their own table.

    Args:
        summaries: rows from :func:`worldtest.report.aggregate.summarise`.
        console: where to print; a new stdout console when ``None``.
        humans: individual human participants to list after the leaderboard (may be empty).
        seed, n_resamples: the bootstrap settings the intervals were computed with.
    """
    console = console or Console()
    if summaries:
        console.print(leaderboard_table(summaries, width=console.width))
        console.print(Text(AGGREGATION_NOTE, style="dim"))
        console.print(Text(interval_sentence(seed, n_resamples), style="dim"))
    else:
        console.print("No episode records to report.")
    if humans:
        console.print()
        console.print(leaderboard_table(humans, title="Human participants", first="participant",
                                        width=console.width))
    console.print()
    console.print(reference_table())
