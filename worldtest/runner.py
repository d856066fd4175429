"""Run a configuration of episodes (agents x environments x families), resumably.

Episodes are enumerated in a fixed order (agent, then environment, then family, each in the
order given, or the suite's order by default) and run one by one; every record is appended and
flushed as soon as its episode ends (``worldtest.results``). A second run of the same
configuration skips every episode whose key is already stored with status ``"ok"``, so an
interrupted run resumes where it stopped and a finished run appends nothing.

Seeds (house style 5, no hidden randomness): the episode seed is ``config.seed``; the episode's
generator is ``np.random.default_rng([config.seed, stable_hash(agent_id, task_id)])`` with a
SHA-256-based :func:`stable_hash` (never Python's salted ``hash()``), so every episode is
reproducible on its own, in any order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from worldtest.agents import make_agent
from worldtest.env import FAMILIES, Suite
from worldtest.errors import ConfigError
from worldtest.protocol import Settings, run_episode
from worldtest.results import EpisodeRecord, ResultsStore, episode_key

__all__ = ["RunConfig", "episode_rng", "run", "stable_hash"]


class RunConfig(BaseModel):
    """What to run.

    Attributes:
        agents: agent ids (``worldtest.agents.AGENTS``), in run order.
        envs: environment ids, or None for every environment of the suite (file order).
        families: task families, or None for ``mfp``, ``planning``, ``cd``. A task file that
            does not exist is an error when both ``envs`` and ``families`` were given, else it
            is skipped with a note on the console.
        seed: the episode seed (protocol section 2: our defaults avoid the degenerate seed 0).
        results_dir: where ``episodes.jsonl`` is appended.
        suite: the suite folder, or None for ``worldtest.env.default_suite_root()``.
        budget, horizon, ticks_per_action, reset_seed: overrides of the protocol
            :class:`~worldtest.protocol.Settings` defaults (None keeps the default).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    agents: list[str] = Field(default_factory=lambda: ["random", "oracle"], min_length=1)
    envs: list[str] | None = None
    families: list[str] | None = None
    seed: int = 42
    results_dir: Path = Path("results")
    suite: Path | None = None
    budget: int | None = Field(default=None, ge=0)
    horizon: int | None = Field(default=None, ge=1)
    ticks_per_action: int | None = Field(default=None, ge=1)
    reset_seed: Literal["same", "fresh"] | None = None

    def settings(self) -> Settings:
        """The protocol settings: defaults, with this config's overrides."""
        names = ("budget", "horizon", "ticks_per_action", "reset_seed")
        return Settings(**{n: getattr(self, n) for n in names if getattr(self, n) is not None})


def stable_hash(*parts: str) -> int:
    """A 64-bit integer from SHA-256 of the parts (stable across processes and Python versions)."""
    data = "\x1f".join(parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")


def episode_rng(seed: int, agent_id: str, task_id: str) -> np.random.Generator:
    """The generator of one episode: ``default_rng([seed, stable_hash(agent_id, task_id)])``."""
    return np.random.default_rng([seed, stable_hash(agent_id, task_id)])


@dataclass(frozen=True)
class _Job:
    key: str
    agent_id: str
    env: str
    task: Any
    settings: Settings


def _plan(
    config: RunConfig, suite: Suite, agents: dict[str, Any], console: Console | None
) -> list[_Job]:
    envs = list(config.envs) if config.envs is not None else list(suite.envs)
    families = list(config.families) if config.families is not None else list(FAMILIES)
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise ConfigError(
            f"unknown task family {unknown[0]!r}: expected one of {', '.join(FAMILIES)}"
        )
    settings = config.settings()
    jobs, missing = [], []
    for agent_id, agent in agents.items():
        for env in envs:
            spec = suite.spec(env)
            program = suite.program(env)
            resolved = settings.resolved(program.start(config.seed).frame_rate)
            for family in families:
                if not suite.task_path(env, family).exists():
                    if config.envs is not None and config.families is not None:
                        raise ConfigError(
                            f"no {family} task for {env}: "
                            f"{suite.task_path(env, family)} does not exist"
                        )
                    missing.append(f"{env}/{family}")
                    continue
                task = suite.task(spec.name, family)
                key = episode_key(
                    agent.id,
                    agent.version,
                    task.id,
                    task.version,
                    config.seed,
                    resolved.model_dump(),
                )
                jobs.append(_Job(key, agent_id, env, task, resolved))
    if missing and console is not None:
        shown = sorted(set(missing))
        console.print(f"[yellow]skipping {len(shown)} missing task(s):[/] {', '.join(shown)}")
    return jobs


def run(
    config: RunConfig, *, console: Console | None = None, show_progress: bool = True
) -> list[EpisodeRecord]:
    """Run every episode of ``config`` not already in the results store.

    Args:
        config: what to run.
        console: where progress and notes go (a new ``rich`` console when None and
            ``show_progress``).
        show_progress: draw a progress bar.

    Returns:
        The records of every episode of this configuration, old and new, in enumeration order
        (for a key stored several times, e.g. a failed episode retried, the latest record).

    Raises:
        ConfigError: unknown agent, environment or family; an explicitly requested task that
            does not exist; bad metadata. TaskFileError / AutumnError: a broken task or program.
        ResultsError: a damaged results file.
    """
    if console is None and show_progress:
        console = Console(stderr=True)
    suite = Suite(config.suite)
    agents = {agent_id: make_agent(agent_id) for agent_id in config.agents}
    jobs = _plan(config, suite, agents, console)
    store = ResultsStore.for_dir(config.results_dir)
    done = store.keys()
    todo = [job for job in jobs if job.key not in done]
    if console is not None and len(todo) < len(jobs):
        console.print(
            f"resuming: {len(jobs) - len(todo)} of {len(jobs)} episodes already in {store.path}"
        )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(
        *columns, console=console, disable=not show_progress, transient=False
    ) as progress:
        bar = progress.add_task("episodes", total=len(todo))
        for job in todo:
            agent = agents[job.agent_id]
            progress.update(bar, description=f"{job.agent_id} {job.task.id}")
            record = run_episode(
                agent,
                suite.spec(job.env),
                suite.program(job.env),
                job.task,
                job.settings,
                config.seed,
                rng=episode_rng(config.seed, agent.id, job.task.id),
            )
            store.append(record)
            progress.advance(bar)
    wanted = {job.key for job in jobs}
    latest = {record.key: record for record in store.load() if record.key in wanted}
    return [latest[job.key] for job in jobs if job.key in latest]
