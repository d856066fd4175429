"""Two runs side by side (``worldtest report A B --compare``): per row and family, the score in
each run, the difference B - A and a paired bootstrap interval of that difference.

Rows are matched by their label (:mod:`worldtest.report.rows`: the agent id, plus what differs
when one run holds several configurations of an agent). For a row in both runs and a column
(CD, MFP, planning, overall), the environments are those that have the column's data in both
runs; an environment's value is its family score (seeds averaged first,
:func:`worldtest.report.aggregate.env_family_scores`), or for ``overall`` the mean of the
families present in both runs. Each run's score is the mean over those paired environments (so
it can differ from that run's own leaderboard when the runs cover different environments), the
difference is the mean of the per-environment differences, and its interval is a paired
percentile bootstrap over environments: ``idx = default_rng(seed).integers(0, n, size=(R, n))``,
each replicate's statistic the mean of the drawn environments' differences, the interval
``np.percentile(stats, [2.5, 97.5])`` (protocol section 4 asks for intervals over
environments; pairing removes the between-environment spread both runs share). Seeds within an
environment are averaged, not redrawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from worldtest.report.aggregate import FAMILIES, env_family_scores
from worldtest.report.bootstrap import BOOTSTRAP_SEED, CONFIDENCE, N_RESAMPLES
from worldtest.results import EpisodeRecord

__all__ = [
    "COMPARE_COLUMNS",
    "Comparison",
    "compare_runs",
    "comparison_table",
    "paired_interval",
    "print_comparison",
]

COMPARE_COLUMNS: tuple[str, ...] = ("cd", "mfp", "planning", "overall")
"""The columns compared, in display order."""

_TITLES = {"cd": "CD", "mfp": "MFP", "planning": "planning", "overall": "overall"}


@dataclass(frozen=True)
class Comparison:
    """One row and column of the comparison.

    Attributes:
        label: the row label (agent id ...); ``column``: ``cd``, ``mfp``, ``planning`` or
            ``overall``.
        a, b: the mean score of each run over the paired environments, in [0, 1].
        diff: ``b - a``; ``low``, ``high``: its paired bootstrap interval, in [-1, 1].
        n_envs: environments paired.
    """

    label: str
    column: str
    a: float
    b: float
    diff: float
    low: float
    high: float
    n_envs: int


def paired_interval(
    diffs: Sequence[float], *, seed: int = BOOTSTRAP_SEED, n_resamples: int = N_RESAMPLES
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of per-environment differences.

    Args:
        diffs: one difference per environment (at least one), in a fixed order.
        seed: seed of the fresh ``numpy.random.default_rng``.
        n_resamples: bootstrap replicates, at least 1.

    Returns:
        ``(low, high)``, the 2.5th and 97.5th percentiles for the 95% level.

    Raises:
        ValueError: no differences, or ``n_resamples < 1``.
    """
    values = np.asarray(diffs, dtype=float)
    if values.size == 0:
        raise ValueError("expected at least one paired environment, got none")
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be >= 1, got {n_resamples}")
    idx = np.random.default_rng(seed).integers(0, len(values), size=(n_resamples, len(values)))
    tail = (1.0 - CONFIDENCE) / 2.0 * 100.0
    low, high = np.percentile(values[idx].mean(axis=1), [tail, 100.0 - tail])
    return float(low), float(high)


def _env_values(per_env: dict[str, dict[str, float]], column: str,
                families: dict[str, set[str]]) -> dict[str, float]:
    """env -> the column's value; for overall, the mean over the families both runs have."""
    out = {}
    for env, scores in per_env.items():
        if column == "overall":
            shared = [scores[f] for f in FAMILIES if f in scores and f in families[env]]
            if shared:
                out[env] = float(np.mean(shared))
        elif column in scores:
            out[env] = scores[column]
    return out


def compare_runs(
    a: Sequence[EpisodeRecord],
    b: Sequence[EpisodeRecord],
    *,
    seed: int = BOOTSTRAP_SEED,
    n_resamples: int = N_RESAMPLES,
) -> tuple[list[Comparison], list[str], list[str]]:
    """Compare two runs (module docstring).

    Args:
        a, b: the records of each run.
        seed, n_resamples: the bootstrap's settings.

    Returns:
        ``(comparisons, only_a, only_b)``: one :class:`Comparison` per row label in both runs
        and column with paired environments (labels sorted, columns in
        :data:`COMPARE_COLUMNS` order), then the labels found in only one run.
    """
    scores_a, scores_b = env_family_scores(a), env_family_scores(b)
    out = []
    for label in sorted(set(scores_a) & set(scores_b)):
        ea, eb = scores_a[label], scores_b[label]
        both = {env: set(eb[env]) for env in ea if env in eb}
        for column in COMPARE_COLUMNS:
            va = _env_values({e: ea[e] for e in both}, column, both)
            vb = _env_values({e: eb[e] for e in both}, column, {e: set(ea[e]) for e in both})
            envs = sorted(set(va) & set(vb))
            if not envs:
                continue
            diffs = [vb[e] - va[e] for e in envs]
            low, high = paired_interval(diffs, seed=seed, n_resamples=n_resamples)
            out.append(Comparison(label, column, float(np.mean([va[e] for e in envs])),
                                  float(np.mean([vb[e] for e in envs])), float(np.mean(diffs)),
                                  low, high, len(envs)))
    return out, sorted(set(scores_a) - set(scores_b)), sorted(set(scores_b) - set(scores_a))


def comparison_table(comparisons: Sequence[Comparison], name_a: str, name_b: str) -> Table:
    """The comparison as a rich table (fits 100 columns): agent, column, A, B, B - A and its
    95% interval (two decimals, signed), paired environments."""
    table = Table(title=f"A = {name_a}\nB = {name_b}", title_justify="left",
                  box=box.SIMPLE_HEAD, padding=(0, 1))
    table.add_column("agent", style="bold", no_wrap=True, max_width=28, overflow="ellipsis")
    table.add_column("score", no_wrap=True)
    for header in ("A", "B", "B - A"):
        table.add_column(header, justify="right", no_wrap=True)
    table.add_column(f"{CONFIDENCE:.0%} interval", justify="right", no_wrap=True)
    table.add_column("envs", justify="right", no_wrap=True)
    previous = None
    for c in comparisons:
        shown = Text(c.label if c.label != previous else "")
        previous = c.label
        table.add_row(shown, _TITLES[c.column], f"{c.a:.3f}", f"{c.b:.3f}", f"{c.diff:+.3f}",
                      f"{c.low:+.2f} to {c.high:+.2f}", str(c.n_envs))
    return table


def print_comparison(
    comparisons: Sequence[Comparison],
    only_a: Sequence[str],
    only_b: Sequence[str],
    name_a: str,
    name_b: str,
    console: Console,
    *,
    seed: int = BOOTSTRAP_SEED,
    n_resamples: int = N_RESAMPLES,
) -> None:
    """Print the comparison table, the rows found in one run only, and what the interval is."""
    if comparisons:
        console.print(comparison_table(comparisons, name_a, name_b))
    else:
        console.print("No agent is in both runs: nothing to compare.")
    for which, labels in (("A", only_a), ("B", only_b)):
        if labels:
            console.print(Text(f"only in {which}: {', '.join(labels)}", style="yellow"))
    console.print(Text(
        "Scores are over the environments both runs have (seeds averaged first). The interval "
        f"is a paired {CONFIDENCE:.0%} percentile bootstrap of B - A over those environments "
        f"({n_resamples} resamples, numpy default_rng seed {seed}); an interval that excludes "
        "0 says the runs differ beyond what another draw of environments like these explains.",
        style="dim"))
