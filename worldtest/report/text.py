"""Wording and number formats shared by the terminal, Markdown and HTML renderings."""

from __future__ import annotations

from worldtest.report.aggregate import AgentSummary, Cell

__all__ = [
    "AGGREGATION_NOTE",
    "fmt_cell_detail",
    "fmt_int",
    "fmt_money",
    "fmt_ratio",
    "fmt_score",
    "missing_note",
    "rows_apart_note",
]

AGGREGATION_NOTE = (
    "Scores are in [0, 1]. Episodes of the same task over several seeds (or human "
    "participants) are averaged first; a family's score is the mean over environments of that "
    "family's task score; an environment's score is the mean of its family scores; overall is "
    "the mean over environments of the environment scores (protocol section 4). det / stoch: "
    "overall over deterministic / stochastic environments only."
)
"""The sentence every report prints about how scores aggregate."""


def fmt_score(value: float | None) -> str:
    """Three decimals, or an em dash for a score that was not measured."""
    return "—" if value is None else f"{value:.3f}"


def fmt_ratio(value: float | None, digits: int = 2) -> str:
    """A ratio or mean with ``digits`` decimals, or an em dash."""
    return "—" if value is None else f"{value:.{digits}f}"


def fmt_int(value: float | None) -> str:
    """A count with thousands separators, or an em dash."""
    return "—" if value is None else f"{round(value):,}"


def fmt_money(value: float | None) -> str:
    """US dollars with 2 decimals (4 below one dollar), or an em dash."""
    if value is None:
        return "—"
    return f"${value:,.2f}" if value >= 1 else f"${value:.4f}"


def fmt_cell_detail(cell: Cell | None) -> str:
    """The interval and task count of a cell: ``[0.167, 0.500] n=6``; empty when None."""
    if cell is None:
        return ""
    return f"[{cell.low:.3f}, {cell.high:.3f}] n={cell.n_tasks}"


def missing_note(summary: AgentSummary, limit: int = 6) -> str:
    """``lacks 2 of the benchmark's tasks: ice/cd, lamp/mfp``; empty for a complete row."""
    if summary.complete:
        return ""
    shown = ", ".join(summary.missing[:limit])
    more = f" and {len(summary.missing) - limit} more" if len(summary.missing) > limit else ""
    return (
        f"lacks {len(summary.missing)} of the benchmark's tasks ({shown}{more}); its scores "
        f"average over fewer tasks and are not directly comparable"
    )


def rows_apart_note() -> str:
    """What merges into one row and what is shown apart."""
    return (
        "Runs of the same agent with different seeds or dates are merged into one row; runs "
        "with a different agent version, protocol settings, major worldtest version or an "
        "older task version are separate rows, labelled with what differs. Every human "
        "participant (agent id human:NAME) counts in the humans row."
    )
