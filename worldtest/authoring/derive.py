"""Make task instances from an environment's program (``worldtest tasks derive``).

Deterministic: every random choice comes from a generator seeded by the task id, so deriving
twice writes the same bytes. The protocol's task data (section 3) is produced as follows.

MFP (3.1): a recording of a rule-exercising policy (noops, arrows, clicks on objects and on
random cells), ending with a *key* action (a click on an object, or an arrow) followed by noops
while its consequences unfold; the mask covers the bounding box of the cells that change after
the key action (where the dynamics decide the outcome), and the masked frames start with the key
action's frame, as in the reference example ("the last 6 of 73 frames, starting at the last
click"). The five distractors are mask regions of frames the program can produce: other ticks of
the recording, the same actions under other seeds, other key actions or continuations, small
rule perturbations (one integer literal of the program moved by one, :func:`perturbation_sites`)
and the CD wrong program (a one-rule change); each option records its source, so the validator
can re-derive it. The distractors are chosen so that the similarity-only baselines of
:mod:`worldtest.tasks.baselines` cannot single out the truth where the candidates allow it: at
least one distractor continues the unmasked border as well as the truth does, and at least one
is as close to the last unmasked frame.

Planning (3.2): the goal is a state at a drawn depth of the breadth-first layers from the start
(or, where the world branches too fast, the end of a short rule-exercising rollout), masked to
the cells the actions changed (at most an 8x8 window of them); ``optimal_actions`` is the
length of the shortest plan breadth-first search finds (``worldtest.search``), which is stored
as the witness.

CD (3.3): the wrong program and its trigger are written by hand (one rule changed), in
``tasks/<env>/cd_wrong.sexp`` and ``tasks/<env>/cd.json``; derive leaves them as they are.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from worldtest.autumn import Program, World
from worldtest.autumn.reader import Atom, SList, read_program
from worldtest.env import frame_of, parse_action, start_world
from worldtest.errors import ActionError, AutumnError, WorldtestError
from worldtest.search import (ARROWS, Event, bfs, bfs_layers, candidate_events, event_text,
                              goal_test)
from worldtest.tasks.baselines import MFP_SCORERS, expected_score, option_scores
from worldtest.tasks.policies import planning_battery_reaches
from worldtest.suite import Suite
from worldtest.tasks.models import CdTask, MfpMask, MfpTask, PlanningTask, save_task

__all__ = ["derive", "derive_env", "derive_mfp", "derive_planning", "derive_cd_start",
           "hidden_prefix", "mfp_targets", "task_seed", "task_rng",
           "DERIVE_VERSION",
           "replay", "patch", "perturbation_sites", "perturbed_program", "parse_events",
           "trigger_plan"]

DERIVE_VERSION = 3
TASK_VERSION = 2       # the version derivation v3 gives every task it makes (records carry it)
FAMILIES_DERIVED = ("mfp", "planning", "cd")
MAX_MASK = 5           # the largest side of an MFP mask, in cells
GOAL_WINDOW = 8        # the largest side of a planning goal's window of masked cells
MAX_PLAN_NODES = 30_000   # search budget of the validator's optimality proof
DERIVE_PLAN_NODES = 6_000  # budget of one derivation attempt (cheap failures)
DERIVE_PLAN_TICKS = 60_000  # ... in ticks, which bounds what the validator's proof costs
DERIVE_LAYER_NODES = 3_000  # states enumerated to draw planning goals at a spread of depths
DERIVE_LAYER_TICKS = 100_000  # ... and the ticks that enumeration may step
PREFIX_ACTIONS = (8, 24)  # the hidden start's length range, in actions (one tick each)
PLAN_MIN_ACTIONS = 8   # the shortest planning goal derivation v3 accepts, in actions
PLAN_ROLLOUT = (8, 32)  # the length range of the rollouts planning goals come from
PLANNING_HORIZON = 300  # the protocol's default horizon, which the open-loop battery runs to
CD_PREFIX_TRIES = 10   # hidden prefixes drawn for a CD task before giving up
PLAN_ROUNDS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (PLAN_MIN_ACTIONS, ()),                        # no battery member reaches the goal
    (PLAN_MIN_ACTIONS, ("greedy", "repeat")),      # only a closed-loop member does
    (4, ("greedy", "repeat", "random")),           # no constant or goal-clicking sequence does
    (4, ("",)),                                    # any goal of 4 actions or more
)
"""Each round of planning attempts: (the shortest plan accepted, the battery members whose
reaching the goal does not disqualify it, as name prefixes)."""


TASK_SEED_KEY = b"worldtest/task-seed/v3"
"""The key of the keyed hash that makes task seeds (derivation v3)."""



def parse_events(actions: list[str]) -> list[Event]:
    """Action texts (noop, arrows, ``click X Y``) -> interpreter events.

    Raises:
        ActionError: an action that is not a one-tick program action.
    """
    out: list[Event] = []
    for text in actions:
        a = parse_action(text)
        if not a.is_program_action:
            raise ActionError(f"{text!r} is not a program action")
        out.append(a.event)
    return out


CD_SEARCH_DEPTH, CD_SEARCH_NODES = 40, 20_000  # the search for a plan that fires a trigger


def trigger_plan(start: World, trigger: str) -> Any:
    """Breadth-first search from ``start`` (a world run with ``trigger``) for a plan that fires
    the trigger within ``CD_SEARCH_DEPTH`` actions and ``CD_SEARCH_NODES`` states: a
    :class:`~worldtest.search.SearchResult`."""
    return bfs(start, lambda w: w.triggered or w.condition(trigger), max_depth=CD_SEARCH_DEPTH,
               max_nodes=CD_SEARCH_NODES)


def task_seed(env: str, family: str) -> int:
    """The task (test) seed: a keyed BLAKE2b hash of the task id, in [1, 2**32 - 1].

    Derivation v2 drew seeds from [1, 9999], which an agent handed the program could enumerate
    (issue 15: the simulator scored 0.956 that way); 32 bits from a keyed hash cannot be, and
    never give the degenerate seed 0 (autumn-language.md section 6).
    """
    digest = hashlib.blake2b(f"{env}/{family}".encode(), key=TASK_SEED_KEY, digest_size=8)
    return 1 + int.from_bytes(digest.digest(), "big") % (2**32 - 1)


def task_rng(env: str, family: str) -> np.random.Generator:
    """The derivation's random generator, seeded by the task id."""
    return np.random.default_rng(zlib.crc32(f"derive/{env}/{family}".encode()))


def policy_event(world: World, rng: np.random.Generator, last: Event = "none") -> Event:
    """One action of the rule-exercising policy: 20% a repeat of ``last`` (to reach counters and
    thresholds), else 25% noop, 30% arrows, 30% clicks on a non-background cell, 15% clicks on a
    uniform cell."""
    if last != "none" and rng.random() < 0.2:
        return last
    r = rng.random()
    if r < 0.25:
        return None
    if r < 0.55:
        return ARROWS[int(rng.integers(4))]
    n = world.grid_size
    if r < 0.85:
        objs = [e for e in candidate_events(world) if isinstance(e, tuple)]
        if objs:
            return objs[int(rng.integers(len(objs)))]
    return ("click", int(rng.integers(n)), int(rng.integers(n)))


def rollout(world: World, rng: np.random.Generator, n: int) -> list[Event]:
    """Step ``world`` through ``n`` policy actions; return them.

    Raises:
        AutumnError: the program failed on one of them.
    """
    events: list[Event] = []
    last: Event = "none"
    for _ in range(n):
        last = policy_event(world, rng, last)
        world.step(last)
        events.append(last)
    return events


def replay(program: Program, seed: int, events: list[Event],
           prefix: list[Event] | tuple[Event, ...] = ()) -> list[np.ndarray]:
    """Frames 0..len(events) of ``program`` run from ``seed`` with ``events`` (one tick each),
    after the hidden ``prefix`` (frame 0 is the frame after it)."""
    world = start_world(program, seed, prefix)
    frames = [frame_of(world)]
    for ev in events:
        world.step(ev)
        frames.append(frame_of(world))
    return frames


def patch(frame: np.ndarray, rect: tuple[int, int, int, int]) -> np.ndarray:
    """The ``(x, y, width, height)`` rectangle of ``frame``, ``uint8`` (height, width)."""
    x, y, w, h = rect
    return np.ascontiguousarray(frame[y:y + h, x:x + w])


def _window(cells: np.ndarray, rng: np.random.Generator,
            side: int = MAX_MASK) -> tuple[int, int, int, int]:
    """A rectangle of at most ``side`` x ``side`` around some of the changed cells."""
    ys, xs = np.nonzero(cells)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    if x1 - x0 < side and y1 - y0 < side:
        return int(x0), int(y0), int(x1 - x0 + 1), int(y1 - y0 + 1)
    i = int(rng.integers(len(xs)))
    cx, cy = int(xs[i]), int(ys[i])
    n_h, n_w = cells.shape
    x = min(max(cx - side // 2, 0), max(n_w - side, 0))
    y = min(max(cy - side // 2, 0), max(n_h - side, 0))
    sub = cells[y:y + side, x:x + side]
    ys2, xs2 = np.nonzero(sub)
    return (x + int(xs2.min()), y + int(ys2.min()), int(xs2.max() - xs2.min() + 1),
            int(ys2.max() - ys2.min() + 1))


# -- rule perturbations ---------------------------------------------------------------------------
_CONFIG = ("GRID_SIZE", "FRAME_RATE")
_INT = re.compile(r"-?[0-9]+")


def perturbation_sites(program: Program) -> list[tuple[int, int, str]]:
    """The integer literals of ``program`` a rule perturbation may move by one.

    Returns:
        ``(line, column, text)`` of every integer atom (1-based, as in error messages), in
        reading order, except the values of ``GRID_SIZE`` and ``FRAME_RATE``.
    """
    form, _ = read_program(program.source)
    out: list[tuple[int, int, str]] = []

    def walk(node: object) -> None:
        if isinstance(node, SList):
            items = node.items
            if (len(items) == 3 and isinstance(items[0], Atom) and items[0].text == "="
                    and isinstance(items[1], Atom) and items[1].text in _CONFIG):
                return
            for item in items:
                walk(item)
        elif isinstance(node, Atom) and _INT.fullmatch(node.text):
            out.append((node.line, node.col, node.text))

    walk(form)
    return out


_PERTURBED: dict[tuple[str, str], Program] = {}


def perturbed_program(program: Program, line: int, col: int, was: str, now: str) -> Program:
    """``program`` with the integer literal ``was`` at ``line:col`` replaced by ``now``.

    Raises:
        WorldtestError: no such literal at that place (the program changed since derivation).
        AutumnError: the perturbed program does not compile.
    """
    lines = program.source.text.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    end = col - 1 + len(was)
    if text[col - 1:end] != was or (end < len(text) and text[end] not in " \t\r()"):
        raise WorldtestError(f"{program.source.filename}:{line}:{col}: expected the literal "
                             f"{was!r} for a rule perturbation")
    lines[line - 1] = text[:col - 1] + now + text[end:]
    key = ("\n".join(lines), program.order)
    if key in _PERTURBED:
        return _PERTURBED[key]
    made = Program(key[0], f"{program.source.filename} (perturbed at {line}:{col})",
                   order=program.order)
    if len(_PERTURBED) > 256:
        _PERTURBED.clear()
    _PERTURBED[key] = made
    return made


# -- MFP ----------------------------------------------------------------------------------------
def source_frame(program: Program, seed: int, events: list[Event], source: dict[str, Any],
                 frames: list[np.ndarray], wrong: Program | None,
                 prefix: list[Event] | tuple[Event, ...] = ()) -> np.ndarray:
    """The full frame an MFP option is cut from, re-derived from its recorded source.

    Sources: ``{"kind": "truth"}``; ``{"kind": "tick", "t": T}`` (frame T of the recording);
    ``{"kind": "seed", "seed": S}`` (the same actions under seed S); ``{"kind": "actions",
    "from": K, "actions": [...]}`` (the recording's first K actions, then these);
    ``{"kind": "wrong-program"}`` (the same actions in the CD wrong program);
    ``{"kind": "perturbed", "line": L, "col": C, "was": "3", "now": "4"}`` (the same actions in
    the program with that one integer literal changed, :func:`perturbed_program`). Every source
    runs the task's hidden ``prefix`` first, in its own program and with its own seed.

    Raises:
        WorldtestError: an unknown source, or a wrong-program source without the program.
        AutumnError: the program fails on the source's actions.
    """
    kind = source.get("kind")
    if kind == "truth":
        return frames[-1]
    if kind == "tick":
        return frames[int(source["t"])]
    if kind == "seed":
        return replay(program, int(source["seed"]), events, prefix)[-1]
    if kind == "actions":
        k = int(source["from"])
        return replay(program, seed, events[:k] + parse_events(source["actions"]), prefix)[-1]
    if kind == "wrong-program":
        if wrong is None:
            raise WorldtestError("an option comes from the CD wrong program, which is missing")
        return replay(wrong, seed, events, prefix)[-1]
    if kind == "perturbed":
        changed = perturbed_program(program, int(source["line"]), int(source["col"]),
                                    str(source["was"]), str(source["now"]))
        return replay(changed, seed, events, prefix)[-1]
    raise WorldtestError(f"unknown option source {source!r}")


def source_patch(program: Program, seed: int, events: list[Event], source: dict[str, Any],
                 rect: tuple[int, int, int, int], frames: list[np.ndarray],
                 wrong: Program | None,
                 prefix: list[Event] | tuple[Event, ...] = ()) -> np.ndarray:
    """An MFP option re-derived from its source: :func:`source_frame` cut to ``rect``."""
    return patch(source_frame(program, seed, events, source, frames, wrong, prefix), rect)


def _rects(changed: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Candidate masks: the changed cells' bounding box if it fits in MAX_MASK x MAX_MASK, and
    the tight box of the changed cells in every MAX_MASK window centred on a changed cell."""
    ys, xs = np.nonzero(changed)
    out = []
    if xs.max() - xs.min() < MAX_MASK and ys.max() - ys.min() < MAX_MASK:
        out.append((int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                    int(ys.max() - ys.min() + 1)))
    n_h, n_w = changed.shape
    for cy, cx in zip(ys.tolist(), xs.tolist()):
        x = min(max(cx - MAX_MASK // 2, 0), max(n_w - MAX_MASK, 0))
        y = min(max(cy - MAX_MASK // 2, 0), max(n_h - MAX_MASK, 0))
        sub = changed[y:y + MAX_MASK, x:x + MAX_MASK]
        sy, sx = np.nonzero(sub)
        r = (x + int(sx.min()), y + int(sy.min()), int(sx.max() - sx.min() + 1),
             int(sy.max() - sy.min() + 1))
        if r not in out:
            out.append(r)
    return out


def _candidates(program: Program, seed: int, events: list[Event], key_at: int,
                frames: list[np.ndarray], wrong: Program | None,
                rng: np.random.Generator, prefix: list[Event]) -> list[dict[str, Any]]:
    tail = len(events) - key_at
    sources: list[dict[str, Any]] = [{"kind": "tick", "t": t}
                                     for t in range(max(key_at - 2, 0), len(frames) - 1)]
    sources += [{"kind": "seed", "seed": int(rng.integers(1, 2**32))} for _ in range(4)]
    world = start_world(program, seed, prefix)
    for ev in events[:key_at]:
        world.step(ev)
    alts = [e for e in candidate_events(world) if e != events[key_at]]
    picks = [alts[int(i)] for i in rng.permutation(len(alts))[:10]]
    for ev in picks:
        sources.append({"kind": "actions", "from": key_at,
                        "actions": [event_text(ev)] + ["noop"] * (tail - 1)})
    for _ in range(6):
        w = world.copy()
        cont = []
        for _ in range(tail):
            ev = policy_event(w, rng)
            try:
                w.step(ev)
            except AutumnError:
                break
            cont.append(event_text(ev))
        if len(cont) == tail:
            sources.append({"kind": "actions", "from": key_at, "actions": cont})
    sites = perturbation_sites(program)
    for i in rng.permutation(len(sites))[:10]:
        line, col, was = sites[int(i)]
        now = str(int(was) + (1 if rng.random() < 0.5 else -1))
        sources.append({"kind": "perturbed", "line": line, "col": col, "was": was, "now": now})
    if wrong is not None:
        sources.append({"kind": "wrong-program"})
    return sources


def derive_mfp(env: str, program: Program, *, wrong: Program | None = None,
               attempts: int = 60, targets: dict[str, bool] | None = None) -> MfpTask:
    """Derive the MFP task of ``env`` (see the module docstring).

    Args:
        env: the environment id.
        program: its compiled program.
        wrong: the CD wrong program (a source of distractors), or None.
        attempts: recordings tried before giving up.
        targets: for each scorer of :data:`~worldtest.tasks.baselines.MFP_SCORERS`, whether it
            should pick the truth in this task (:func:`mfp_targets`); default: from the
            environment's name alone.

    Raises:
        WorldtestError: no recording with enough distinct, plausible distractors was found.
    """
    seed, rng = task_seed(env, "mfp"), task_rng(env, "mfp")
    targets = targets if targets is not None else mfp_targets(env, [env])
    for _ in range(attempts):
        try:
            prefix = hidden_prefix(program, seed, rng)
            world = start_world(program, seed, prefix)
            events = rollout(world, rng, int(rng.integers(16, 40)))
        except (AutumnError, WorldtestError):
            continue
        tail = int(rng.integers(4, 8))
        objs = [e for e in candidate_events(world) if isinstance(e, tuple)]
        # Key actions: one click on an object or one arrow, or a burst of repeated clicks on an
        # object (counters and thresholds); the mask starts at the frame of the last one.
        keys: list[list[Event]] = [[objs[int(i)]] for i in rng.permutation(len(objs))[:6]]
        keys += [[ARROWS[int(i)]] for i in rng.permutation(4)[:2]]
        keys += [[objs[int(i)]] * 3 for i in rng.permutation(len(objs))[:4]]
        frames = None
        for key in keys:
            try:
                trial = replay(program, seed, events + key + [None] * tail, prefix)
            except AutumnError:
                continue
            last_key = len(events) + len(key) - 1
            if any((f != trial[last_key]).any() for f in trial[last_key + 1:]):
                frames = trial
                events = events + key + [None] * tail
                break
        if frames is None:
            continue
        key_at = last_key
        # Where the dynamics play out after the key action: every cell that differs from the
        # pre-key frame at some masked tick (a moving object's whole path, not only its ends).
        changed = np.zeros(frames[0].shape, dtype=bool)
        for f in frames[key_at + 1:]:
            changed |= f != frames[key_at]
        sources = []
        for src in _candidates(program, seed, events, key_at, frames, wrong, rng, prefix):
            try:
                sources.append((src, source_frame(program, seed, events, src, frames, wrong,
                                                  prefix)))
            except AutumnError:
                continue
        before, final = frames[key_at], frames[-1]
        best = None
        for rect in _rects(changed) + _random_rects(final.shape, rng):
            truth = patch(final, rect)
            pool: dict[bytes, tuple[np.ndarray, dict[str, Any]]] = {}
            for src, frame in sources:
                p = patch(frame, rect)
                if not np.array_equal(p, truth):
                    pool.setdefault(p.tobytes(), (p, src))
            if len(pool) < 5:
                continue
            cost, chosen = _choose_distractors(before, final, rect, truth, list(pool.values()),
                                               targets, rng)
            x, y, w, h = rect
            moving = int(changed[y:y + h, x:x + w].any())
            kinds = len({src["kind"] for _, src in chosen})
            score = (cost, -moving, -kinds)
            if best is None or score < best[0]:
                best = (score, rect, truth, chosen)
        if best is None:
            continue
        _, rect, truth, options = best
        answer = int(rng.integers(6))
        options.insert(answer, (truth, {"kind": "truth"}))
        x, y, w, h = rect
        mask = MfpMask(x=x, y=y, width=w, height=h, from_frame=key_at + 1)
        shown = [mask.apply(f) if i >= key_at + 1 else f for i, f in enumerate(frames)]
        return MfpTask(
            id=f"{env}/mfp", env=env, family="mfp", version=TASK_VERSION, seed=seed,
            derived_by=f"worldtest tasks derive v{DERIVE_VERSION}",
            prefix=[event_text(e) for e in prefix],
            actions=[event_text(e) for e in events], frames=shown, mask=mask,
            options=[p for p, _ in options], answer=answer,
            option_sources=[s for _, s in options])
    raise WorldtestError(f"{env}: could not derive an MFP task in {attempts} attempts (no "
                         "recording gave 5 distinct distractors)")


# The offset of each scorer in the suite-wide schedule of :func:`mfp_targets`: a scorer and its
# inverse never aim at the truth in the same task.
_TARGET_OFFSETS = {"border": 0, "anti-border": 3, "persistence": 1, "anti-persistence": 4,
                   "ring": 2, "anti-ring": 5, "consensus": 5, "anti-consensus": 2,
                   "anti-persistence+consensus": 0}


def mfp_targets(env: str, suite_envs: list[str]) -> dict[str, bool]:
    """Which option scorers should pick the truth in ``env``'s MFP task.

    Over a suite sorted by name, the environment of rank i aims scorer s at the truth iff
    ``(i + offset_s) % 6 == 0``: each scorer is aimed at the truth in one sixth of the tasks
    (7 or 8 of 43), its chance score, and away from it in the rest, so that neither a scorer nor
    its inverse, nor the elimination of options the scorers favour, beats chance (issue 15).
    An environment outside ``suite_envs`` is ranked by a hash of its name.
    """
    names = sorted(suite_envs)
    rank = names.index(env) if env in names else zlib.crc32(env.encode()) % 6
    return {name: (rank + _TARGET_OFFSETS[name]) % 6 == 0 for name in MFP_SCORERS}


MFP_SUBSETS = 200
"""Distractor sets tried per mask rectangle (all of them where there are fewer)."""


def _random_rects(shape: tuple[int, int], rng: np.random.Generator,
                  n: int = 6) -> list[tuple[int, int, int, int]]:
    """``n`` seeded rectangles anywhere in the grid, sides 1..MAX_MASK: masks are not only
    placed where something changed (issue 15)."""
    n_h, n_w = shape
    out = []
    for _ in range(n):
        w = int(rng.integers(1, min(MAX_MASK, n_w) + 1))
        h = int(rng.integers(1, min(MAX_MASK, n_h) + 1))
        out.append((int(rng.integers(n_w - w + 1)), int(rng.integers(n_h - h + 1)), w, h))
    return out


def _choose_distractors(before: np.ndarray, final: np.ndarray, rect: tuple[int, int, int, int],
                        truth: np.ndarray, pool: list[tuple[np.ndarray, dict[str, Any]]],
                        targets: dict[str, bool], rng: np.random.Generator
                        ) -> tuple[float, list[tuple[np.ndarray, dict[str, Any]]]]:
    """Five distractors from ``pool`` whose scorer picks best match ``targets``.

    Tries every 5-subset of the pool, or :data:`MFP_SUBSETS` seeded ones where there are more,
    and keeps the one with the least total |expected score - target| over the scorers of
    :data:`~worldtest.tasks.baselines.MFP_SCORERS` (the truth placed first; a scorer's expected
    score does not depend on where the truth stands).

    Returns:
        ``(cost, [(patch, source)] * 5)``.
    """
    n = len(pool)
    if math.comb(n, 5) <= MFP_SUBSETS:
        subsets = [list(c) for c in itertools.combinations(range(n), 5)]
    else:
        subsets = [sorted(rng.choice(n, 5, replace=False).tolist()) for _ in range(MFP_SUBSETS)]
    best: tuple[float, list[int]] | None = None
    for subset in subsets:
        options = [truth] + [pool[i][0] for i in subset]
        scores = option_scores([before, final], rect, 1, options)
        cost = sum(abs(expected_score(scores[name], 0) - float(targets[name]))
                   for name in MFP_SCORERS)
        if best is None or cost < best[0]:
            best = (cost, subset)
    assert best is not None
    return best[0], [pool[i] for i in best[1]]


def hidden_prefix(program: Program, seed: int, rng: np.random.Generator, *,
                  wrong: Program | None = None, trigger: str | None = None,
                  attempts: int = 30, redraws: int = 8) -> list[Event]:
    """A test's hidden start: :data:`PREFIX_ACTIONS` policy actions from the initial state
    (fewer, down to one, where no such prefix serves).

    The prefix must leave a frame other than the initial one (so a test never starts where the
    interaction phase started, even in a deterministic world). For CD (``wrong`` and
    ``trigger`` given) the change must stay hidden along it: an action after which the trigger
    holds, or the two programs' frames differ, is drawn again (up to ``redraws`` times, then
    replaced by a noop), and the trigger must not hold on the last frame.

    Raises:
        WorldtestError: no such prefix in ``attempts`` tries.
    """
    f0 = frame_of(program.start(seed))
    lo, hi = PREFIX_ACTIONS
    cd = wrong is not None and trigger is not None
    for attempt in range(2 * attempts):
        # Where no prefix of lo..hi actions keeps a CD change hidden (rain: every drop that
        # lands shows it within a few ticks), a second round tries 1..lo-1 actions.
        n = int(rng.integers(lo, hi + 1)) if attempt < attempts else int(rng.integers(1, lo))
        world = program.start(seed)
        shadow = wrong.start(seed, trigger=trigger) if cd else None
        events: list[Event] = []
        last: Event = "none"
        try:
            for _ in range(n):
                for _ in range(redraws + 1):
                    ev = policy_event(world, rng, last)
                    if shadow is None or _hides_change(world, shadow, ev):
                        break
                else:
                    ev = None
                    if not _hides_change(world, shadow, ev):
                        break
                world.step(ev)
                if shadow is not None:
                    shadow.step(ev)
                events.append(ev)
                last = ev
        except AutumnError:
            continue
        if len(events) < n or np.array_equal(frame_of(world), f0):
            continue
        if shadow is not None and shadow.condition(trigger):
            continue
        return events
    raise WorldtestError(f"no hidden prefix of 1..{hi} actions leaves the initial frame "
                         f"{'and hides the change ' if cd else ''}in {2 * attempts} tries")


def _hides_change(world: World, shadow: World, ev: Event) -> bool:
    """Whether one tick of ``ev`` keeps the CD change hidden: the wrong program's trigger does
    not hold in it and both programs show the same frame after it."""
    a, b = world.copy(), shadow.copy()
    try:
        a.step(ev)
        b.step(ev)
    except AutumnError:
        return False
    return not b.triggered and np.array_equal(frame_of(a), frame_of(b))


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


def derive_env(suite: Suite, env: str, families: tuple[str, ...] = FAMILIES_DERIVED
               ) -> list[tuple[Path, Any]]:
    """Derive the tasks of one environment of ``suite`` (a :class:`worldtest.suite.Suite`).

    Returns:
        ``(path, task)`` for each task made, in ``families`` order; CD only where its
        hand-written ``cd.json`` and ``cd_wrong.sexp`` exist.

    Raises:
        WorldtestError: a task could not be derived.
    """
    from worldtest.autumn import load_program
    program = suite.program(env)
    wrong_path = suite.task_path(env, "cd").parent / "cd_wrong.sexp"
    wrong = load_program(str(wrong_path)) if wrong_path.exists() else None
    out = []
    for family in families:
        if family == "mfp":
            task = derive_mfp(env, program, wrong=wrong,
                              targets=mfp_targets(env, list(suite.envs)))
        elif family == "planning":
            task = derive_planning(env, program)
        else:
            if wrong is None or not suite.task_path(env, "cd").exists():
                continue
            task = derive_cd_start(env, program, wrong, suite.task(env, "cd"))
        out.append((suite.task_path(env, family), task))
    return out


def derive(root: Path, envs: list[str] | None = None, *,
           families: tuple[str, ...] = FAMILIES_DERIVED, echo: Any = print,
           workers: int = 1) -> list[Path]:
    """Derive and write the tasks of every environment (or ``envs``): MFP and planning from the
    program, and the test start (seed and hidden prefix) of each hand-written CD task.

    Args:
        workers: processes deriving environments at once (``worldtest.parallel``); the files
            written and the echoed lines are the same, in the same order, for any number.

    Returns:
        The task files written.
    """
    from worldtest.parallel import imap_ordered
    suite = Suite(root)
    names = envs or sorted(suite.envs)
    written = []
    items = [(suite.root, env, families) for env in names]
    for paths, lines in imap_ordered(_derive_env, items, workers,
                                     preload=("worldtest.authoring.derive",)):
        written += paths
        for line in lines:
            echo(line)
    return written


def _derive_env(item: tuple[Path, str, tuple[str, ...]]) -> tuple[list[Path], list[str]]:
    """Derive and write the tasks of one environment: (files written, lines to echo)."""
    root, env, families = item
    suite = Suite(root)
    written, lines = [], []
    for path, task in derive_env(suite, env, families):
        save_task(task, path)
        written.append(path)
        lines.append(f"{path}: derived ({_summary(task)})")
    if not (suite.task_path(env, "cd").parent / "cd_wrong.sexp").exists():
        lines.append(f"{env}: no CD task yet: write tasks/{env}/cd_wrong.sexp (the program with "
                     "one rule changed) and tasks/{env}/cd.json (its trigger) by hand")
    return written, lines


def _summary(task: Any) -> str:
    if task.family == "mfp":
        m = task.mask
        return (f"{len(task.actions)} actions, mask {m.width}x{m.height} at ({m.x},{m.y}) from "
                f"frame {m.from_frame}, answer {task.answer}")
    if task.family == "cd":
        return f"hidden prefix of {len(task.prefix)} actions"
    bound = "" if task.lower_bound is None else f" (at least {task.lower_bound})"
    return (f"optimal_actions {task.optimal_actions}{bound}, {int(task.mask.sum())} goal "
            f"cells, prefix {len(task.prefix)}")
