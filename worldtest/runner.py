"""Run a configuration of episodes (agents x environments x families), resumably.

Episodes are enumerated in a fixed order (agent, then environment, then family, each in the
order given, or the suite's order by default). Episodes of ordinary agents run one by one;
those of model agents (:class:`~worldtest.agents.base.AsyncAgent`) then run concurrently on one
asyncio event loop, each with its own clone of the agent, at most ``concurrency`` episodes in
flight per endpoint (an ``asyncio.Semaphore`` each), so a run's wall time approaches
calls x latency / concurrency. Every record is appended and flushed as soon as its episode ends
(``worldtest.results``), in the order episodes end; :func:`run` returns them in enumeration
order. A second run of the same configuration skips every episode whose key is already stored
with status ``"ok"``, so an interrupted run (Ctrl-C, a killed process) loses at most the
episodes in flight, resumes where it stopped, and a finished run appends nothing. With the
response cache (``worldtest.agents.llm.cache``) the calls of an interrupted episode are not
paid for twice.

Seeds (house style 5, no hidden randomness): the episode seed is ``config.seed``, or each of
``config.seeds`` in turn (the whole enumeration once per seed, seeds in the order given); the
episode's generator is ``np.random.default_rng([seed, stable_hash(agent_id, task_id)])`` with a
SHA-256-based :func:`stable_hash` (never Python's salted ``hash()``), so every episode is
reproducible on its own, in any order.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
from worldtest.agents.base import is_async
from worldtest.env import FAMILIES, Suite
from worldtest.errors import ConfigError, TaskFileError, WorldtestError
from worldtest.protocol import Settings, run_episode, run_episode_async
from worldtest.results import EpisodeRecord, ResultsStore, episode_key
from worldtest.tasks.checks import check_task

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
        seeds: several episode seeds (``--seed`` repeated, ``--seeds 1-5``): every episode is
            run once per seed; None runs ``seed`` alone. Given, it replaces ``seed``.
        results_dir: where ``episodes.jsonl`` is appended.
        suite: the suite folder, or None for ``worldtest.env.default_suite_root()``.
        budget, horizon, ticks_per_action, reset_seed: overrides of the protocol
            :class:`~worldtest.protocol.Settings` defaults (None keeps the default).
        provider, model, base_url, api_key_env: the endpoint of the agent ``llm`` (the
            ``--provider --model --base-url --api-key-env`` flags); only with that agent.
        cache_dir: the model agents' response cache (None: ``.worldtest-cache/llm``);
            cache: False bypasses it (``--no-cache``).
        concurrency: model-agent episodes in flight per endpoint (None: each preset's).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    agents: list[str] = Field(default_factory=lambda: ["random", "oracle"], min_length=1)
    envs: list[str] | None = None
    families: list[str] | None = None
    seed: int = 42
    seeds: list[int] | None = Field(default=None, min_length=1)
    results_dir: Path = Path("results")
    suite: Path | None = None
    budget: int | None = Field(default=None, ge=0)
    horizon: int | None = Field(default=None, ge=1)
    ticks_per_action: int | None = Field(default=None, ge=1)
    reset_seed: Literal["same", "fresh"] | None = None
    provider: Literal["openai", "anthropic", "gemini"] | None = None
    model: str | None = None
    base_url: str | None = None
    api_key_env: str | None = None
    cache_dir: Path | None = None
    cache: bool = True
    concurrency: int | None = Field(default=None, ge=1)

    def llm_options(self) -> dict[str, Any]:
        """The options :func:`worldtest.agents.make_agent` passes to model agents.

        Raises:
            ConfigError: ``provider`` / ``model`` / ``base_url`` / ``api_key_env`` given
                without the agent ``llm``.
        """
        flags = {n: getattr(self, n) for n in ("provider", "model", "base_url", "api_key_env")}
        if "llm" not in self.agents and any(v is not None for v in flags.values()):
            raise ConfigError(
                "--provider, --model, --base-url and --api-key-env configure the agent 'llm': "
                "add --agent llm (a preset carries its own endpoint)"
            )
        return {**flags, "cache_dir": self.cache_dir, "cache": self.cache,
                "concurrency": self.concurrency}  # fmt: skip

    def run_seeds(self) -> list[int]:
        """The episode seeds of this run: ``seeds`` (duplicates dropped, order kept), or
        ``[seed]``."""
        return list(dict.fromkeys(self.seeds)) if self.seeds else [self.seed]

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
    seed: int


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
    defects: list[TaskFileError] = []
    tasks: dict[tuple[str, str], Any] = {}  # each task file is read once, whatever the agents
    seeds = config.run_seeds()
    for seed, (agent_id, agent) in [(s, item) for s in seeds for item in agents.items()]:
        for env in envs:
            spec = suite.spec(env)
            program = suite.program(env)
            resolved = settings.resolved(program.start(seeds[0]).frame_rate)
            for family in families:
                if not suite.task_path(env, family).exists():
                    if config.envs is not None and config.families is not None:
                        raise ConfigError(
                            f"no {family} task for {env}: "
                            f"{suite.task_path(env, family)} does not exist"
                        )
                    missing.append(f"{env}/{family}")
                    continue
                if (env, family) not in tasks:
                    tasks[env, family] = suite.task(spec.name, family)
                    defects += check_task(tasks[env, family], program)
                task = tasks[env, family]
                key = episode_key(
                    agent.id,
                    agent.version,
                    task.id,
                    task.version,
                    seed,
                    resolved.model_dump(),
                )
                jobs.append(_Job(key, agent_id, env, task, resolved, seed))
    if defects:  # the static defects `tasks validate` reports, before any episode
        first, more = defects[0], len(defects) - 1
        note = f" (and {more} more: `worldtest tasks validate` lists them)" if more else ""
        raise TaskFileError(first.path, first.field, first.message + note)
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
            does not exist; bad metadata. TaskFileError / AutumnError: a broken task or program,
            found before any episode runs (the task's file and field, as ``tasks validate``
            says it; ``worldtest.tasks.checks``).
        ResultsError: a damaged results file.
    """
    if console is None and show_progress:
        console = Console(stderr=True)
    suite = Suite(config.suite)
    options = config.llm_options()
    agents = {agent_id: make_agent(agent_id, **options) for agent_id in config.agents}
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
        wrong = _WrongPrograms()
        for job in [job for job in todo if not is_async(agents[job.agent_id])]:
            agent = agents[job.agent_id]
            progress.update(bar, description=f"{job.agent_id} {job.task.id}")
            record = run_episode(
                agent,
                suite.spec(job.env),
                suite.program(job.env),
                job.task,
                job.settings,
                job.seed,
                rng=episode_rng(job.seed, agent.id, job.task.id),
                wrong_program=wrong(job.task),
            )
            store.append(record)
            progress.advance(bar)
        concurrent = [job for job in todo if is_async(agents[job.agent_id])]
        if concurrent:

            def note(in_flight: int) -> None:
                progress.update(bar, description=f"model agents: {in_flight} in flight")

            def ended(record: EpisodeRecord) -> None:
                store.append(record)
                progress.advance(bar)

            asyncio.run(
                _run_concurrently(concurrent, agents, suite, wrong, ended, note)
            )
    wanted = {job.key for job in jobs}
    latest = {record.key: record for record in store.load() if record.key in wanted}
    return [latest[job.key] for job in jobs if job.key in latest]


class _WrongPrograms:
    """The compiled wrong programs of CD tasks, compiled once per run (None for other tasks,
    and for a program that does not compile: the episode then loads it and fails itself)."""

    def __init__(self) -> None:
        self._programs: dict[str, Any] = {}

    def __call__(self, task: Any) -> Any:
        if task.family != "cd":
            return None
        if task.id not in self._programs:
            from worldtest.autumn import load_program

            try:
                self._programs[task.id] = load_program(task.wrong_program_path())
            except WorldtestError:
                self._programs[task.id] = None
        return self._programs[task.id]


async def _run_concurrently(
    jobs: list[_Job],
    agents: dict[str, Any],
    suite: Suite,
    wrong: Callable[[Any], Any],
    ended: Callable[[EpisodeRecord], None],
    note: Callable[[int], None],
) -> None:
    """Run the episodes of async agents concurrently, ``concurrency`` per endpoint.

    Each episode gets a clone of its agent; ``ended(record)`` is called as each one ends (in
    the order they end), on a single writer thread. The first exception that is not an
    episode failure (a harness bug, a results file that cannot be written) cancels the others
    and propagates, as does a cancellation (Ctrl-C): the episodes in flight are then lost, the
    recorded ones kept.
    """
    limits: dict[str, int] = {}
    for agent_id in {job.agent_id for job in jobs}:
        agent = agents[agent_id]
        endpoint = getattr(agent, "endpoint", agent_id)
        limit = max(1, int(getattr(agent, "concurrency", 1)))
        limits[endpoint] = min(limits.get(endpoint, limit), limit)
    gates = {endpoint: asyncio.Semaphore(n) for endpoint, n in limits.items()}
    in_flight = 0
    # Records are appended (and fsynced) on one writer thread, in the order episodes end, so
    # the event loop never waits for the disk.
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="worldtest-records")
    loop = asyncio.get_running_loop()

    async def one(job: _Job) -> None:
        nonlocal in_flight
        base = agents[job.agent_id]
        async with gates[getattr(base, "endpoint", job.agent_id)]:
            in_flight += 1
            note(in_flight)
            try:
                record = await run_episode_async(
                    base.clone(),
                    suite.spec(job.env),
                    suite.program(job.env),
                    job.task,
                    job.settings,
                    job.seed,
                    rng=episode_rng(job.seed, base.id, job.task.id),
                    wrong_program=wrong(job.task),
                )
            finally:
                in_flight -= 1
        await loop.run_in_executor(writer, ended, record)

    tasks = [asyncio.create_task(one(job)) for job in jobs]
    try:
        for finished in asyncio.as_completed(tasks):
            await finished
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        writer.shutdown(wait=True)
        for agent_id in {job.agent_id for job in jobs}:
            close = getattr(agents[agent_id], "aclose", None)
            if callable(close):
                await close()
