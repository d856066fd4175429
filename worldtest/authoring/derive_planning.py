"""Planning task derivation (protocol 3.2) and the test start of a hand-written CD task (3.3).

The method is described in :mod:`worldtest.authoring.derive`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from worldtest.authoring.derive_common import (
    CD_PREFIX_TRIES, DERIVE_LAYER_NODES, DERIVE_LAYER_TICKS, DERIVE_PLAN_NODES,
    DERIVE_PLAN_TICKS, DERIVE_VERSION, GOAL_WINDOW, PLAN_MIN_ACTIONS, PLAN_ROLLOUT, PLAN_ROUNDS,
    PLANNING_HORIZON, TASK_VERSION, _window, hidden_prefix, replay, rollout, task_rng,
    task_seed, trigger_plan,
)
from worldtest.autumn import Program, World
from worldtest.env import frame_of, start_world
from worldtest.errors import AutumnError, WorldtestError
from worldtest.search import Event, bfs, bfs_layers, event_text, goal_test
from worldtest.tasks.models import CdTask, PlanningTask
from worldtest.tasks.policies import planning_battery_reaches


def derive_planning(env: str, program: Program, *, attempts: int = 60,
                    horizon: int = PLANNING_HORIZON) -> PlanningTask:
    """Derive the planning task of ``env`` (see the module docstring).

    The test starts after a hidden prefix (:func:`hidden_prefix`). Goals come from a state at a
    drawn depth of at least :data:`PLAN_MIN_ACTIONS` of the breadth-first layers from that start
    (where the world's states are few enough to enumerate that deep), or from the end of a
    rule-exercising rollout of :data:`PLAN_ROLLOUT` actions; the goal is a window of at most
    ``GOAL_WINDOW`` x ``GOAL_WINDOW`` over the cells the actions changed (and waiting alone
    would not). A goal is rejected when its shortest plan is shorter than
    :data:`PLAN_MIN_ACTIONS`, or when a member of the model-free planning battery (the
    open-loop sequences, the greedy goal chaser, repeat-best:
    :func:`~worldtest.tasks.policies.planning_battery_reaches`) reaches it within ``horizon``;
    where ``attempts`` tries find none, later rounds relax that (:data:`PLAN_ROUNDS`).
    ``optimal_actions`` is the length of the shortest plan search finds; where the search budget
    could not prove it shortest, ``lower_bound`` records the length below which search proved
    that no plan exists.

    Raises:
        WorldtestError: no goal was found in any round.
    """
    seed, rng = task_seed(env, "planning"), task_rng(env, "planning")
    prefix = hidden_prefix(program, seed, rng)
    start = start_world(program, seed, prefix)
    f0 = frame_of(start)
    layers, complete = bfs_layers(start, max_nodes=DERIVE_LAYER_NODES,
                                  max_ticks=DERIVE_LAYER_TICKS)
    # Frames of waiting alone, as long as any goal's actions.
    passive = replay(program, seed, [None] * max(complete, PLAN_ROLLOUT[1]), prefix)
    # Later rounds of attempts, only where the earlier ones found nothing, relax what
    # disqualifies a goal (PLAN_ROUNDS): in worlds whose clicks edit the picture directly (life)
    # every goal is the greedy chaser's, in small worlds (rotate) random play covers every state
    # within the horizon. The suite-wide battery check bounds what this gives away.
    for attempt in range(len(PLAN_ROUNDS) * attempts):
        shortest, allowed = PLAN_ROUNDS[attempt // attempts]
        if complete >= PLAN_MIN_ACTIONS and attempt % 2 == 0:
            depth = int(rng.integers(PLAN_MIN_ACTIONS, complete + 1))
            world, events = layers[depth][int(rng.integers(len(layers[depth])))]
        else:
            world = start.copy()
            try:
                events = rollout(world, rng, int(rng.integers(PLAN_ROLLOUT[0],
                                                              PLAN_ROLLOUT[1] + 1)))
            except AutumnError:
                continue
        final = frame_of(world)
        # The goal window sits on what the actions changed: cells that differ both from frame
        # 0 and from the frame that waiting as long would give.
        changed = (final != f0) & (final != passive[len(events)])
        if not changed.any():
            continue
        mask = _goal_mask(changed, _window(changed, rng, GOAL_WINDOW))
        test = goal_test(final, mask)
        witness = _first_meeting(start, list(events), test)
        if witness is None or len(witness) < shortest:
            continue
        hit = planning_battery_reaches(start, final, mask, horizon, seed)
        if hit is not None and not hit.startswith(allowed):
            continue  # reached by a model-free policy: not a planning problem
        clicks = [(e[1], e[2]) for e in witness if isinstance(e, tuple)]
        clicks += [(int(cx), int(cy)) for cy, cx in zip(*np.nonzero(mask))]
        result = bfs(start, test, max_depth=len(witness) - 1, max_nodes=DERIVE_PLAN_NODES,
                     max_ticks=DERIVE_PLAN_TICKS, extra_cells=clicks)
        lower_bound = None
        if result.plan is not None:
            witness = list(result.plan)  # breadth-first: the shortest
        elif not result.exhausted:
            lower_bound = result.depth_done + 1
        if len(witness) < shortest or all(e is None for e in witness):
            continue
        return PlanningTask(
            id=f"{env}/planning", env=env, family="planning", version=TASK_VERSION, seed=seed,
            derived_by=f"worldtest tasks derive v{DERIVE_VERSION}",
            prefix=[event_text(e) for e in prefix],
            goal=final, mask=mask, optimal_actions=len(witness), lower_bound=lower_bound,
            plan=[event_text(e) for e in witness])
    raise WorldtestError(f"{env}: could not derive a planning task in "
                         f"{len(PLAN_ROUNDS) * attempts} attempts")


def _goal_mask(changed: np.ndarray, rect: tuple[int, int, int, int]) -> np.ndarray:
    """The goal mask: the changed cells inside ``rect`` and their 4-neighbours.

    The neighbours keep what surrounds the change as it is in the goal (often background):
    a goal of bare coloured cells is met by accident in busy worlds (issue 15 found open-loop
    sequences reaching 12 of 43 goals of derivation v2).

    Returns:
        ``uint8`` (H, W) of 0/1.
    """
    x, y, w, h = rect
    core = np.zeros_like(changed)
    core[y:y + h, x:x + w] = changed[y:y + h, x:x + w]
    grown = core.copy()
    grown[1:] |= core[:-1]
    grown[:-1] |= core[1:]
    grown[:, 1:] |= core[:, :-1]
    grown[:, :-1] |= core[:, 1:]
    return grown.astype(np.uint8)


def _first_meeting(start: World, events: list[Event], test: Any) -> list[Event] | None:
    """``events`` cut at the first tick after which ``test`` holds, or None if it never does."""
    world = start.copy()
    for i, ev in enumerate(events):
        try:
            world.step(ev)
        except AutumnError:
            return None
        if test(world):
            return events[:i + 1]
    return None


def derive_cd_start(env: str, program: Program, wrong: Program, task: CdTask) -> CdTask:
    """The hand-written CD ``task`` with derivation v3's test start: the task seed and a hidden
    prefix along which the trigger never holds (:func:`hidden_prefix`) and after which search
    still finds a plan that fires it (kept as the task's ``witness``); everything written by
    hand (wrong program, trigger, change) is kept.

    Raises:
        WorldtestError: no such prefix was found.
    """
    seed, rng = task_seed(env, "cd"), task_rng(env, "cd")
    for _ in range(CD_PREFIX_TRIES):
        prefix = hidden_prefix(program, seed, rng, wrong=wrong, trigger=task.trigger)
        # The change must stay findable from the test's start: a prefix that removes what
        # fires it (crystal: shattering the only crystal) is drawn again.
        start = start_world(wrong, seed, prefix, trigger=task.trigger)
        found = trigger_plan(start, task.trigger)
        if found.plan is not None:
            break
    else:
        raise WorldtestError(f"{env}: no hidden prefix in {CD_PREFIX_TRIES} tries leaves the "
                             "CD trigger reachable by search")
    made = task.model_copy(update={"seed": seed, "version": TASK_VERSION,
                                   "prefix": [event_text(e) for e in prefix],
                                   "witness": [event_text(e) for e in found.plan]})
    made._path = task.path
    return made
