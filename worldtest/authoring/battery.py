"""The model-free adversary battery of ``worldtest tasks validate`` (issue 15).

A suite measures world-model learning only if tricks that learn nothing do no better than
chance. The battery plays such tricks (:mod:`worldtest.agents.adversaries`,
:mod:`worldtest.tasks.baselines`, :mod:`worldtest.tasks.policies`) on every task of a suite,
beside the random agent (:class:`~worldtest.agents.random.RandomAgent`), and
:func:`battery_problems` reports each member whose mean score on a family beats random's by
more than :data:`BATTERY_MARGIN`.

How each family is measured (seeds ``42, 43, ...``: the first is the runner's default seed):

- **MFP**: every scorer of :data:`~worldtest.tasks.baselines.MFP_SCORERS` and
  :data:`~worldtest.tasks.baselines.EXTRA_SCORERS` is a deterministic function of what the
  agent sees, so its exact expected score (1/k for a k-way tie with the truth) is used, with no
  episode. Random chooses uniformly among the six options, so its expected score is exactly
  1/6 on every task: that is the random row, not a sample.
- **Planning**: each member plays real episodes with a zero interaction budget
  (:func:`worldtest.protocol.run_episode`, so the test starts where the protocol starts it):
  ``noop``, ``hold-<arrow>``, ``click-goal-cells`` (deterministic: one episode), ``greedy`` and
  ``repeat-best`` (one episode per seed, the policy seeded with the seed's index, so greedy
  runs on seeds 0, 1, 2 as in task derivation) and ``random-sequences`` (the mean over the
  first :data:`BATTERY_RANDOM_SEQUENCES` open-loop random sequences of task derivation, seeded
  by the task seed). Random plays one episode per seed.
- **CD**: the members play one real episode per seed with the default settings; only
  ``replay-diff`` explores (the others send ``go-to-test`` at once). Random plays one episode
  per seed.

Random plays with a zero interaction budget: its test-phase actions never depend on what it
saw, so exploring would only spend ticks (its score distribution is the same).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from worldtest.authoring.problem import Problem
from worldtest.agents.base import Agent
from worldtest.autumn.runtime import Program
from worldtest.errors import ConfigError, WorldtestError
from worldtest.settings import Settings
from worldtest.suite import Suite
from worldtest.tasks.models import CdTask, MfpTask, PlanningTask, Task

__all__ = ["BATTERY_MARGIN", "BATTERY_MIN_TASKS", "BATTERY_RANDOM_SEQUENCES", "FIRST_SEED",
           "BatteryResult", "run_battery",
           "battery_problems", "battery_table", "battery_seeds"]

BATTERY_MARGIN = 0.05
"""How far above random a member's family mean may be before validation fails (issue 15)."""

BATTERY_MIN_TASKS = 20
"""Tasks of a family below which :func:`battery_problems` reports nothing (one task's score is
0 or 1: a small suite's means say nothing about the suite's soundness)."""

FIRST_SEED = 42
"""The first episode seed of the battery (the runner's default seed)."""

BATTERY_RANDOM_SEQUENCES = 10
"""Planning's random open-loop sequences in the battery: the first 10 of task derivation's
:data:`~worldtest.tasks.baselines.N_RANDOM_SEQUENCES` (same seed). Their mean is a second
random baseline (uniform random actions); derivation already rejects a goal that any of the
100 reaches, and playing all 100 would multiply the battery's cost by four."""

FAMILIES = ("mfp", "planning", "cd")


@dataclass
class BatteryResult:
    """The battery's scores over a suite.

    Attributes:
        scores: family -> member -> task id -> score (the mean over seeds; MFP: exact).
        random: family -> task id -> random's score (the mean over seeds; MFP: 1/6).
        seeds: the episode seeds.
        seconds: wall-clock time of the run; family_seconds: its split by family.
    """

    scores: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    random: dict[str, dict[str, float]] = field(default_factory=dict)
    seeds: list[int] = field(default_factory=list)
    seconds: float = 0.0
    family_seconds: dict[str, float] = field(default_factory=dict)

    def mean(self, family: str, member: str | None = None) -> float:
        """A member's (None: random's) mean score over the family's tasks; NaN if none."""
        per_task = self.random.get(family, {}) if member is None else \
            self.scores.get(family, {}).get(member, {})
        return float(np.mean(list(per_task.values()))) if per_task else float("nan")

    def n_tasks(self, family: str) -> int:
        """How many tasks of ``family`` were played."""
        return len(self.random.get(family, {}))


def battery_seeds(n: int) -> list[int]:
    """The ``n`` episode seeds ``FIRST_SEED, FIRST_SEED + 1, ...``.

    Raises:
        ConfigError: n < 1.
    """
    if n < 1:
        raise ConfigError(f"the battery needs at least one seed, got {n}")
    return [FIRST_SEED + i for i in range(n)]


class _Planner:
    """A planning member as an agent: plays ``policy(frame, goal, mask)`` or a fixed list."""

    version = "1"
    privileged = False

    def __init__(self, name: str, member: Any) -> None:
        self.id = f"adversary/plan-{name}"
        self.member = member
        self._t = 0

    def reset(self, start: Any) -> None:
        self._t = 0

    def act(self, obs: Any) -> str:
        from worldtest.search import event_text
        if obs.phase != "planning":
            return "go-to-test"
        if callable(self.member):
            event = self.member(obs.frame, obs.goal, obs.goal_mask)
        else:
            event = self.member[min(self._t, len(self.member) - 1)]
        self._t += 1
        return event_text(event)


def _play(agent: Agent, suite: Suite, env: str, task: Task, seed: int,
          wrong: Program | None, settings: Settings) -> float:
    from worldtest.protocol import run_episode
    from worldtest.runner import episode_rng
    record = run_episode(agent, suite.spec(env), suite.program(env), task, settings, seed,
                         rng=episode_rng(seed, agent.id, task.id), wrong_program=wrong)
    if record.status != "ok" and (record.error or "").startswith("agent "):
        raise WorldtestError(f"{task.id}: the battery's {agent.id} failed: {record.error}")
    return float(record.score)  # a program error the member provoked scores 0, as in a run


def _mfp(task: MfpTask, out: BatteryResult) -> None:
    from worldtest.tasks.baselines import extra_expected_scores, mfp_expected_scores
    scores = {**mfp_expected_scores(task), **extra_expected_scores(task)}
    for name, value in scores.items():
        out.scores["mfp"].setdefault(name, {})[task.id] = value
    out.random["mfp"][task.id] = 1.0 / len(task.options)


def _planning(suite: Suite, env: str, task: PlanningTask, seeds: list[int], n_random: int,
              out: BatteryResult) -> None:
    from worldtest.agents.random import RandomAgent
    from worldtest.tasks.baselines import open_loop_sequences
    from worldtest.tasks.policies import GreedyGoalChaser, RepeatBest
    zero = Settings(budget=0)
    horizon = zero.horizon
    loops = open_loop_sequences(suite.spec(env).grid_size, task.mask, horizon, task.seed,
                                n_random=n_random)

    def play(name: str, member: Any, seed: int) -> float:
        return _play(_Planner(name, member), suite, env, task, seed, None, zero)

    scores: dict[str, float] = {}
    for name in ("noop", "hold-left", "hold-right", "hold-up", "hold-down", "click-goal-cells"):
        if name in loops:
            scores[name] = play(name, loops[name], seeds[0])
    policies: dict[str, Callable[[int], Any]] = {"greedy": GreedyGoalChaser,
                                                 "repeat-best": RepeatBest}
    for name, make in policies.items():
        scores[name] = float(np.mean([play(name, make(i), s) for i, s in enumerate(seeds)]))
    randoms = [play("random-sequences", loops[f"random-{i}"], seeds[0])
               for i in range(n_random)]
    if randoms:
        scores["random-sequences"] = float(np.mean(randoms))
    for name, value in scores.items():
        out.scores["planning"].setdefault(name, {})[task.id] = value
    out.random["planning"][task.id] = float(np.mean(
        [_play(RandomAgent(), suite, env, task, s, None, zero) for s in seeds]))


def _cd(suite: Suite, env: str, task: CdTask, seeds: list[int], out: BatteryResult) -> None:
    from worldtest.agents.adversaries import CD_MEMBERS, make_adversary
    from worldtest.agents.random import RandomAgent
    from worldtest.autumn import load_program
    wrong = load_program(str(task.wrong_program_path()))
    for name in CD_MEMBERS:
        value = np.mean([_play(make_adversary(f"adversary/{name}"), suite, env, task, s, wrong,
                               Settings()) for s in seeds])
        out.scores["cd"].setdefault(name, {})[task.id] = float(value)
    out.random["cd"][task.id] = float(np.mean(
        [_play(RandomAgent(), suite, env, task, s, wrong, Settings(budget=0)) for s in seeds]))


def run_battery(suite: Suite, envs: list[str] | None = None, *, n_seeds: int = 3,
                n_random: int | None = None, echo: Any = None) -> BatteryResult:
    """Play the battery on every task of ``envs`` (default: all) of ``suite``.

    Args:
        suite: a :class:`worldtest.suite.Suite`.
        envs: environment names; tasks that fail to load are skipped (validation reports them).
        n_seeds: episode seeds (:func:`battery_seeds`).
        n_random: planning's random open-loop sequences (default
            :data:`BATTERY_RANDOM_SEQUENCES`).
        echo: optional ``echo(text)`` for one progress line per environment.

    Returns:
        The scores (see :class:`BatteryResult`).

    Raises:
        ConfigError: n_seeds < 1.
        WorldtestError: a member's episode failed (a program error in a task validation
            passed).
    """
    seeds = battery_seeds(n_seeds)
    n_random = BATTERY_RANDOM_SEQUENCES if n_random is None else n_random
    out = BatteryResult(scores={f: {} for f in FAMILIES}, random={f: {} for f in FAMILIES},
                        seeds=seeds)
    t0 = time.perf_counter()
    for env in envs or sorted(suite.envs):
        t_env = time.perf_counter()
        for family in FAMILIES:
            try:
                task = suite.task(env, family)
            except WorldtestError:
                continue
            t_family = time.perf_counter()
            if family == "mfp":
                _mfp(task, out)
            elif family == "planning":
                _planning(suite, env, task, seeds, n_random, out)
            else:
                _cd(suite, env, task, seeds, out)
            out.family_seconds[family] = (out.family_seconds.get(family, 0.0) +
                                          time.perf_counter() - t_family)
        if echo is not None:
            echo(f"battery {env}: {time.perf_counter() - t_env:.1f} s")
    out.seconds = time.perf_counter() - t0
    return out


def battery_table(result: BatteryResult) -> str:
    """The battery as a text table: members x families, then random and the best margin."""
    rows: dict[str, dict[str, float]] = {}
    for family in FAMILIES:
        for member in result.scores.get(family, {}):
            rows.setdefault(f"{family}/{member}", {})[family] = result.mean(family, member)
    width = max([len(r) for r in rows] + [22])
    head = f"{'member':<{width}}  " + "  ".join(f"{f:>8}" for f in FAMILIES)

    def line(name: str, values: dict[str, float], fmt: str = "8.3f") -> str:
        cells = [format(values[f], fmt) if f in values and values[f] == values[f] else " " * 8
                 for f in FAMILIES]
        return f"{name:<{width}}  " + "  ".join(cells)

    out = [f"adversary battery: seeds {', '.join(map(str, result.seeds))}; tasks " +
           ", ".join(f"{f} {result.n_tasks(f)}" for f in FAMILIES) +
           " (MFP exact; random's MFP is exactly 1/6)", head]
    out += [line(name, values) for name, values in rows.items()]
    random = {f: result.mean(f) for f in FAMILIES if result.n_tasks(f)}
    out.append(line("random", random))
    best = {f: max(result.mean(f, m) for m in result.scores[f]) - random[f]
            for f in random if result.scores.get(f)}
    out.append(line("best member - random", best, "+8.3f"))
    out.append(f"battery run time {result.seconds:.1f} s (" + ", ".join(
        f"{f} {result.family_seconds.get(f, 0.0):.1f} s" for f in FAMILIES) + ")")
    return "\n".join(out)


def battery_problems(result: BatteryResult, *, margin: float = BATTERY_MARGIN,
                     min_tasks: int | None = None) -> list[Any]:
    """A :class:`~worldtest.authoring.validate.Problem` per (member, family) beating random.

    Args:
        result: from :func:`run_battery`.
        margin: how far above random's family mean a member's may be.
        min_tasks: families with fewer tasks are not judged (default
            :data:`BATTERY_MIN_TASKS`).
    """
    min_tasks = BATTERY_MIN_TASKS if min_tasks is None else min_tasks
    out = []
    for family in FAMILIES:
        n = result.n_tasks(family)
        if n < min_tasks:
            continue
        chance = result.mean(family)
        for member in result.scores.get(family, {}):
            value = result.mean(family, member)
            if value > chance + margin:
                out.append(Problem(f"suite/{family}", f"battery {member}",
                                   f"scores {value:.3f} over {n} tasks, random {chance:.3f}: "
                                   f"more than {margin} above random without a world model"))
    return out
