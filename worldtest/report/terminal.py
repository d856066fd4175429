"""The leaderboard as a rich table in the terminal, followed by the paper's reference rows."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from worldtest.report.aggregate import AgentSummary
from worldtest.report.reference import REFERENCE_NOTE, REFERENCE_ROWS

__all__ = ["fmt_score", "leaderboard_table", "reference_table", "print_leaderboard"]


def fmt_score(value: float | None) -> str:
    """Three decimals, or an em dash for a score that was not measured."""
    return "—" if value is None else f"{value:.3f}"


def leaderboard_table(summaries: Sequence[AgentSummary]) -> Table:
    """Build the leaderboard table: one row per agent, in the order given.

    Columns: agent, CD, MFP, planning, overall, det, stoch, tasks. An agent missing tasks that
    other agents ran is marked ``*`` in the tasks column and explained in the caption.
    """
    table = Table(title="worldtest leaderboard (mean task score in [0, 1])", title_justify="left")
    table.add_column("agent", style="bold")
    for name in ("CD", "MFP", "planning", "overall", "det", "stoch"):
        table.add_column(name, justify="right")
    table.add_column("tasks", justify="right")
    incomplete = False
    for s in summaries:
        incomplete |= not s.complete
        table.add_row(
            s.agent,
            fmt_score(s.families.get("cd")),
            fmt_score(s.families.get("mfp")),
            fmt_score(s.families.get("planning")),
            f"[bold]{fmt_score(s.overall)}[/bold]",
            fmt_score(s.deterministic),
            fmt_score(s.stochastic),
            f"{s.n_tasks}{'' if s.complete else '*'}",
        )
    captions = [
        "family = mean over environments; overall = mean over environments of the mean of "
        "their family scores; seeds averaged per task first"
    ]
    if incomplete:
        captions.append("* lacks tasks that other agents ran: not directly comparable")
    table.caption = "\n".join(captions)
    table.caption_justify = "left"
    return table


def reference_table() -> Table:
    """Build the table of the paper's reference rows, titled as not comparable."""
    table = Table(
        title=f"Reference rows from Warrier et al. 2025 ({REFERENCE_NOTE})",
        title_justify="left",
        style="dim",
    )
    table.add_column("reference")
    for name in ("CD", "MFP", "planning", "overall"):
        table.add_column(name, justify="right")
    for row in REFERENCE_ROWS:
        table.add_row(
            row.name, fmt_score(row.cd), fmt_score(row.mfp), fmt_score(row.planning),
            fmt_score(row.overall),
        )  # fmt: skip
    return table


def print_leaderboard(summaries: Sequence[AgentSummary], console: Console | None = None) -> None:
    """Print the leaderboard, then the reference rows in their own table.

    Args:
        summaries: rows from :func:`worldtest.report.aggregate.summarise`.
        console: where to print; a new stdout console when ``None``.
    """
    console = console or Console()
    if summaries:
        console.print(leaderboard_table(summaries))
    else:
        console.print("No episode records to report.")
    console.print()
    console.print(reference_table())
