"""Model-free planning policies and the planning battery (issue 15).

A goal that a policy reaches without a world model is not a planning problem. Task derivation
rejects such goals (:func:`planning_battery_reaches`) and ``worldtest tasks validate`` plays the
same members (:mod:`worldtest.authoring.battery`). A policy is called once per tick as
``policy(frame, goal, mask) -> event`` (``uint8`` (H, W) frames; events as the interpreter takes
them: None = noop, an arrow name, ``("click", x, y)``) and keeps only what it saw: no model, no
search. Policies are single-use (one per run). Members:

- the open-loop sequences of :func:`open_loop_sequences`;
- :class:`GreedyGoalChaser`: click wrong goal cells, push the nearest cell of a wanted colour
  toward its place;
- :class:`RepeatBest`: repeat whichever action last brought the goal closer
  (:func:`goal_distance`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.autumn.runtime import World

__all__ = ["GreedyGoalChaser", "RepeatBest", "goal_distance", "greedy_goal_policy",
           "GREEDY_SEEDS", "planning_battery", "run_member", "planning_battery_reaches",
           "MAX_CLICKS_PER_CELL", "STUCK_RANDOM_ACTIONS", "N_RANDOM_SEQUENCES",
           "open_loop_sequences"]

_ARROWS = ("left", "right", "up", "down")


N_RANDOM_SEQUENCES = 100
"""Seeded random sequences in the open-loop planning battery (issue 15)."""


def open_loop_sequences(grid_size: int, mask: np.ndarray, horizon: int, seed: int,
                        n_random: int = N_RANDOM_SEQUENCES) -> dict[str, list[Any]]:
    """The open-loop planning battery: action sequences chosen without looking at the screen.

    Args:
        grid_size: cells per side (clicks take 0..grid_size-1).
        mask: the goal's 0/1 mask, ``uint8`` (H, W); its 1-cells are the goal cells.
        horizon: the sequences' length, in actions (one tick each).
        seed: seeds the random sequences (``numpy.random.default_rng(seed)``).
        n_random: how many random sequences.

    Returns:
        ``{name: events}`` (interpreter events: None = noop, an arrow name, or
        ``("click", x, y)``): ``hold-<arrow>`` for each arrow, ``noop``, ``click-goal-cells``
        (each goal cell clicked in row-major order, the cycle repeated to the horizon), and
        ``random-<i>`` (uniform over noop, the arrows and a click on a uniform cell, each with
        probability 1/3 for the kind: noop, arrow or click).
    """
    out: dict[str, list[Any]] = {f"hold-{a}": [a] * horizon
                                 for a in ("left", "right", "up", "down")}
    out["noop"] = [None] * horizon
    ys, xs = np.nonzero(np.asarray(mask))
    cells = [("click", int(x), int(y)) for y, x in zip(ys.tolist(), xs.tolist())]
    if cells:
        out["click-goal-cells"] = [cells[i % len(cells)] for i in range(horizon)]
    rng = np.random.default_rng(seed)
    arrows = ("left", "right", "up", "down")
    for i in range(n_random):
        kinds = rng.integers(3, size=horizon)
        arrow = rng.integers(4, size=horizon)
        xy = rng.integers(grid_size, size=(horizon, 2))
        out[f"random-{i}"] = [None if k == 0 else arrows[a] if k == 1 else
                              ("click", int(c[0]), int(c[1]))
                              for k, a, c in zip(kinds.tolist(), arrow.tolist(), xy)]
    return out
_STEP = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}
MAX_CLICKS_PER_CELL = 6
"""Clicks the greedy chaser spends on one wrong goal cell before it stops clicking it (enough to
cycle a cell through a few colours)."""
STUCK_RANDOM_ACTIONS = 3
"""Seeded random actions the greedy chaser takes when an arrow moved nothing twice in a row."""


class GreedyGoalChaser:
    """A model-free planning policy: chase the goal by looking only at the current frame.

    Each call receives the frame shown now and answers one interpreter event. The chaser keeps
    only what it saw (the previous frame, its own last event): no world model, no search.

    1. **Click** the goal cells whose colour is wrong, cycling through them in row-major order;
       a cell whose colour a click of it did not change, or that took
       :data:`MAX_CLICKS_PER_CELL` clicks, is not clicked again, nor is any cell of the same
       (shown colour, wanted colour) pair as a click that changed nothing.
    2. **Push**: once no wrong cell is worth clicking, take the nearest (Manhattan) pair of a
       wrong goal cell and a cell of the colour it wants (not already in place; the background,
       the frame's most common colour, is never chased), and press the arrow that reduces the
       distance, alternating between the axes while both differ.
    3. **Unstick**: when an arrow left the frame unchanged, try the other axis; when that also
       fails, take :data:`STUCK_RANDOM_ACTIONS` random actions (uniform over noop, the arrows
       and a click on a uniform cell) from the seeded generator.

    Args:
        seed: seeds the random fallback (``numpy.random.default_rng(seed)``).

    Call: ``chaser(frame, goal, mask) -> event`` with ``frame`` and ``goal`` ``uint8`` (H, W)
    palette indices and ``mask`` ``uint8`` 0/1 (H, W); the event is None (noop), an arrow name
    or ``("click", x, y)`` (x the column). Deterministic given the seed and the frames.
    """

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self._prev: np.ndarray | None = None
        self._last: Any = "start"
        self._clicks: dict[tuple[int, int], int] = {}
        self._dead: set[tuple[int, int]] = set()
        self._dead_pairs: set[tuple[int, int]] = set()
        self._cursor = 0
        self._axis = 0
        self._stuck = 0
        self._random_left = 0

    def __call__(self, frame: np.ndarray, goal: np.ndarray, mask: np.ndarray) -> Any:
        frame = np.asarray(frame)
        prev, last = self._prev, self._last
        self._prev = frame
        event = self._choose(frame, np.asarray(goal), np.asarray(mask).astype(bool), prev, last)
        self._last = event
        return event

    def _random(self, n: int) -> Any:
        return _random_event(self.rng, n)

    def _choose(self, frame: np.ndarray, goal: np.ndarray, mask: np.ndarray,
                prev: np.ndarray | None, last: Any) -> Any:
        n = frame.shape[0]
        moved = prev is None or not np.array_equal(prev, frame)
        if isinstance(last, tuple):  # judge the last click by the cell it hit
            x, y = last[1], last[2]
            if prev is not None and prev[y, x] == frame[y, x]:
                self._dead.add((x, y))
                self._dead_pairs.add((int(prev[y, x]), int(goal[y, x])))
        if last in _STEP:
            self._stuck = 0 if moved else self._stuck + 1
        if self._random_left > 0:
            self._random_left -= 1
            return self._random(n)
        wrong = mask & (frame != goal)
        ys, xs = np.nonzero(wrong)
        cells = [(int(x), int(y)) for y, x in zip(ys.tolist(), xs.tolist())]
        clickable = [c for c in cells if c not in self._dead
                     and (int(frame[c[1], c[0]]), int(goal[c[1], c[0]])) not in self._dead_pairs
                     and self._clicks.get(c, 0) < MAX_CLICKS_PER_CELL]
        if clickable:
            c = clickable[self._cursor % len(clickable)]
            self._cursor += 1
            self._clicks[c] = self._clicks.get(c, 0) + 1
            return ("click", c[0], c[1])
        if self._stuck >= 2:
            self._stuck = 0
            self._random_left = STUCK_RANDOM_ACTIONS - 1
            return self._random(n)
        target = self._nearest(frame, goal, mask, cells)
        if target is None:
            return self._random(n)
        dx, dy = target
        if self._stuck == 1:  # the last arrow moved nothing: the other axis
            self._axis ^= 1
        axis = self._axis if dx and dy else (0 if dx else 1)
        self._axis ^= 1
        if axis == 0:
            return "right" if dx > 0 else "left"
        return "down" if dy > 0 else "up"

    @staticmethod
    def _nearest(frame: np.ndarray, goal: np.ndarray, mask: np.ndarray,
                 wrong: list[tuple[int, int]]) -> tuple[int, int] | None:
        """(dx, dy) from the nearest wanted-colour cell to its wrong goal cell, or None."""
        background = int(np.bincount(frame.ravel()).argmax())
        placed = mask & (frame == goal)
        best: tuple[int, int, int] | None = None
        for x, y in wrong:
            want = int(goal[y, x])
            if want == background:
                continue
            sy, sx = np.nonzero((frame == want) & ~placed)
            if not len(sx):
                continue
            d = np.abs(sx - x) + np.abs(sy - y)
            i = int(d.argmin())
            if best is None or d[i] < best[0]:
                best = (int(d[i]), x - int(sx[i]), y - int(sy[i]))
        return None if best is None else (best[1], best[2])


class RepeatBest:
    """A model-free planning policy: repeat whichever action last brought the goal closer.

    The distance to the goal is :func:`goal_distance`. The policy probes noop, the four arrows
    and a click on the first wrong goal cell (row-major; one that wants a non-background colour
    first) once each, then repeats the probe that reduced the distance most as long as each
    repetition still reduces it; when it stops helping, it probes again. When no probe helped it takes a
    random action (uniform over noop, the arrows and a click on a uniform cell) before probing
    again.

    Args:
        seed: seeds the random choices (ties between probes, the random action).

    Call: as :class:`GreedyGoalChaser`.
    """

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self._queue: list[Any] = []
        self._gains: list[tuple[int, Any]] = []
        self._best: Any = None
        self._mode = "probe"
        self._last: Any = "start"
        self._before = 0

    def __call__(self, frame: np.ndarray, goal: np.ndarray, mask: np.ndarray) -> Any:
        frame, goal = np.asarray(frame), np.asarray(goal)
        where = np.asarray(mask).astype(bool)
        wrong = where & (frame != goal)
        distance = goal_distance(frame, goal, where)
        gain = self._before - distance
        self._before = distance
        if self._last == "start":
            self._queue = self._probes(frame, goal, wrong)
        elif self._mode == "probe":
            self._gains.append((gain, self._last))
        elif self._mode == "repeat" and gain <= 0:
            self._mode, self._queue, self._gains = "probe", self._probes(frame, goal, wrong), []
        if self._mode == "probe" and not self._queue:
            top = max(g for g, _ in self._gains)
            if top > 0:
                best = [e for g, e in self._gains if g == top]
                self._best = best[int(self.rng.integers(len(best)))]
                self._mode = "repeat"
            else:
                self._queue, self._gains = self._probes(frame, goal, wrong), []
                event = _random_event(self.rng, frame.shape[0])
                self._last = event
                return event
        event = self._best if self._mode == "repeat" else self._queue.pop(0)
        self._last = event
        return event

    @staticmethod
    def _probes(frame: np.ndarray, goal: np.ndarray, wrong: np.ndarray) -> list[Any]:
        out: list[Any] = [None, *_ARROWS]
        background = int(np.bincount(frame.ravel()).argmax())
        ys, xs = np.nonzero(wrong & (goal != background))
        if not len(xs):
            ys, xs = np.nonzero(wrong)
        if len(xs):
            out.append(("click", int(xs[0]), int(ys[0])))
        return out


def goal_distance(frame: np.ndarray, goal: np.ndarray, mask: np.ndarray) -> int:
    """A model-free distance to the goal: 0 exactly when ``frame`` meets it.

    Each wrong goal cell counts 1, plus, when it wants a colour other than the background (the
    frame's most common colour), the Manhattan distance from the nearest cell of that colour not
    already in place (the grid size when there is none).

    Args:
        frame, goal: ``uint8`` (H, W); mask: (H, W), nonzero = goal cell.
    """
    where = np.asarray(mask).astype(bool)
    wrong = where & (frame != goal)
    background = int(np.bincount(frame.ravel()).argmax())
    placed = where & (frame == goal)
    total = 0
    for y, x in zip(*np.nonzero(wrong)):
        total += 1
        want = goal[y, x]
        if want == background:
            continue
        sy, sx = np.nonzero((frame == want) & ~placed)
        total += int((np.abs(sx - x) + np.abs(sy - y)).min()) if len(sx) else frame.shape[0]
    return total


def _random_event(rng: np.random.Generator, n: int) -> Any:
    """Uniform over noop, an arrow and a click on a uniform cell (each kind 1/3)."""
    kind = int(rng.integers(3))
    if kind == 0:
        return None
    if kind == 1:
        return _ARROWS[int(rng.integers(4))]
    x, y = rng.integers(n, size=2)
    return ("click", int(x), int(y))


def greedy_goal_policy(seed: int = 0) -> GreedyGoalChaser:
    """A fresh :class:`GreedyGoalChaser` (``policy(frame, goal, mask) -> event``)."""
    return GreedyGoalChaser(seed)


GREEDY_SEEDS = (0, 1, 2)
"""The seeds of the greedy chaser and of repeat-best in the planning battery."""


def planning_battery(grid_size: int, mask: np.ndarray, horizon: int,
                     seed: int) -> dict[str, Any]:
    """The planning battery's members, cheapest first: ``{name: events list | policy}``.

    The open-loop sequences of :func:`open_loop_sequences` (noop,
    each arrow held, the goal cells clicked, then the random ones), ``greedy-<s>``
    (:class:`GreedyGoalChaser` with seed s for s in :data:`GREEDY_SEEDS`) and ``repeat-<s>``
    (:class:`RepeatBest`, the same seeds), placed after the fixed sequences and before the
    random ones. The adversary battery of ``worldtest tasks validate`` plays every one of these
    kinds, so a goal that none reaches keeps them all at zero.
    """
    loops = open_loop_sequences(grid_size, mask, horizon, seed)
    fixed = ["noop", *[f"hold-{a}" for a in _ARROWS]]
    fixed += ["click-goal-cells"] if "click-goal-cells" in loops else []
    out: dict[str, Any] = {k: loops[k] for k in fixed}
    out.update({f"greedy-{s}": greedy_goal_policy(s) for s in GREEDY_SEEDS})
    out.update({f"repeat-{s}": RepeatBest(s) for s in GREEDY_SEEDS})
    out.update({k: v for k, v in loops.items() if k not in out})
    return out


def run_member(world: World, member: Any, goal: np.ndarray, mask: np.ndarray,
               horizon: int) -> int | None:
    """Play one battery member from a copy of ``world``; the ticks it took to reach the goal.

    Args:
        world: a :class:`worldtest.autumn.World` at the test start (copied, never mutated).
        member: a list of events (open loop) or a callable ``(frame, goal, mask) -> event``.
        goal, mask: the planning goal, ``uint8`` (H, W), and its 0/1 mask.
        horizon: ticks at most.

    Returns:
        The number of ticks after which the goal first held (checked after every tick), or
        None if it did not within ``horizon`` or the program failed (an Autumn runtime error
        ends the member's run). A constant sequence (noop, one arrow held) stops early once
        its world repeats a state: from there it cycles.
    """
    from worldtest.env import frame_of
    from worldtest.errors import AutumnError
    w = world.copy()
    where = np.asarray(mask).astype(bool)
    want = np.asarray(goal)[where]
    frame = frame_of(w)
    constant = not callable(member) and len(set(map(repr, member))) == 1
    seen: set[Any] = set()
    for t in range(horizon):
        if callable(member):
            event = member(frame, goal, mask)
        elif t < len(member):
            event = member[t]
        else:
            break
        try:
            w.step(event)
        except AutumnError:
            return None
        frame = frame_of(w)
        if np.array_equal(frame[where], want):
            return t + 1
        if constant:  # the same input from a repeated state: a cycle that never meets the goal
            key = w.state_key(("click",))
            if key in seen:
                return None
            seen.add(key)
    return None


def planning_battery_reaches(world: World, goal: np.ndarray, mask: np.ndarray, horizon: int,
                             seed: int) -> str | None:
    """The first member of :func:`planning_battery` that reaches the goal from ``world``.

    Args:
        world: a :class:`worldtest.autumn.World` at the test start (copied, never mutated).
        goal, mask: ``uint8`` (H, W) goal frame and 0/1 mask.
        horizon: ticks each member may take.
        seed: seeds the random open-loop sequences.

    Returns:
        The member's name (``"hold-right"``, ``"greedy-1"``, ``"random-17"`` ...), or None when
        no member reaches the goal within ``horizon`` ticks. Members run cheapest first and the
        search stops at the first success.
    """
    n = world.grid_size
    for name, member in planning_battery(n, mask, horizon, seed).items():
        if run_member(world, member, goal, mask, horizon) is not None:
            return name
    return None
