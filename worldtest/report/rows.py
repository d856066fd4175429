"""Which records form one leaderboard row: de-duplication, merging, and rows shown apart.

Source: protocol section 4 (Warrier et al. 2025, arXiv 2510.19788) asks for one row per agent;
this module decides what "the same agent" means, so that rows never mix runs that are not
comparable.

- **De-duplication.** Records with the same resume key (and major worldtest version) are one
  episode: the last ``ok`` record wins; a failed one counts (with its recorded score 0) only
  when no ``ok`` record replaced it.
- **Merged into one row**: records of the same agent that differ only in seed, date or file
  (several runs of the same configuration). Every ``human:NAME`` agent id belongs to one
  ``humans`` row (protocol section 4 compares a human group with each model); its members are
  kept in :attr:`Row.members` so individual participants can be listed apart.
- **Shown apart** (a separate row, labelled with what differs): a different ``agent_version``,
  a different ``settings`` dict (a ``paper``-profile row is labelled ``[paper]``, and other
  settings are compared within one profile), a different major ``worldtest_version``, or an older
  ``task_version`` of a task that the same configuration also ran in a newer version.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from worldtest.results import EpisodeRecord, qualified_task

__all__ = ["HUMANS", "HUMAN_PREFIX", "Row", "RowKey", "deduplicate", "group_rows", "newest_tasks"]

HUMAN_PREFIX = "human:"
"""Agent ids of human participants start with this (``human:alice``)."""

HUMANS = "humans"
"""The name of the row that groups every ``human:NAME`` agent."""


@dataclass(frozen=True, order=True)
class RowKey:
    """What makes two records belong to the same row.

    Attributes:
        name: the agent id, or :data:`HUMANS` for every ``human:NAME`` id (when grouped).
        agent_version: the agent's version.
        settings: the protocol settings as canonical JSON (sorted keys).
        worldtest_major: the major part of ``worldtest_version`` (``"0"`` for ``"0.1.0"``).
        generation: 0 when every task is in the newest version this configuration ran; k for
            records of the k-th older version of a task.
    """

    name: str
    agent_version: str
    settings: str
    worldtest_major: str
    generation: int = 0


@dataclass
class Row:
    """One leaderboard row: its key, label and (de-duplicated) episodes.

    Attributes:
        key: the :class:`RowKey`.
        label: the row's name in reports: the agent name, plus what differs from the other rows
            of the same name (``random@2``, ``random [budget=100]``, ``random (older task
            versions: ice/mfp v1)``).
        episodes: the records, sorted by task id, agent id, seed and key.
        members: the agent ids merged into this row (several for ``humans``).
    """

    key: RowKey
    label: str
    episodes: list[EpisodeRecord]
    members: list[str] = field(default_factory=list)


def deduplicate(records: Iterable[EpisodeRecord]) -> list[EpisodeRecord]:
    """One record per resume key (and major worldtest version): the last ``ok`` one, else the
    last failed one. The key holds agent, versions, task, seed and settings, not the harness
    version; the same key run by another major version is another experiment, kept apart.

    Returns:
        The records kept, in the order their keys first appeared.
    """
    chosen: dict[tuple[str, str], EpisodeRecord] = {}
    for record in records:
        key = (record.key, _major(record.worldtest_version))
        previous = chosen.get(key)
        if previous is None or record.status == "ok" or previous.status == "failed":
            chosen[key] = record
    return list(chosen.values())


def newest_tasks(records: Iterable[EpisodeRecord]) -> dict[str, int]:
    """Task id -> the newest ``task_version`` among the records (the benchmark's task set)."""
    newest: dict[str, int] = {}
    for record in records:
        task = qualified_task(record)
        newest[task] = max(newest.get(task, record.task_version), record.task_version)
    return newest


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def _settings_json(settings: dict) -> str:
    return json.dumps(settings, sort_keys=True, separators=(",", ":"), default=str)


def group_rows(records: Sequence[EpisodeRecord], *, group_humans: bool = True) -> list[Row]:
    """Group records into rows (see the module docstring for what merges and what not).

    Args:
        records: episode records of any agents, as read from any number of files.
        group_humans: put every ``human:NAME`` agent into one ``humans`` row; with False each
            participant is a row of its own (for the table of individual participants).

    Returns:
        The rows sorted by key (name, version, settings, worldtest major, generation), each with
        at least one episode; ``[]`` for no records.
    """
    by_config: dict[tuple[str, str, str, str], list[EpisodeRecord]] = defaultdict(list)
    for record in deduplicate(records):
        human = group_humans and record.agent.startswith(HUMAN_PREFIX)
        name = HUMANS if human else record.agent
        config = (
            name,
            record.agent_version,
            _settings_json(record.settings),
            _major(record.worldtest_version),
        )
        by_config[config].append(record)

    grouped: dict[RowKey, list[EpisodeRecord]] = defaultdict(list)
    for config, episodes in by_config.items():
        versions: dict[str, list[int]] = defaultdict(list)
        for record in episodes:
            if record.task_version not in versions[qualified_task(record)]:
                versions[qualified_task(record)].append(record.task_version)
        for record in episodes:
            newer = [v for v in versions[qualified_task(record)] if v > record.task_version]
            grouped[RowKey(*config, generation=len(newer))].append(record)

    labels = _labels(grouped)
    rows = []
    for key in sorted(grouped):
        episodes = sorted(grouped[key], key=lambda r: (r.task_id, r.agent, r.seed, r.key))
        members = sorted({r.agent for r in episodes})
        rows.append(Row(key, labels[key], episodes, members))
    return rows


def _labels(grouped: dict[RowKey, list[EpisodeRecord]]) -> dict[RowKey, str]:
    """Label each row with its name plus whatever distinguishes it from same-named rows."""
    by_name: dict[str, list[RowKey]] = defaultdict(list)
    for key in grouped:
        by_name[key.name].append(key)
    labels = {}
    for name, keys in by_name.items():
        settings = {k: json.loads(k.settings) for k in keys}
        profile = {k: settings[k].get("profile", "worldtest") for k in keys}
        for key in keys:
            # Settings are compared within one protocol profile; a paper-profile row always
            # says so (README "The paper profile").
            peers = [k for k in keys if profile[k] == profile[key]]
            differing = sorted(
                {
                    s
                    for k in peers
                    for s in settings[k]
                    if len({json.dumps(settings[o].get(s), default=str) for o in peers}) > 1
                }
            )
            label = name
            if len({k.agent_version for k in keys}) > 1:
                label += f"@{key.agent_version}"
            if profile[key] != "worldtest":
                label += f" [{profile[key]}]"
            if differing:
                shown = ", ".join(f"{s}={settings[key].get(s, '—')}" for s in differing)
                label += f" [{shown}]"
            if len({k.worldtest_major for k in keys}) > 1:
                label += f" [worldtest {key.worldtest_major}.x]"
            if key.generation:
                old = sorted({f"{r.task_id} v{r.task_version}" for r in grouped[key]})
                more = f", +{len(old) - 3} more" if len(old) > 3 else ""
                label += f" (older task versions: {', '.join(old[:3])}{more})"
            labels[key] = label
    return labels
