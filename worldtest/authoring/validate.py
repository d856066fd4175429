"""Prove shipped tasks sound (``worldtest tasks validate``), as the protocol defines soundness.

For each task, every check of protocol section 3's "task quality" paragraphs:

- MFP (3.1): replaying the recorded actions through the program with the task seed reproduces
  every recorded frame outside the mask; the option at ``answer`` is the true content of the mask
  in the final frame; the six options are pairwise distinct; and every distractor is re-derived
  from its recorded source (another tick, another seed, other actions, the CD wrong program), so
  each is the mask region of a frame the program can produce (a rule perturbation's literal
  must still be where its source says).
- Planning (3.2): the goal is not met at tick 0; the witness plan meets it at its last action and
  not before; breadth-first search finds no shorter plan (so ``optimal_actions`` is the shortest
  the validator finds); the plan fits the horizon.
- CD (3.3): the wrong program differs from the original; the trigger does not hold at frame 0;
  a plan that fires the trigger is found by search; along it, and along many seeded random
  rollouts, the first frame where the two programs differ is exactly the first frame where the
  trigger holds (frame T - 1), or neither happens.
- Finally the oracle agent plays each task through the real protocol and must score 1.0.

Over the whole suite: the similarity-only MFP baselines (:mod:`worldtest.tasks.baselines`) must
stay at most ``SIMILARITY_LIMIT`` once there are ``SIMILARITY_MIN_TASKS`` MFP tasks, and the
distribution of ``optimal_actions`` is printed. Then the model-free adversary battery
(:mod:`worldtest.authoring.battery`) plays the suite beside the random agent, prints its table, and
fails the suite where a member beats random by more than ``BATTERY_MARGIN`` on a family.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from worldtest.authoring.derive import (
    MAX_PLAN_NODES,
    parse_events,
    patch,
    policy_event,
    replay,
    source_patch,
    trigger_plan,
)
from worldtest.authoring.problem import Problem
from worldtest.autumn import Program, World, load_program
from worldtest.env import frame_of, start_world
from worldtest.errors import ActionError, AutumnError, ConfigError, WorldtestError
from worldtest.search import Event, bfs, goal_test
from worldtest.suite import Suite
from worldtest.tasks.checks import check_task
from worldtest.tasks.models import CdTask, MfpTask, PlanningTask, Task

__all__ = ["Problem", "validate", "validate_task", "parse_events", "cd_rollout",
           "N_CD_ROLLOUTS", "battery_check"]

N_CD_ROLLOUTS = 24
SIMILARITY_MIN_TASKS = 20  # suites smaller than this are too noisy for the baseline check
CD_ROLLOUT_LENGTH = 80


def _first_diff(a: list[np.ndarray], b: list[np.ndarray]) -> int | None:
    for i, (x, y) in enumerate(zip(a, b)):
        if not np.array_equal(x, y):
            return i
    return None


# -- the test's start ------------------------------------------------------------------------------
def _validate_start(task: Task, program: Program) -> list[Problem]:
    """A hidden prefix must leave a frame other than the initial one (docs/protocol.md, 2): a
    test that starts where the interaction phase started can be passed from memory."""
    if not task.prefix:
        return []
    shown = frame_of(start_world(program, task.seed, parse_events(task.prefix)))
    if np.array_equal(shown, frame_of(program.start(task.seed))):
        return [Problem(task.id, "prefix", "leaves the initial frame: the test would start "
                        "where the interaction phase starts")]
    return []


# -- MFP ----------------------------------------------------------------------------------------
def _validate_mfp(task: MfpTask, program: Program, wrong: Program | None) -> list[Problem]:
    p: list[Problem] = []
    tid = task.id
    events = parse_events(task.actions)
    prefix = parse_events(task.prefix)
    frames = replay(program, task.seed, events, prefix)
    m = task.mask
    rect = (m.x, m.y, m.width, m.height)
    for i, (shown, real) in enumerate(zip(task.frames, frames)):
        expect = m.apply(real) if i >= m.from_frame else real
        if not np.array_equal(shown, expect):
            ys, xs = np.nonzero(shown != expect)
            p.append(Problem(tid, f"frames.{i}", f"differs from the replay at cell "
                             f"({int(xs[0])},{int(ys[0])}): the recording is not reproducible"))
            break
    truth = patch(frames[-1], rect)
    if not np.array_equal(task.options[task.answer], truth):
        p.append(Problem(tid, "answer", f"option {task.answer} is not the true content of the "
                         "mask in the final frame"))
    # Distinct options, one source each with the truth at the answer, and no sources only for
    # an imported task: checked when the task loads (worldtest.tasks.models).
    for i, src in enumerate(task.option_sources):
        try:
            again = source_patch(program, task.seed, events, src, rect, frames, wrong,
                                 prefix)
        except (WorldtestError, AutumnError) as e:
            p.append(Problem(tid, f"option_sources.{i}", str(e).splitlines()[0]))
            continue
        if not np.array_equal(again, task.options[i]):
            p.append(Problem(tid, f"options.{i}", f"is not reproduced by its source {src}"))
    return p


# -- planning -----------------------------------------------------------------------------------
def _validate_planning(task: PlanningTask, program: Program) -> list[Problem]:
    p: list[Problem] = []
    tid = task.id
    start = start_world(program, task.seed, parse_events(task.prefix))
    test = goal_test(task.goal, task.mask)
    if test(start):
        return [Problem(tid, "goal", "already met at tick 0")]
    events = parse_events(task.plan)
    world = start.copy()
    for i, ev in enumerate(events):
        world.step(ev)
        if test(world):
            if i + 1 < len(events):
                p.append(Problem(tid, "plan", f"meets the goal after {i + 1} actions, before its "
                                 f"end ({len(events)})"))
            break
    else:
        p.append(Problem(tid, "plan", "does not reach the goal"))
    # What search must prove: no plan shorter than optimal_actions, or, where the derivation's
    # budget could not prove that, none shorter than lower_bound. (A plan beyond the horizon is
    # a static defect: worldtest.tasks.checks.)
    proven = task.optimal_actions if task.lower_bound is None else task.lower_bound
    field = "optimal_actions" if task.lower_bound is None else "lower_bound"
    if proven > 1:
        clicks = [(e[1], e[2]) for e in events if isinstance(e, tuple)]
        clicks += [(int(x), int(y)) for y, x in zip(*np.nonzero(task.mask))]
        shorter = bfs(start, test, max_depth=proven - 1,
                      max_nodes=MAX_PLAN_NODES, extra_cells=clicks)
        if shorter.plan is not None:
            p.append(Problem(tid, field, f"a plan of {len(shorter.plan)} actions "
                             f"exists, shorter than {proven}"))
        elif not shorter.exhausted:
            p.append(Problem(tid, field, f"search budget ({MAX_PLAN_NODES} nodes) "
                             f"ran out before proving no plan shorter than {proven} exists"))
    return p


# -- CD -----------------------------------------------------------------------------------------
def cd_rollout(original: Program, wrong: Program, trigger: str, seed: int,
               events: list[Event], prefix: list[Event] | tuple[Event, ...] = ()
               ) -> tuple[int | None, int | None]:
    """Run both programs in lock-step and time the trigger as the CD test phase does.

    Both start from ``seed`` after the hidden ``prefix`` (the test's frame 0 is the frame after
    it; frame and tick numbers count from there).

    Returns:
        ``(first differing frame, T)``, None where nothing happened. T comes from the
        interpreter's step-3 evaluation in each tick (tick i makes frame i), or from a
        between-steps check of the frame where the programs first differ or of the last frame.
        A sound trigger gives first differing frame in ``{T - 1, T}`` (protocol 3.3's window).
    """
    a = start_world(original, seed, prefix)
    b = start_world(wrong, seed, prefix, trigger=trigger)
    diff = T = None
    for i in range(1, len(events) + 1):
        try:
            a.step(events[i - 1])
            b.step(events[i - 1])
        except AutumnError:
            break
        if T is None and b.triggered:
            T = i
        if not np.array_equal(frame_of(a), frame_of(b)):
            diff = i
            break
    if T is None and b.condition(trigger):
        T = (diff if diff is not None else len(events)) + 1
    if diff is None and not np.array_equal(frame_of(start_world(original, seed, prefix)),
                                           frame_of(start_world(wrong, seed, prefix))):
        diff = 0
    return diff, T


def _cd_sound(diff: int | None, T: int | None) -> bool:
    return (diff is None and T is None) or (diff is not None and T is not None and
                                            T - 1 <= diff <= T)


def _random_events(world: World, rng: np.random.Generator, n: int) -> list[Event]:
    out: list[Event] = []
    w = world.copy()
    last: Event = "none"
    for _ in range(n):
        last = policy_event(w, rng, last)
        try:
            w.step(last)
        except AutumnError:
            break
        out.append(last)
    return out


def _validate_cd(task: CdTask, program: Program, wrong: Program | None) -> list[Problem]:
    tid = task.id
    if wrong is None:
        return [Problem(tid, "wrong_program", f"{task.wrong_program} is missing")]
    # A wrong program identical to the original, a trigger that does not compile or holds at
    # frame 0: found by check_task before this.
    p: list[Problem] = []
    # An identical wrong program and a trigger that holds at frame 0 are static defects
    # (worldtest.tasks.checks); the change must also stay hidden along the hidden prefix.
    prefix = parse_events(task.prefix)
    try:
        if prefix and cd_rollout(program, wrong, task.trigger, task.seed, prefix) != (None, None):
            p.append(Problem(tid, "prefix", "the trigger holds, or the programs differ, along "
                             "the hidden prefix: the change shows before the test starts"))
    except AutumnError as e:
        return p + [Problem(tid, "trigger", str(e).splitlines()[0])]
    # The witness the task carries is replayed; a task without one (imported) is searched.
    plan: list[Event] | None = task.witness_events()
    if plan is None:
        start = start_world(wrong, task.seed, prefix, trigger=task.trigger)
        found = trigger_plan(start, task.trigger)
        plan = found.plan
        if plan is None:
            p.append(Problem(tid, "trigger", "no plan of at most 40 actions fires it (search "
                             f"budget {found.nodes} nodes)"))
    if plan is not None:
        diff, T = cd_rollout(program, wrong, task.trigger, task.seed, plan, prefix)
        what = "the task's witness" if task.witness is not None else "the plan that fires it"
        if T is None:
            p.append(Problem(tid, "witness" if task.witness is not None else "trigger",
                             f"{what} ({len(plan)} action{'s' * (len(plan) != 1)}) never "
                             "fires the trigger"))
        elif not _cd_sound(diff, T) or diff is None:
            p.append(Problem(tid, "trigger", f"on {what} (T = {T}), the programs "
                             f"first differ at frame {diff}, not at T - 1 or T"))
    rng = np.random.default_rng(task.seed)
    plan = plan or []
    for r in range(N_CD_ROLLOUTS):
        # Random rollouts from scratch (other seeds on odd r), and, on every third, a prefix of
        # the firing plan followed by random actions, to exercise the states around the change.
        seed = task.seed if r % 2 == 0 else int(rng.integers(1, 2**31))
        lead: list[Event] = []
        if plan and r % 3 == 2:
            seed = task.seed
            lead = plan[:int(rng.integers(max(len(plan) - 6, 0), len(plan) + 1))]
        # The hidden prefix was derived for the task seed; other seeds test the trigger from
        # the initial state, where no prefix has run.
        start = prefix if seed == task.seed else []
        world = start_world(wrong, seed, start)
        for ev in lead:
            world.step(ev)
        events = lead + _random_events(world, rng, CD_ROLLOUT_LENGTH)
        diff, T = cd_rollout(program, wrong, task.trigger, seed, events, start)
        if not _cd_sound(diff, T):
            p.append(Problem(tid, "trigger", f"random rollout {r} (seed {seed}, "
                             f"{len(events)} actions): the programs first differ at frame "
                             f"{diff}, but the trigger gives T = {T}"))
            break
    return p


# -- the whole suite ----------------------------------------------------------------------------
def validate_task(suite: Suite, env: str, family: str, *, oracle: bool = True) -> list[Problem]:
    """Validate one task of ``suite`` (a :class:`worldtest.suite.Suite`)."""
    tid = f"{env}/{family}"
    try:
        task = suite.task(env, family)
    except WorldtestError as e:
        return [Problem(tid, "file", str(e))]
    program = suite.program(env)
    wrong_path = suite.task_path(env, "cd").parent / "cd_wrong.sexp"
    wrong = None
    if wrong_path.exists():
        try:
            wrong = load_program(str(wrong_path))
        except AutumnError as e:
            return [Problem(tid, "wrong_program", str(e).splitlines()[0])]
    static = check_task(task, program)
    if static:  # the same defects stop `worldtest run` (worldtest.runner), with the same text
        return [Problem(tid, "file", str(e)) for e in static]
    try:
        problems = _validate_start(task, program)
        if family == "mfp":
            problems += _validate_mfp(task, program, wrong)
        elif family == "planning":
            problems += _validate_planning(task, program)
        else:
            problems += _validate_cd(task, program, wrong)
    except (AutumnError, ActionError) as e:
        return [Problem(tid, "replay", str(e).splitlines()[0])]
    if oracle and not problems:
        score = _oracle_score(suite, env, family, task)
        if score != 1.0:
            problems.append(Problem(tid, "oracle", f"the oracle scores {score}, not 1.0: the task "
                                    "is not solvable as specified"))
    return problems


def _oracle_score(suite: Suite, env: str, family: str, task: Task) -> float:
    from worldtest.agents.oracle import OracleAgent
    from worldtest.protocol import Settings, run_episode
    record = run_episode(OracleAgent(), suite.spec(env), suite.program(env), task, Settings(),
                         seed=task.seed, rng=np.random.default_rng(0))
    return record.score


def validate(root: Path | None, envs: list[str] | None = None, *, oracle: bool = True,
             echo: Any = None, battery_seeds: int = 3, workers: int = 1) -> list[Problem]:
    """Validate every task of every environment (or of ``envs``) under ``root``.

    Args:
        root: the suite folder (None: the project's).
        envs: environment names (default: all).
        oracle: play each task with the oracle.
        echo: optional ``echo(text)`` for progress lines and the suite's tables.
        battery_seeds: seeds of the model-free adversary battery
            (:mod:`worldtest.authoring.battery`); 0 skips it.
        workers: processes validating tasks at once (``worldtest.parallel``); the problems and
            the echoed lines are the same, in the same order, for any number.

    Returns:
        Every problem found (empty when all tasks are sound).

    Raises:
        ConfigError: battery_seeds < 0.
    """
    if battery_seeds < 0:
        raise ConfigError(f"battery_seeds must be >= 0, got {battery_seeds}")
    from worldtest.parallel import imap_ordered
    suite = Suite(root)
    names = envs or sorted(suite.envs)
    problems: list[Problem] = []
    items = [(suite.root, env, oracle) for env in names]  # one environment: its programs once
    _SUITES[suite.root] = suite  # the serial case uses this process's suite
    try:
        results = imap_ordered(_validate_env, items, workers,
                               preload=("worldtest.authoring.validate",))
        for env, per_task in zip(names, results):
            for family, found in per_task:
                if echo is not None:
                    echo(f"{env}/{family}: " + ("ok" if not found else f"{len(found)} problem(s)"))
                problems += found
    finally:
        _SUITES.pop(suite.root, None)
    problems += _suite_checks(suite, names, echo)
    if battery_seeds:
        problems += battery_check(suite, names, battery_seeds, echo)
    return problems


def battery_check(suite: Suite, names: list[str], n_seeds: int, echo: Any = None) -> list[Problem]:
    """Run the adversary battery (:func:`worldtest.authoring.battery.run_battery`) over ``names``;
    print its table; a problem per member beating random by more than ``BATTERY_MARGIN`` on a
    family of at least ``BATTERY_MIN_TASKS`` tasks (a failing member's episode is a problem
    too)."""
    from worldtest.authoring.battery import battery_problems, battery_table, run_battery
    try:
        result = run_battery(suite, names, n_seeds=n_seeds)
    except WorldtestError as e:
        return [Problem("suite", "battery", str(e).splitlines()[0])]
    if echo is not None:
        echo(battery_table(result))
    return battery_problems(result)


_SUITES: dict[Path, Any] = {}  # per process: suite root -> Suite (its programs compiled once)


def _validate_env(item: tuple[Path, str, bool]) -> list[tuple[str, list[Problem]]]:
    """(family, problems) of the three tasks of one (root, env, oracle), in a worker process or
    this one."""
    root, env, oracle = item
    if root not in _SUITES:
        _SUITES[root] = Suite(root)
    return [(family, validate_task(_SUITES[root], env, family, oracle=oracle))
            for family in ("mfp", "planning", "cd")]


def _suite_checks(suite: Suite, names: list[str], echo: Any) -> list[Problem]:
    """Suite-wide figures: the similarity-only MFP baselines (which must stay near chance once
    the suite has at least ``SIMILARITY_MIN_TASKS`` MFP tasks) and the plan-length spread."""
    from worldtest.tasks.baselines import SIMILARITY_LIMIT, suite_scores
    mfp, plans = [], []
    for env in names:
        try:
            mfp.append(suite.task(env, "mfp"))
            plans.append(suite.task(env, "planning").optimal_actions)
        except WorldtestError:
            continue  # already reported per task
    scores = suite_scores(mfp)
    if echo is not None and mfp:
        echo(f"similarity-only MFP baselines over {len(mfp)} tasks (chance 0.167): " +
             ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))
    if echo is not None and plans:
        echo(f"planning optimal_actions over {len(plans)} tasks: min {min(plans)}, median "
             f"{float(np.median(plans)):g}, max {max(plans)}; "
             f"{', '.join(f'{k}:{plans.count(k)}' for k in sorted(set(plans)))}")
    if len(mfp) < SIMILARITY_MIN_TASKS:
        return []
    return [Problem("suite/mfp", f"{name} baseline", f"picks the truth with mean score "
                    f"{value:.3f} over {len(mfp)} tasks, above {SIMILARITY_LIMIT}: the unmasked "
                    "cells give the answer away")
            for name, value in scores.items() if value > SIMILARITY_LIMIT]
