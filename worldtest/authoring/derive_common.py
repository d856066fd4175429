"""Derivation's shared parts: versions and budgets, task seeds, the rule-exercising policy and
its rollouts, replays, rule perturbations and the hidden prefix of a test start.

The derivation itself is described in :mod:`worldtest.authoring.derive`.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from typing import Any

import numpy as np

from worldtest.autumn import Program, World
from worldtest.autumn.reader import Atom, SList, read_program
from worldtest.env import frame_of, parse_action, start_world
from worldtest.errors import ActionError, AutumnError, WorldtestError
from worldtest.search import ARROWS, Event, bfs, candidate_events


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
