"""Run a configuration of episodes (agents x environments x families), resumably.

Episodes are enumerated in a fixed order (agent, then environment, then family, each in the
order given, or the suite's order by default). Episodes of ordinary agents run in
``config.workers`` worker processes (``worldtest.parallel``; 1: in this process, one by one) or
as Ray tasks (``config.ray``, ``worldtest.cluster``), and this process appends their records in
enumeration order as they come back. Then those of model agents
(:class:`~worldtest.agents.base.AsyncAgent`) run concurrently on this process's asyncio event
loop, each with its own clone of the agent, at most ``concurrency`` episodes in flight per
endpoint (an ``asyncio.Semaphore`` each), so a run's wall time approaches
calls x latency / concurrency; their records are appended in the order they end. This process is
the only writer of the store, and holds its lock (:meth:`ResultsStore.lock`) for the whole run,
so two runs on one folder never record an episode twice. Every record is appended and flushed
as soon as it can be (``worldtest.results``); :func:`run` returns them in enumeration order. A
second run of the same configuration skips every episode whose key is already stored with
status ``"ok"``, so an interrupted run (Ctrl-C, a killed process) loses at most the episodes in
flight (the finished ones are appended before it stops), resumes where it stopped, and a
finished run appends nothing. With the response cache (``worldtest.agents.llm.cache``) the
calls of an interrupted episode are not paid for twice.

Spending (``RunConfig.max_cost``): the run's :class:`Spending` is the ledger
(:class:`worldtest.agents.llm.budget.Ledger`) every model agent's episodes share. Before each
call the response cache cannot answer, the call's worst case (its estimated input tokens and
``max_output_tokens`` at the preset's prices) is reserved there; when it returns, its cost is
charged. A call whose worst case would take the spending over ``max_cost`` is not made: its
episode ends as failed (``"cost cap of X USD reached after Y USD"``, ``usage["cut_by_cost_cap"]``
True) and is recorded so, with what its calls cost; the store does not count a failed record
as done, so a re-run with a higher cap runs it again, its calls made so far answered free by
the response cache. Once the cap is spent or a call was refused, no new episode starts (counted
in ``Spending.not_started``, as is an episode refused its very first call: it is not recorded). The spending thus stays at or below the cap but for what calls
cost beyond their worst case (an endpoint that ignores ``max_output_tokens``). Agents that are
not model agents are charged their record's ``usage["spent_usd"]`` when their episode ends.
Only this invocation's calls count, not the records found in the store. The ledger is per
process: worker processes each keep the cap on their own spending. :func:`estimate` says what
a configuration would cost before any call (``worldtest run --dry-run``).

Seeds (house style 5, no hidden randomness): the episode seed is ``config.episode_seed`` (the
profile's default when none is given), or each of ``config.seeds`` in turn (the whole
enumeration once per seed, seeds in the order given); the
episode's generator is ``np.random.default_rng([seed, stable_hash(agent_id, task_id)])`` with a
SHA-256-based :func:`stable_hash` (never Python's salted ``hash()``), so every episode is
reproducible on its own, in any order.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

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

from worldtest.agents import AGENTS, make_agent
from worldtest.agents.base import is_async
from worldtest.agents.llm.budget import Ledger
from worldtest.env import FAMILIES, Suite
from worldtest.suite import check_family
from worldtest.errors import ConfigError, TaskFileError, WorldtestError
from worldtest.protocol import run_episode, run_episode_async
from worldtest.settings import Settings, episode_settings
from worldtest.results import EpisodeRecord, ResultsStore, episode_key
from worldtest.tasks.checks import check_task
from worldtest.tasks.models import Task

__all__ = ["Job", "RunConfig", "Spending", "check_money", "episode_rng", "plan", "run",
           "stable_hash"]


class RunConfig(BaseModel):
    """What to run.

    Attributes:
        agents: agent ids (``worldtest.agents.AGENTS``), in run order.
        envs: environment ids, or None for every environment of the suite (file order).
        families: task families, or None for ``mfp``, ``planning``, ``cd``. A task file that
            does not exist is an error when both ``envs`` and ``families`` were given, else it
            is skipped with a note on the console.
        seed: the episode seed; None: 42 (profile ``worldtest``: our defaults avoid the
            degenerate seed 0) or 0 (profile ``paper``: the reference harness's seed).
        profile: ``worldtest`` (our settings) or ``paper`` (the reference harness's:
            :data:`worldtest.protocol.PAPER_SETTINGS`); the flags below override either.
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
        max_cost: USD; once this run's episodes have spent it, no new episode starts (module
            docstring). Every model agent then needs prices.
        input_price, output_price: USD per million tokens for every model agent of the run,
            overriding its preset's (``--input-price``, ``--output-price``).
        workers: processes that play the episodes of ordinary agents (1: in this process).
            Model agents' episodes always run on this process's event loop. Workers are
            started with ``forkserver`` / ``spawn``: a script that calls :func:`run` with
            more than one must do so under ``if __name__ == "__main__":``.
        ray: None, or a Ray cluster to play those episodes on instead of local processes:
            ``"local"`` (start a Ray instance on this machine, ``workers`` CPUs), ``"auto"``
            (join the cluster this machine belongs to) or ``"ray://host:port"``.
        wait_lock: when another run holds the results folder's lock, wait for it (else stop
            with a ResultsError).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    agents: list[str] = Field(default_factory=lambda: ["random", "oracle"], min_length=1)
    envs: list[str] | None = None
    families: list[str] | None = None
    seed: int | None = None
    profile: Literal["worldtest", "paper"] = "worldtest"
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
    max_cost: float | None = Field(default=None, ge=0.0)
    input_price: float | None = Field(default=None, ge=0.0)
    output_price: float | None = Field(default=None, ge=0.0)
    workers: int = Field(default=1, ge=1)
    ray: str | None = None
    wait_lock: bool = False

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
                "concurrency": self.concurrency, "input_price": self.input_price,
                "output_price": self.output_price}  # fmt: skip

    @property
    def episode_seed(self) -> int:
        """``seed``, or the profile's default seed (42 ours, 0 the reference's)."""
        if self.seed is not None:
            return self.seed
        return 0 if self.profile == "paper" else 42

    def run_seeds(self) -> list[int]:
        """The episode seeds of this run: ``seeds`` (duplicates dropped, order kept), or
        ``[seed]``."""
        return list(dict.fromkeys(self.seeds)) if self.seeds else [self.episode_seed]

    def settings(self) -> Settings:
        """The protocol settings: the profile's defaults, with this config's overrides."""
        names = ("budget", "horizon", "ticks_per_action", "reset_seed")
        overrides = {n: getattr(self, n) for n in names if getattr(self, n) is not None}
        return Settings.paper(**overrides) if self.profile == "paper" else Settings(**overrides)


def stable_hash(*parts: str) -> int:
    """A 64-bit integer from SHA-256 of the parts (stable across processes and Python versions)."""
    data = "\x1f".join(parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "big")


def episode_rng(seed: int, agent_id: str, task_id: str) -> np.random.Generator:
    """The generator of one episode: ``default_rng([seed, stable_hash(agent_id, task_id)])``."""
    return np.random.default_rng([seed, stable_hash(agent_id, task_id)])


class Identified(Protocol):
    """What planning needs of an agent: its ``id`` and ``version`` (they enter the key)."""

    id: str
    version: str


@dataclass(frozen=True)
class Job:
    """One planned episode: its resume ``key``, the agent's run id, the environment, the
    task, the resolved settings (:func:`worldtest.settings.episode_settings`) and the seed."""

    key: str
    agent_id: str
    env: str
    task: Task
    settings: Settings
    seed: int


def plan(
    config: RunConfig,
    suite: Suite,
    agents: Mapping[str, Identified],
    console: Console | None = None,
) -> list[Job]:
    """The episodes of ``config``: seed x agent x env x family, in that order (the runner's
    one planning step, also used by ``worldtest play``).

    Args:
        config: what to run (``envs``, ``families``, seeds, settings).
        suite: the benchmark folder.
        agents: run id -> agent (only ``id`` and ``version`` are read).
        console: where the note on skipped missing tasks goes (None: no note).

    Returns:
        One :class:`Job` per episode, stored ones included (:func:`run` skips those).

    Raises:
        ConfigError: an unknown environment or family; a missing task when both ``envs`` and
            ``families`` were given.
        TaskFileError: a malformed task, or a defect :func:`worldtest.tasks.checks.check_task`
            finds (the first, naming how many more).
        AutumnError: a program that does not compile.
    """
    envs = list(config.envs) if config.envs is not None else list(suite.envs)
    families = list(config.families) if config.families is not None else list(FAMILIES)
    for family in families:
        check_family(family)
    settings = config.settings()
    jobs, missing = [], []
    defects: list[TaskFileError] = []
    tasks: dict[tuple[str, str], Any] = {}  # each task file is read once, whatever the agents
    seeds = config.run_seeds()
    for seed, (agent_id, agent) in [(s, item) for s in seeds for item in agents.items()]:
        for env in envs:
            spec = suite.spec(env)
            program = suite.program(env)
            resolved = episode_settings(settings, program)
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
                    suite=suite.id,
                )
                jobs.append(Job(key, agent_id, env, task, resolved, seed))
    if defects:  # the static defects `tasks validate` reports, before any episode
        first, more = defects[0], len(defects) - 1
        note = f" (and {more} more: `worldtest tasks validate` lists them)" if more else ""
        raise TaskFileError(first.path, first.field, first.message + note)
    if missing and console is not None:
        shown = sorted(set(missing))
        console.print(f"[yellow]skipping {len(shown)} missing task(s):[/] {', '.join(shown)}")
    return jobs


class Spending(Ledger):
    """What a run has spent, against its cap (module docstring).

    Args:
        max_cost: the cap in USD (None: none); :func:`run` sets it from its config.

    Attributes:
        max_cost, spent_usd, reserved_usd, refused: as :class:`~worldtest.agents.llm.budget.Ledger`
        (``spent_usd``: USD spent by this run's calls so far); not_started: episodes not started
        because the cap was reached; cut: episodes ended (as failed) because the cap refused
        one of their calls.
    """

    def __init__(self, max_cost: float | None = None) -> None:
        super().__init__(max_cost)
        self.not_started = 0
        self.cut = 0

    def add(self, record: EpisodeRecord) -> None:
        """Count an ended episode of an agent without a ledger: its ``usage["spent_usd"]``
        (absent for agents that cost nothing)."""
        value = record.usage.get("spent_usd")
        if isinstance(value, int | float):
            self.charge(float(value))


def check_money(config: RunConfig, agents: dict[str, Any]) -> None:
    """Prices given without a model agent, or a cap with a model agent that has no prices."""
    priced = {a: getattr(agent, "preset", None) for a, agent in agents.items()}
    models = {a: p for a, p in priced.items() if p is not None}
    if (config.input_price is not None or config.output_price is not None) and not models:
        raise ConfigError("--input-price and --output-price set the prices of model agents: "
                          "add --agent llm or a preset")  # fmt: skip
    if config.max_cost is not None:
        unpriced = [a for a, p in models.items() if p.prices is None]
        if unpriced:
            raise ConfigError(
                f"--max-cost needs the prices of agent {unpriced[0]!r}: add a [prices] table "
                "to its preset or give --input-price and --output-price (USD per million "
                "tokens)"
            )


def run(
    config: RunConfig,
    *,
    console: Console | None = None,
    show_progress: bool = True,
    spending: Spending | None = None,
) -> list[EpisodeRecord]:
    """Run every episode of ``config`` not already in the results store.

    Args:
        config: what to run.
        console: where progress and notes go (a new ``rich`` console when None and
            ``show_progress``).
        show_progress: draw a progress bar.
        spending: filled with what the run spent and what the cap left unstarted
            (``config.max_cost`` is copied into it).

    Returns:
        The records of every episode of this configuration, old and new, in enumeration order
        (for a key stored several times, e.g. a failed episode retried, the latest record).

    Raises:
        ConfigError: unknown agent, environment or family; an explicitly requested task that
            does not exist; bad metadata; ``max_cost`` with a model agent without prices.
            TaskFileError / AutumnError: a broken task or program, found before any episode
            runs (the task's file and field, as ``tasks validate`` says it;
            ``worldtest.tasks.checks``).
        ResultsError: a damaged results file; another run holds the results folder's lock
            (and ``wait_lock`` is False).
        KeyboardInterrupt: Ctrl-C, after appending every record that had finished.
    """
    if console is None and show_progress:
        console = Console(stderr=True)
    suite = Suite(config.suite)
    # Workers get the suite folder resolved here (the default depends on the working directory).
    config = config.model_copy(update={"suite": suite.root})
    options = config.llm_options()
    agents = {agent_id: make_agent(agent_id, **options) for agent_id in config.agents}
    check_money(config, agents)
    spending = spending if spending is not None else Spending()
    spending.max_cost = config.max_cost
    jobs = plan(config, suite, agents, console)
    store = ResultsStore.for_dir(config.results_dir)
    note = console.print if console is not None else None
    with store.lock(wait=config.wait_lock, note=note):
        done = store.keys()
        todo = [job for job in jobs if job.key not in done]
        if console is not None and len(todo) < len(jobs):
            console.print(
                f"resuming: {len(jobs) - len(todo)} of {len(jobs)} episodes already in "
                f"{store.path}"
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
            ordinary = [job for job in todo if not is_async(agents[job.agent_id])]
            wrong = _WrongPrograms()
            _WORKERS[_context_key(config)] = _Worker(config, suite, agents, wrong)
            try:
                _play_ordinary(ordinary, config, store, progress, bar, spending)
            finally:
                _WORKERS.pop(_context_key(config), None)
            concurrent = [job for job in todo if is_async(agents[job.agent_id])]
            if concurrent:

                def in_flight(n: int) -> None:
                    progress.update(bar, description=f"model agents: {n} in flight")

                def ended(record: EpisodeRecord) -> None:
                    store.append(record)
                    progress.advance(bar)

                asyncio.run(
                    _run_concurrently(
                        concurrent, agents, suite, wrong, ended, in_flight, spending
                    )
                )
        if console is not None and spending.max_cost is not None:
            stopped = spending.cut or spending.not_started
            said = (f"spent {spending.spent_usd:.4f} USD of --max-cost {spending.max_cost:g} USD"
                    + (f": the cap was reached; {spending.cut} episode(s) cut short (recorded "
                       f"as failed), {spending.not_started} not started (run again with a "
                       "higher --max-cost to go on)" if stopped else ""))  # fmt: skip
            console.print(f"[yellow]{said}[/]" if stopped else said)
    wanted = {job.key for job in jobs}
    latest = {record.key: record for record in store.load() if record.key in wanted}
    return [latest[job.key] for job in jobs if job.key in latest]


# ----------------------------------------------------------------------------- ordinary agents
# The episodes of ordinary agents are items (_Item: the config, agent, environment, family and
# settings), each played by _play in a worker process, a Ray task, or this process. Everything
# an episode needs, its generator's seed included, comes from the item; so its record is the
# same wherever and in whatever order it runs. This process is the only writer of the store and
# appends the records in plan order.


@dataclass(frozen=True)
class _Item:
    config: RunConfig
    agent_id: str
    env: str
    family: str
    settings: Settings
    seed: int
    suite_id: str | None  # as the parent names the suite (a Ray node reads it from ".")


_ITEM_FIELDS = ("agent_id", "env", "family", "settings", "seed", "suite_id")


class _Worker:
    """What one process needs to play episodes of a configuration: suite, agents, caches."""

    def __init__(
        self,
        config: RunConfig,
        suite: Suite | None = None,
        agents: dict[str, Any] | None = None,
        wrong: _WrongPrograms | None = None,
    ) -> None:
        self.config = config
        self.suite = suite if suite is not None else Suite(config.suite)
        self.agents = dict(agents or {})
        self.wrong = wrong if wrong is not None else _WrongPrograms()
        self.tasks: dict[tuple[str, str], Any] = {}

    def play(self, item: _Item) -> EpisodeRecord:
        if item.agent_id not in self.agents:
            self.agents[item.agent_id] = make_agent(item.agent_id, **self.config.llm_options())
        agent = self.agents[item.agent_id]
        if (item.env, item.family) not in self.tasks:
            self.tasks[item.env, item.family] = self.suite.task(item.env, item.family)
        task = self.tasks[item.env, item.family]
        return run_episode(
            agent,
            self.suite.spec(item.env),
            self.suite.program(item.env),
            task,
            item.settings,
            item.seed,
            rng=episode_rng(item.seed, agent.id, task.id),
            wrong_program=self.wrong(task),
            suite=item.suite_id,
        )


_WORKERS: dict[str, _Worker] = {}  # per process: config JSON -> its worker state


def _context_key(config: RunConfig) -> str:
    return config.model_dump_json()


def _play(item: _Item) -> EpisodeRecord:
    """Play one episode (in a worker process, a Ray task, or this process)."""
    key = _context_key(item.config)
    if key not in _WORKERS:
        _WORKERS[key] = _Worker(item.config)
    return _WORKERS[key].play(item)


def _play_ordinary(
    jobs: list[Job],
    config: RunConfig,
    store: ResultsStore,
    progress: Progress,
    bar: Any,
    spending: Spending | None = None,
) -> None:
    """Play ``jobs`` (ordinary agents) and append their records in plan order.

    On Ctrl-C or an error, the records that had finished are appended too (out of plan order);
    only the episodes in flight are lost.
    """
    from worldtest.parallel import imap_ordered

    suite_id = Suite(config.suite).id
    items = [_Item(config, job.agent_id, job.env, job.task.family, job.settings, job.seed,
                   suite_id) for job in jobs]
    names = [f"{job.agent_id} {job.task.id}" for job in jobs]

    def save(records: list[EpisodeRecord]) -> None:
        for record in records:
            store.append(record)

    if config.ray is not None:
        from worldtest.cluster import ray_imap_ordered, runtime_env

        env = None
        if config.ray != "local":  # the suite travels with the job: the nodes read it from "."
            env = runtime_env(config.suite)
            remote = config.model_copy(update={"suite": Path(".")})
            items = [_Item(remote, *(getattr(i, f) for f in _ITEM_FIELDS)) for i in items]
        records = ray_imap_ordered(
            _play, items, config.ray, cpus=config.workers, env=env, on_abandon=save
        )
        where = f"ray {config.ray}"
    else:
        # The fork server imports these once; every worker is forked with them imported.
        agent_modules = sorted({AGENTS[a].partition(":")[0] for a in config.agents if a in AGENTS})
        preload = ("worldtest.runner", "worldtest.autumn", "worldtest.tasks.models", *agent_modules)
        records = imap_ordered(_play, items, config.workers, preload=preload, on_abandon=save)
        where = f"{min(config.workers, len(items))} workers"
    parallel = config.ray is not None or min(config.workers, len(items)) > 1
    if names:
        progress.update(bar, description=where if parallel else names[0])
    try:
        for i, record in enumerate(records):
            store.append(record)
            if spending is not None:
                spending.add(record)
            progress.advance(bar)
            if not parallel and i + 1 < len(names):
                progress.update(bar, description=names[i + 1])
    finally:
        records.close()  # on an error here (Ctrl-C, a full disk): stop the workers now


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
    jobs: list[Job],
    agents: dict[str, Any],
    suite: Suite,
    wrong: Callable[[Any], Any],
    ended: Callable[[EpisodeRecord], None],
    note: Callable[[int], None],
    spending: Spending | None = None,
) -> None:
    """Run the episodes of async agents concurrently, ``concurrency`` per endpoint.

    Each episode gets a clone of its agent; ``ended(record)`` is called as each one ends (in
    the order they end), on a single writer thread. The first exception that is not an
    episode failure (a harness bug, a results file that cannot be written) cancels the others
    and propagates, as does a cancellation (Ctrl-C): the episodes in flight are then lost, the
    recorded ones kept. With ``spending`` (module docstring), model agents' calls are capped
    and counted there, and an episode whose turn comes once the cap is reached is not started
    (counted in ``spending.not_started``).
    """
    spending = spending if spending is not None else Spending()
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

    async def one(job: Job) -> None:
        nonlocal in_flight
        base = agents[job.agent_id]
        async with gates[getattr(base, "endpoint", job.agent_id)]:
            if spending.reached:
                spending.not_started += 1
                return
            in_flight += 1
            note(in_flight)
            agent = base.clone()
            hooked = hasattr(agent, "ledger")
            if hooked:  # counted (and capped) call by call
                agent.ledger = spending
            try:
                record = await run_episode_async(
                    agent,
                    suite.spec(job.env),
                    suite.program(job.env),
                    job.task,
                    job.settings,
                    job.seed,
                    rng=episode_rng(job.seed, base.id, job.task.id),
                    wrong_program=wrong(job.task),
                    suite=suite.id,
                )
            finally:
                in_flight -= 1
            if not hooked:
                spending.add(record)  # before the gate lets the next episode in
            elif record.usage.get("cut_by_cost_cap"):
                if not record.usage.get("calls"):  # refused its first call: not started
                    spending.not_started += 1
                    return
                spending.cut += 1
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
