"""Aggregate episode records into leaderboard rows with bootstrap intervals (protocol section 4).

Source: Warrier et al. 2025, "Benchmarking World-Model Learning" (arXiv 2510.19788), and
``worldtest-protocol.md`` section 4. Records are first grouped into rows
(:func:`worldtest.report.rows.group_rows`: de-duplication, merged runs, rows shown apart,
``human:NAME`` ids grouped into ``humans``). Then, per row:

1. Episodes of the same task (seeds; participants) are averaged: one score per task.
2. Per environment and family: the mean of that family's task scores in that environment (one
   task per family per environment in AutumnBench, so this is that task's score).
3. Per family: the mean over environments of (2). Per environment: the mean of the family
   scores present. Overall: the mean over environments of the per-environment scores.
   Deterministic / stochastic: the overall over only those environments.
4. Each of these six scores gets a two-stage percentile bootstrap interval
   (:mod:`worldtest.report.bootstrap`) and the number of tasks behind it.

A row that lacks a task of the benchmark's task set (every task id in the records, in its newest
version) is flagged with the missing task ids: its means are over fewer tasks and not directly
comparable, and reports say so instead of averaging silently.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from statistics import fmean

from pydantic import BaseModel

from worldtest.report.bootstrap import (
    BOOTSTRAP_SEED,
    N_RESAMPLES,
    bootstrap_interval,
    point_estimate,
)
from worldtest.report.rows import Row, group_rows, newest_tasks
from worldtest.results import EpisodeRecord, qualified_env, qualified_task

__all__ = [
    "COLUMNS",
    "COLUMN_TITLES",
    "FAMILIES",
    "AgentSummary",
    "Cell",
    "env_family_scores",
    "stochastic_envs",
    "summarise",
    "summary_json",
]

FAMILIES: tuple[str, ...] = ("mfp", "planning", "cd")
"""The task families, in report order."""

COLUMNS: tuple[str, ...] = ("cd", "mfp", "planning", "overall", "deterministic", "stochastic")
"""The leaderboard's score columns, in display order."""

COLUMN_TITLES: dict[str, str] = {
    "cd": "CD",
    "mfp": "MFP",
    "planning": "planning",
    "overall": "overall",
    "deterministic": "det",
    "stochastic": "stoch",
}
"""Column id -> header text."""


class Cell(BaseModel):
    """One leaderboard score with its uncertainty.

    Attributes:
        value: the score, in [0, 1].
        low, high: the bootstrap percentile interval (95% by default), in [0, 1].
        n_tasks: tasks behind the score; ``n_envs``: environments; ``n_episodes``: episodes.
    """

    value: float
    low: float
    high: float
    n_tasks: int
    n_envs: int
    n_episodes: int


class AgentSummary(BaseModel):
    """One leaderboard row.

    Attributes:
        agent: the row label (see :class:`worldtest.report.rows.Row`).
        name: the agent id, or ``humans``; ``agent_version``: its version.
        settings: the protocol settings shared by the row's episodes.
        members: agent ids merged into the row (the participants of ``humans``).
        cells: column id (:data:`COLUMNS`) -> :class:`Cell`; columns without data are absent.
        families: family -> score (``cells[f].value``); ``overall``: ``cells["overall"].value``.
        deterministic, stochastic: the overall over those environments, or ``None``.
        n_tasks: distinct tasks scored.
        missing: task ids of the benchmark's task set this row lacks (in their newest version).
        n_episodes: episodes counted (after de-duplication); ``n_failed``: of which failed.
        max_episodes_per_task: the most episodes (seeds, participants) behind one task.
    """

    agent: str
    name: str
    agent_version: str
    settings: dict
    members: list[str]
    cells: dict[str, Cell]
    families: dict[str, float]
    overall: float
    deterministic: float | None
    stochastic: float | None
    n_tasks: int
    missing: list[str]
    n_episodes: int
    n_failed: int
    max_episodes_per_task: int

    @property
    def complete(self) -> bool:
        """Whether the row has every task of the benchmark's task set."""
        return not self.missing


def stochastic_envs(records: Iterable[EpisodeRecord]) -> dict[str, bool]:
    """Environment -> whether any of its records says it is stochastic."""
    out: dict[str, bool] = defaultdict(bool)
    for record in records:
        out[qualified_env(record)] |= record.stochastic
    return dict(out)


def _tasks(row: Row) -> dict[str, dict[str, dict[str, list[float]]]]:
    """env -> family -> task id -> episode scores (sorted ascending, so the order is fixed)."""
    out: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for record in row.episodes:
        out[qualified_env(record)][record.family][record.task_id].append(record.score)
    return {
        env: {f: {t: sorted(s) for t, s in sorted(fams[f].items())} for f in FAMILIES if f in fams}
        for env, fams in sorted(out.items())
    }


def _cell(
    tasks: dict[str, dict[str, dict[str, list[float]]]],
    envs: Sequence[str],
    families: Sequence[str],
    seed: int,
    n_resamples: int,
) -> Cell | None:
    """The score over ``envs`` restricted to ``families``; None when nothing is left."""
    data = []
    for env in envs:
        groups = [list(tasks[env][f].values()) for f in families if f in tasks[env]]
        if groups:
            data.append(groups)
    if not data:
        return None
    low, high = bootstrap_interval(data, seed=seed, n_resamples=n_resamples)
    return Cell(
        value=point_estimate(data),
        low=low,
        high=high,
        n_tasks=sum(len(g) for env in data for g in env),
        n_envs=len(data),
        n_episodes=sum(len(t) for env in data for g in env for t in g),
    )


def _summary(
    row: Row, benchmark: dict[str, int], stochastic: dict[str, bool], seed: int, n_resamples: int
) -> AgentSummary:
    tasks = _tasks(row)
    envs = list(tasks)
    cells: dict[str, Cell] = {}
    for column in COLUMNS:
        if column in FAMILIES:
            cell = _cell(tasks, envs, [column], seed, n_resamples)
        else:
            chosen = [
                e for e in envs if column == "overall" or stochastic[e] == (column == "stochastic")
            ]
            cell = _cell(tasks, chosen, FAMILIES, seed, n_resamples)
        if cell is not None:
            cells[column] = cell
    have = {(qualified_task(r), r.task_version) for r in row.episodes}
    per_task: dict[str, int] = defaultdict(int)
    for record in row.episodes:
        per_task[qualified_task(record)] += 1
    return AgentSummary(
        agent=row.label,
        name=row.key.name,
        agent_version=row.key.agent_version,
        settings=row.episodes[0].settings,
        members=row.members,
        cells=cells,
        families={f: cells[f].value for f in FAMILIES if f in cells},
        overall=cells["overall"].value,
        deterministic=cells["deterministic"].value if "deterministic" in cells else None,
        stochastic=cells["stochastic"].value if "stochastic" in cells else None,
        n_tasks=len(per_task),
        missing=sorted(t for t, v in benchmark.items() if (t, v) not in have),
        n_episodes=len(row.episodes),
        n_failed=sum(r.status == "failed" for r in row.episodes),
        max_episodes_per_task=max(per_task.values()),
    )


def summarise(
    records: Sequence[EpisodeRecord],
    *,
    seed: int = BOOTSTRAP_SEED,
    n_resamples: int = N_RESAMPLES,
    group_humans: bool = True,
) -> list[AgentSummary]:
    """Aggregate records into one :class:`AgentSummary` per row (module docstring).

    Args:
        records: episode records, e.g. from :func:`worldtest.results.load_records`.
        seed: the bootstrap seed (each interval uses a fresh ``default_rng(seed)``).
        n_resamples: bootstrap replicates per interval.
        group_humans: one ``humans`` row for every ``human:NAME`` id (else one row each).

    Returns:
        The rows, best ``overall`` first (ties by label); ``[]`` for no records. Rows lacking
        tasks keep their place by score and carry :attr:`AgentSummary.missing`.
    """
    rows = group_rows(records, group_humans=group_humans)
    kept = [r for row in rows for r in row.episodes]
    benchmark, stochastic = newest_tasks(kept), stochastic_envs(kept)
    out = [_summary(row, benchmark, stochastic, seed, n_resamples) for row in rows]
    out.sort(key=lambda s: (-s.overall, s.agent))
    return out


def env_family_scores(
    records: Sequence[EpisodeRecord], *, group_humans: bool = True
) -> dict[str, dict[str, dict[str, float]]]:
    """Per row, per environment, per family: the family's task score in that environment.

    Returns:
        ``{label: {env: {family: score}}}`` with scores in [0, 1], episodes (seeds) of a task
        averaged first (steps 1-2 of the module docstring); labels as in :func:`summarise`.
    """
    out: dict[str, dict[str, dict[str, float]]] = {}
    for row in group_rows(records, group_humans=group_humans):
        out[row.label] = {
            env: {f: fmean(fmean(s) for s in ts.values()) for f, ts in fams.items()}
            for env, fams in _tasks(row).items()
        }
    return out


def summary_json(summaries: Iterable[AgentSummary]) -> list[dict]:
    """The machine-readable leaderboard: one dict per row, in the order given.

    Returns:
        ``[{"agent": label, "families": {"mfp": x, "planning": y, "cd": z}, "overall": w,
        "n_tasks": n}, ...]``; families that were not run are absent.
    """
    return [
        {
            "agent": s.agent,
            "families": {f: s.families[f] for f in FAMILIES if f in s.families},
            "overall": s.overall,
            "n_tasks": s.n_tasks,
        }
        for s in summaries
    ]
