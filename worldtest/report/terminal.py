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

__all__ = ["fmt_score", "leaderboard_table", "print_leaderboard", "reference_table"]


def _short(value: float) -> str:
    """Two decimals without the leading zero (``.25``), ``1`` for one: narrow interval ends."""
    text = f"{value:.2f}"
    return "1" if text == "1.00" else text.removeprefix("0")


def _cell(summary: AgentSummary, column: str) -> Text:
    """Score, then (dim) its interval ``.05–.40`` and ``n=`` tasks, on three lines."""
    cell = summary.cells.get(column)
    if cell is None:
        return Text("—")
    text = Text(fmt_score(cell.value), style="bold" if column == "overall" else "")
    text.append(f"\n{_short(cell.low)}–{_short(cell.high)}\nn={cell.n_tasks}", style="dim")
    return text


def leaderboard_table(
    summaries: Sequence[AgentSummary], *, title: str = "worldtest leaderboard", first: str = "agent"
) -> Table:
    """Build the leaderboard table: one row per agent, in the order given.

    Each score cell holds the score, and under it (dim) its 95% bootstrap interval (two
    decimals, leading zero dropped: ``.05–.40``) and the number of tasks behind it. A row
    lacking tasks of the benchmark is marked ``*`` in the tasks column and explained in the
    caption.
    """
    table = Table(
        title=f"{title} (mean task score in [0, 1])",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
    )
    table.add_column(first, style="bold", overflow="fold", min_width=8)
    for column in COLUMNS:
        table.add_column(COLUMN_TITLES[column], justify="right", min_width=7, no_wrap=True)
    table.add_column("tasks", justify="right", no_wrap=True)
    notes = []
    for s in summaries:
        if not s.complete:
            notes.append(f"* {s.agent}: {missing_note(s)}")
        table.add_row(
            Text(s.agent),
            *(_cell(s, c) for c in COLUMNS),
            f"{s.n_tasks}{'' if s.complete else '*'}",
        )
    if any(s.n_failed for s in summaries):
        failed = ", ".join(f"{s.agent}: {s.n_failed}" for s in summaries if s.n_failed)
        notes.append(f"failed episodes (scored 0): {failed}")
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
        console.print(leaderboard_table(summaries))
        console.print(Text(AGGREGATION_NOTE, style="dim"))
        console.print(Text(interval_sentence(seed, n_resamples), style="dim"))
    else:
        console.print("No episode records to report.")
    if humans:
        console.print()
        console.print(leaderboard_table(humans, title="Human participants", first="participant"))
    console.print()
    console.print(reference_table())
