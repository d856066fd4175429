"""Check that an agent keeps the rules of the harness, as Gymnasium's ``check_env`` checks an env.

:func:`check_agent` plays a few short episodes (one small environment, the three families, a
small budget and horizon) and checks that the agent:

- **is an agent**: the factory makes an object with a string ``id`` and ``version`` and the
  methods ``reset`` and ``act`` (:mod:`worldtest.agents.base`);
- **runs on every family**: no episode fails (an exception from ``reset`` or ``act``);
- **sends legal actions**: every reply is text that parses with :func:`worldtest.env.parse_action` (on
  the episode's grid); the first that does not is reported with the observation it answered;
- **is seeded**: two fresh agents given the same episode seeds give identical records, apart
  from the wall-clock fields (:data:`WALL_CLOCK`); an agent drawing from ``random``, the
  time or anything but ``start.rng`` fails here (house style 5). A different seed may differ;
- **resets**: one agent playing the episodes one after another in this process gives the same
  records as fresh agents, so ``reset(start)`` forgets the previous episode.

Actions the harness refuses in their phase (``choose 2`` while exploring) are legal text but
invalid moves: they are counted in a warning row and do not fail the check.

Used by ``worldtest check-agent ID``. It sits beside the runner, above the protocol, since it
runs episodes (the agents package itself sees only observations).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from worldtest.env import FAMILIES, parse_action
from worldtest.errors import ActionError, ConfigError
from worldtest.protocol import Settings, run_episode
from worldtest.results import EpisodeRecord
from worldtest.runner import episode_rng
from worldtest.suite import Suite

__all__ = ["CHECK_ENV", "WALL_CLOCK", "Check", "CheckReport", "check_agent"]

CHECK_ENV = "lamp"
"""The environment checked by default: small (16 x 16), deterministic, with all three tasks.
A suite without it is checked on its first environment that has the three."""

WALL_CLOCK = ("started_at", "duration_s", "t_wall")
"""Record fields that measure wall-clock time and may differ between identical runs (the
record's and each action's); usage entries ending in ``_s`` (seconds) too."""


@dataclass(frozen=True)
class Check:
    """One row of the report.

    Attributes:
        name: what was checked (``"legal actions"``, ``"runs: cd"`` ...).
        status: ``"pass"``, ``"fail"``, ``"warn"`` (does not fail the check) or ``"skip"``
            (not checked because an earlier check failed).
        detail: what was seen (empty when it passed silently).
    """

    name: str
    status: Literal["pass", "fail", "warn", "skip"]
    detail: str = ""


@dataclass
class CheckReport:
    """The result of :func:`check_agent`.

    Attributes:
        agent, version: the agent's id and version ("?" when it could not be made).
        env: the environment played; seeds: the two episode seeds used.
        checks: the rows, in order.
    """

    agent: str
    version: str
    env: str
    seeds: tuple[int, int]
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no check failed (warnings allowed)."""
        return all(c.status != "fail" for c in self.checks)

    def failed(self) -> list[Check]:
        """The rows with status ``"fail"``."""
        return [c for c in self.checks if c.status == "fail"]

    def table(self) -> str:
        """The report as plain text: a header, then one ``STATUS  name  detail`` line per row."""
        width = max((len(c.name) for c in self.checks), default=0)
        lines = [f"check-agent {self.agent} (version {self.version}) on {self.env}, "
                 f"seeds {self.seeds[0]} and {self.seeds[1]}"]  # fmt: skip
        for c in self.checks:
            detail = c.detail.replace("\n", "\n" + " " * (width + 8))
            lines.append(f"{c.status.upper():5} {c.name:<{width}}  {detail}".rstrip())
        lines.append("PASS" if self.ok else f"FAIL ({len(self.failed())} check(s) failed)")
        return "\n".join(lines)


class _Recorder:
    """An agent seen through: every observation and reply kept, the rest passed on."""

    def __init__(self, agent: Any) -> None:
        self._agent = agent
        self.grid_size: int | None = None
        self.turns: list[tuple[Any, Any]] = []  # (observation, reply)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._agent, name)

    def reset(self, start: Any) -> None:
        self.grid_size = start.grid_size
        self.turns = []
        self._agent.reset(start)

    def act(self, obs: Any) -> Any:
        reply = self._agent.act(obs)
        self.turns.append((obs, reply))
        return reply


def _comparable(record: EpisodeRecord) -> dict[str, Any]:
    data = record.model_dump()
    for name in WALL_CLOCK:
        data.pop(name, None)
    for log in (*data["interaction"], *data["test"]):
        for name in WALL_CLOCK:
            log.pop(name, None)
    data["usage"] = {k: v for k, v in data["usage"].items() if not k.endswith("_s")}
    return data


def _first_difference(a: EpisodeRecord, b: EpisodeRecord) -> str:
    """Where two records differ: the first differing action, else the first differing field."""
    da, db = _comparable(a), _comparable(b)
    for phase in ("interaction", "test"):
        for i, (x, y) in enumerate(zip(da[phase], db[phase], strict=False)):
            if x != y:
                return (f"{a.task_id}: {phase} action {i}: {x['action']!r} vs {y['action']!r}"
                        + ("" if x["action"] != y["action"] else " (same text, other outcome)"))
        if len(da[phase]) != len(db[phase]):
            return f"{a.task_id}: {len(da[phase])} vs {len(db[phase])} {phase} actions"
    for name in da:
        if da[name] != db[name]:
            return f"{a.task_id}: field {name!r}: {da[name]!r} vs {db[name]!r}"[:300]
    return f"{a.task_id}: equal"


def _describe(obs: Any) -> str:
    shape = getattr(getattr(obs, "frame", None), "shape", None)
    return (f"phase {obs.phase}, remaining {obs.remaining}, offered {obs.offered}, frame shape "
            f"{shape}, message {obs.message!r}")  # fmt: skip


def _pick_env(suite: Suite, env: str | None, families: Sequence[str]) -> str:
    if env is not None:
        if env not in suite.envs:
            raise ConfigError(f"unknown environment {env!r}: expected one of "
                              f"{', '.join(suite.envs)}")  # fmt: skip
        return env
    candidates = ([CHECK_ENV] if CHECK_ENV in suite.envs else []) + list(suite.envs)
    for name in candidates:
        if all(suite.task_path(name, f).exists() for f in families):
            return name
    raise ConfigError(f"no environment of the suite has tasks of {', '.join(families)}")


def check_agent(
    factory: Callable[[], Any],
    *,
    suite: Suite | None = None,
    env: str | None = None,
    families: Sequence[str] = FAMILIES,
    seeds: tuple[int, int] = (0, 1),
    budget: int = 24,
    horizon: int = 40,
) -> CheckReport:
    """Check an agent (module docstring) and return the report; never raises for the agent's
    faults (they are rows of the report).

    Args:
        factory: makes a fresh agent each call (``lambda: make_agent("myagent")``); called
            ``2 * len(families) + 1`` times.
        suite: the suite (default: the built-in one).
        env: the environment (default :data:`CHECK_ENV`, or the suite's first with tasks of
            every family in ``families``).
        families: the task families played (default all three).
        seeds: two episode seeds; each episode of the first pass runs with the first, and
            the second pass (fresh agents) repeats them; the one-agent pass alternates
            between both, so a reset that forgets the seed shows.
        budget: interaction-phase budget in actions (default 24; the protocol's is 200).
        horizon: test-phase horizon in actions (default 40; the protocol's is 300).

    Returns:
        A :class:`CheckReport`; ``report.ok`` says whether every check passed.

    Raises:
        ConfigError: an unknown environment or family, or a suite without the tasks.
        Only the factory's errors and the agent's own are caught; a harness bug propagates.
    """
    suite = suite if suite is not None else Suite()
    unknown = [f for f in families if f not in FAMILIES]
    if unknown or not families:
        raise ConfigError(f"unknown task family {unknown[0] if unknown else None!r}: expected "
                          f"one or more of {', '.join(FAMILIES)}")  # fmt: skip
    env = _pick_env(suite, env, families)
    settings = Settings(budget=budget, horizon=horizon)
    report = CheckReport("?", "?", env, seeds)
    checks = report.checks

    def make() -> Any:
        agent = factory()
        for name in ("id", "version"):
            if not isinstance(getattr(agent, name, None), str):
                raise ConfigError(f"{type(agent).__name__} has no string {name!r}")
        for name in ("reset", "act"):
            if not callable(getattr(agent, name, None)):
                raise ConfigError(f"{type(agent).__name__} has no method {name!r}")
        return agent

    try:
        first = make()
    except Exception as err:  # noqa: BLE001 -- the factory's fault is a row
        checks.append(Check("is an agent", "fail", f"{type(err).__name__}: {err}"))
        return report
    report.agent, report.version = first.id, first.version
    checks.append(Check("is an agent", "pass", f"{type(first).__name__}"))

    program = suite.program(env)
    tasks = {f: suite.task(env, f) for f in families}
    wrong: dict[str, Any] = {}

    def play(agent: Any, family: str, seed: int) -> tuple[EpisodeRecord, _Recorder]:
        task = tasks[family]
        if family == "cd" and "cd" not in wrong:
            from worldtest.autumn import load_program

            wrong["cd"] = load_program(task.wrong_program_path())
        recorder = _Recorder(agent)
        record = run_episode(recorder, suite.spec(env), program, task, settings, seed,
                             rng=episode_rng(seed, agent.id, task.id),
                             wrong_program=wrong.get(family), suite=suite.id)  # fmt: skip
        return record, recorder

    # Pass 1: a fresh agent per episode (the first made above plays the first episode).
    fresh: list[EpisodeRecord] = []
    recorders: list[_Recorder] = []
    for i, family in enumerate(families):
        record, recorder = play(first if i == 0 else make(), family, seeds[i % 2])
        fresh.append(record)
        recorders.append(recorder)
    for family, record in zip(families, fresh, strict=True):
        if record.status == "ok":
            checks.append(Check(f"runs: {family}", "pass", f"score {record.score:.3f}"))
        else:
            checks.append(Check(f"runs: {family}", "fail", str(record.error)))

    illegal = None
    for recorder in recorders:
        for obs, reply in recorder.turns:
            try:
                parse_action(reply, recorder.grid_size)
            except ActionError as err:
                illegal = f"{reply!r}: {err}\n  answering: {_describe(obs)}"
                break
        if illegal:
            break
    n_actions = sum(len(r.turns) for r in recorders)
    checks.append(Check("legal actions", "fail" if illegal else "pass",
                        illegal or f"{n_actions} action(s) parsed"))  # fmt: skip
    refused = [(log.action, log.message) for r in fresh for log in (*r.interaction, *r.test)
               if not log.valid]  # fmt: skip
    if refused and not illegal:
        action, message = refused[0]
        checks.append(Check("offered actions", "warn", f"{len(refused)} action(s) refused in "
                            f"their phase, first {action!r}: {message}"))  # fmt: skip

    # Pass 2: fresh agents again, same seeds: identical records but for the wall clock.
    again = [play(make(), family, seeds[i % 2])[0] for i, family in enumerate(families)]
    differ = [(a, b) for a, b in zip(fresh, again, strict=True) if _comparable(a) != _comparable(b)]
    checks.append(Check("seeded (same seeds, same records)", "fail" if differ else "pass",
                        _first_difference(*differ[0]) + ": draw every random choice from "
                        "start.rng, never from random, numpy's global state or the clock"
                        if differ else f"{len(fresh)} episode(s) repeated"))  # fmt: skip

    # Pass 3: one agent, every episode in turn, twice: reset must forget the previous one.
    if differ:
        checks.append(Check("reset (one agent = fresh agents)", "skip",
                            "not checked: the agent is not seeded"))
        return report
    one = make()
    ran = [play(one, family, seeds[i % 2])[0] for _ in range(2)
           for i, family in enumerate(families)]  # fmt: skip
    stale = [(a, b) for a, b in zip(fresh * 2, ran, strict=True)
             if _comparable(a) != _comparable(b)]  # fmt: skip
    checks.append(Check("reset (one agent = fresh agents)", "fail" if stale else "pass",
                        _first_difference(*stale[0]) + ": reset(start) must forget the last "
                        "episode" if stale else f"{len(ran)} episode(s) in one agent"))  # fmt: skip
    return report
