"""Aggregate episode records into per-agent scores, exactly as protocol section 4 prescribes.

Source: Warrier et al. 2025, "Benchmarking World-Model Learning" (arXiv 2510.19788), and
``worldtest-protocol.md`` section 4. For each agent, in this order:

1. Records with the same resume key are one episode: the last ``ok`` record wins (a failed
   episode counts, with its recorded score of 0, only when no ``ok`` record replaced it).
2. Only the newest ``task_version`` of each task present in the records is kept, so every agent
   is scored on the same version of a task.
3. Episodes of the same task over several seeds are averaged: one score per task.
4. Per environment and family: the mean of that family's task scores in that environment (one
   task per family per environment in AutumnBench, so this is that task's score).
5. Per family: the mean over environments of (4). Per environment: the mean of the family
   scores present. Overall: the mean over environments of the per-environment scores.
   Deterministic / stochastic: the overall over only those environments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from statistics import fmean

from pydantic import BaseModel

from worldtest.results import EpisodeRecord

__all__ = [
    "FAMILIES",
    "AgentSummary",
    "agent_labels",
    "env_family_scores",
    "summarise",
    "summary_json",
]

FAMILIES: tuple[str, ...] = ("mfp", "planning", "cd")
"""The task families, in report order."""

# (env, family, task_id) -> list of episode scores
_TaskKey = tuple[str, str, str]


class AgentSummary(BaseModel):
    """One leaderboard row.

    Attributes:
        agent: the agent id (``"id@version"`` when the records hold several versions of it).
        agent_version: the agent's version.
        families: family -> mean over environments of that family's task score, in [0, 1];
            families without any record are absent.
        overall: mean over environments of the per-environment scores, in [0, 1].
        n_tasks: number of distinct tasks scored.
        deterministic, stochastic: ``overall`` over deterministic / stochastic environments
            only; ``None`` when the agent has no such environment.
        complete: ``False`` when other agents in the same records have tasks this one lacks.
        n_episodes: episodes counted (after de-duplication by key); ``n_failed``: of which failed.
        n_resets_mean: mean number of interaction-phase resets per episode.
        reset_share: resets / interaction-phase actions, over all episodes (0 when no actions).
        invalid_share: invalid actions / all actions (both phases), over all episodes.
    """

    agent: str
    agent_version: str
    families: dict[str, float]
    overall: float
    n_tasks: int
    deterministic: float | None
    stochastic: float | None
    complete: bool
    n_episodes: int
    n_failed: int
    n_resets_mean: float
    reset_share: float
    invalid_share: float


def _deduplicate(records: Iterable[EpisodeRecord]) -> list[EpisodeRecord]:
    """One record per key: the last ok one, else the last failed one; newest task versions."""
    chosen: dict[str, EpisodeRecord] = {}
    for record in records:
        previous = chosen.get(record.key)
        if previous is None or record.status == "ok" or previous.status == "failed":
            chosen[record.key] = record
    newest: dict[str, int] = {}
    for record in chosen.values():
        seen = newest.get(record.task_id, record.task_version)
        newest[record.task_id] = max(seen, record.task_version)
    return [r for r in chosen.values() if r.task_version == newest[r.task_id]]


def agent_labels(records: Iterable[EpisodeRecord]) -> dict[tuple[str, str], str]:
    """Map (agent id, agent version) to the row label used in reports.

    The label is the agent id, or ``"id@version"`` for an id present in several versions.
    """
    versions: dict[str, set[str]] = defaultdict(set)
    for record in records:
        versions[record.agent].add(record.agent_version)
    return {
        (agent, version): agent if len(vs) == 1 else f"{agent}@{version}"
        for agent, vs in versions.items()
        for version in vs
    }


def _task_scores(records: Sequence[EpisodeRecord]) -> dict[str, dict[_TaskKey, float]]:
    """label -> (env, family, task_id) -> mean score over that task's episodes (seeds)."""
    labels = agent_labels(records)
    scores: dict[str, dict[_TaskKey, list[float]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        label = labels[(record.agent, record.agent_version)]
        scores[label][(record.env, record.family, record.task_id)].append(record.score)
    return {label: {task: fmean(v) for task, v in tasks.items()} for label, tasks in scores.items()}


def env_family_scores(records: Sequence[EpisodeRecord]) -> dict[str, dict[str, dict[str, float]]]:
    """Per agent, per environment, per family: the family's task score in that environment.

    Args:
        records: episode records of any agents, environments and families.

    Returns:
        ``{label: {env: {family: score}}}`` with scores in [0, 1], after de-duplication and
        averaging over seeds (steps 1-4 of the module docstring). Labels as :func:`agent_labels`.
    """
    out: dict[str, dict[str, dict[str, float]]] = {}
    for label, tasks in _task_scores(_deduplicate(records)).items():
        grouped: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for (env, family, _task_id), score in tasks.items():
            grouped[env][family].append(score)
        out[label] = {
            env: {f: fmean(fams[f]) for f in FAMILIES if f in fams}
            for env, fams in sorted(grouped.items())
        }
    return out


def _overall(per_env: dict[str, dict[str, float]], envs: Iterable[str]) -> float | None:
    means = [fmean(per_env[env].values()) for env in envs]
    return fmean(means) if means else None


def summarise(records: Sequence[EpisodeRecord]) -> list[AgentSummary]:
    """Aggregate records into one :class:`AgentSummary` per agent (protocol section 4).

    Args:
        records: episode records, e.g. from :func:`worldtest.results.load_records`.

    Returns:
        The rows, best ``overall`` first (ties by agent label); ``[]`` for no records.
    """
    episodes = _deduplicate(records)
    labels = agent_labels(episodes)
    stochastic: dict[str, bool] = defaultdict(bool)
    by_label: dict[str, list[EpisodeRecord]] = defaultdict(list)
    for record in episodes:
        stochastic[record.env] |= record.stochastic
        by_label[labels[(record.agent, record.agent_version)]].append(record)
    tasks = _task_scores(episodes)
    per_env_all = env_family_scores(episodes)
    all_tasks = set().union(*(t.keys() for t in tasks.values())) if tasks else set()

    rows: list[AgentSummary] = []
    for label, own in by_label.items():
        per_env = per_env_all[label]
        families = {
            f: fmean(fams[f] for fams in per_env.values() if f in fams)
            for f in FAMILIES
            if any(f in fams for fams in per_env.values())
        }
        n_interaction = sum(len(r.interaction) for r in own)
        n_actions = n_interaction + sum(len(r.test) for r in own)
        n_resets = sum(r.n_resets for r in own)
        rows.append(
            AgentSummary(
                agent=label,
                agent_version=own[0].agent_version,
                families=families,
                overall=fmean(fmean(fams.values()) for fams in per_env.values()),
                n_tasks=len(tasks[label]),
                deterministic=_overall(per_env, [e for e in per_env if not stochastic[e]]),
                stochastic=_overall(per_env, [e for e in per_env if stochastic[e]]),
                complete=set(tasks[label]) >= all_tasks,
                n_episodes=len(own),
                n_failed=sum(r.status == "failed" for r in own),
                n_resets_mean=n_resets / len(own),
                reset_share=n_resets / n_interaction if n_interaction else 0.0,
                invalid_share=sum(r.n_invalid for r in own) / n_actions if n_actions else 0.0,
            )
        )
    rows.sort(key=lambda row: (-row.overall, row.agent))
    return rows


def summary_json(summaries: Iterable[AgentSummary]) -> list[dict]:
    """The machine-readable leaderboard: one dict per agent, in the order given.

    Returns:
        ``[{"agent": id, "families": {"mfp": x, "planning": y, "cd": z}, "overall": w,
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
