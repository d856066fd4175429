"""Model-free baselines: how far a task can be answered without learning the world.

Protocol 3.1 asks that answering needs the dynamics, "not a look at the unmasked cells". Issue 3
makes that measurable: an agent that sees only the unmasked final frame and picks the most
similar option must stay near chance (1/6) over the suite. Two such agents are measured, each
picking uniformly among its best-scoring options (so a tie with the truth earns a fraction):

- ``border``: sees the final frame with the mask hidden; an option's similarity is the number of
  its edge cells whose colour equals the unmasked 4-neighbour just outside the mask (the option
  that "continues" the picture best).
- ``persistence``: sees the last frame before the mask starts (``from_frame - 1``, unmasked);
  an option's similarity is the number of its cells equal to that frame's mask region (the
  option that assumes nothing moved).

Issue 15 widens this to a battery of option scorers (:data:`MFP_SCORERS`), each a function of
what the agent sees (the masked frames, the mask, the six options) and nothing of the dynamics:
the two above, ``consensus`` (the option most like the other five: distractors that cluster
around the truth give it away), ``ring`` (the option whose colours best match the cells around
the mask in the final frame), and the inverse of each (``anti-...``: the option *least* like,
which wins wherever distractors are chosen to resemble something the truth is not), plus
``anti-persistence+consensus`` (least like the last unmasked patch, most like the others: the
heuristic of issue 15's report, 0.350 on the suite of derivation v2). Derivation v3 chooses
distractors so that each scorer picks the truth about as often as chance
(:mod:`worldtest.tasks.derive`); ``worldtest tasks validate`` measures them.

For planning, :func:`open_loop_sequences` is the fixed battery of action sequences that never
look at the screen (issue 15: each arrow held, noop only, each goal cell clicked in order, 100
seeded random sequences); a goal one of them reaches is not a planning problem.

:func:`expected_score` is the expected score of one such agent on one task: ``1/k`` when the
truth is among ``k`` options tied for the best similarity, else 0.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

__all__ = ["BASELINES", "MFP_SCORERS", "border_similarity", "persistence_similarity",
           "expected_score", "mfp_expected_scores", "option_scores", "suite_scores",
           "open_loop_sequences", "N_RANDOM_SEQUENCES", "SIMILARITY_LIMIT", "GreedyGoalChaser",
           "greedy_goal_policy", "GREEDY_SEEDS", "planning_battery", "run_member",
           "planning_battery_reaches", "RepeatBest", "motion_patch", "extra_option_scores",
           "extra_expected_scores", "EXTRA_SCORERS", "goal_distance"]

SIMILARITY_LIMIT = 0.30
"""The suite mean above which ``worldtest tasks validate`` reports a baseline as too strong
(chance is 1/6 ≈ 0.167; the limit leaves room for a suite of 43 tasks' sampling noise)."""


def border_similarity(frame: np.ndarray, rect: tuple[int, int, int, int],
                      option: np.ndarray) -> int:
    """Edge agreement of ``option`` placed at ``rect`` in ``frame``.

    Args:
        frame: ``uint8`` (H, W) colour indices of the final frame; cells inside ``rect`` are not
            read.
        rect: ``(x, y, width, height)`` of the mask, in cells.
        option: ``uint8`` (height, width) candidate patch.

    Returns:
        The number of (option cell, neighbour outside the mask and inside the grid) pairs that
        are 4-adjacent and have the same colour.
    """
    x, y, w, h = rect
    n_h, n_w = frame.shape
    same = 0
    for j in range(h):
        for i in range(w):
            for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                if 0 <= i + dx < w and 0 <= j + dy < h:
                    continue  # the neighbour is inside the mask
                nx, ny = x + i + dx, y + j + dy
                if 0 <= nx < n_w and 0 <= ny < n_h and frame[ny, nx] == option[j, i]:
                    same += 1
    return same


def persistence_similarity(before: np.ndarray, rect: tuple[int, int, int, int],
                           option: np.ndarray) -> int:
    """Cells of ``option`` equal to the mask region of ``before`` (the last unmasked frame).

    Args:
        before: ``uint8`` (H, W) frame ``from_frame - 1``.
        rect: ``(x, y, width, height)`` of the mask.
        option: ``uint8`` (height, width) candidate patch.
    """
    x, y, w, h = rect
    return int((before[y:y + h, x:x + w] == option).sum())


def expected_score(similarities: list[float], answer: int) -> float:
    """Expected score of picking uniformly among the options of highest similarity."""
    best = max(similarities)
    tied = [i for i, s in enumerate(similarities) if s == best]
    return 1.0 / len(tied) if answer in tied else 0.0


def ring_similarity(frame: np.ndarray, rect: tuple[int, int, int, int],
                    option: np.ndarray) -> int:
    """Colour agreement of ``option`` with the ring of cells around ``rect`` in ``frame``.

    Args:
        frame: ``uint8`` (H, W) final frame (cells inside ``rect`` are not read).
        rect: ``(x, y, width, height)`` of the mask.
        option: ``uint8`` (height, width) candidate patch.

    Returns:
        The sum over the option's colours of min(cells of that colour in the option, cells of
        that colour in the one-cell ring around the mask, clipped to the grid): how well the
        option's colour histogram matches the surroundings, whatever the positions.
    """
    x, y, w, h = rect
    n_h, n_w = frame.shape
    x0, y0, x1, y1 = max(x - 1, 0), max(y - 1, 0), min(x + w + 1, n_w), min(y + h + 1, n_h)
    block = frame[y0:y1, x0:x1].copy()
    inside = np.zeros(block.shape, dtype=bool)
    inside[y - y0:y - y0 + h, x - x0:x - x0 + w] = True
    ring = np.bincount(block[~inside].ravel(), minlength=256)
    mine = np.bincount(np.asarray(option, dtype=np.uint8).ravel(), minlength=256)
    return int(np.minimum(ring, mine).sum())


def _agreement(options: list[np.ndarray]) -> np.ndarray:
    """(6,) total cells each option shares (same place, same colour) with the other options."""
    stack = np.stack([np.asarray(o) for o in options])
    same = (stack[:, None] == stack[None, :]).reshape(len(options), len(options), -1).sum(-1)
    return same.sum(1) - same.diagonal()


def option_scores(frames: list[np.ndarray], rect: tuple[int, int, int, int], from_frame: int,
                  options: list[np.ndarray]) -> dict[str, list[float]]:
    """Every scorer of :data:`MFP_SCORERS` on one MFP task's visible data.

    Args:
        frames: the recording as the agent sees it, ``uint8`` (H, W) each, masked from
            ``from_frame`` on (only the final frame and frame ``from_frame - 1`` are read).
        rect: ``(x, y, width, height)`` of the mask.
        from_frame: the first masked frame.
        options: the six candidate patches, ``uint8`` (height, width).

    Returns:
        ``{scorer: [six scores]}``; each scorer picks (uniformly among ties) the highest.
    """
    final, before = frames[-1], frames[max(from_frame - 1, 0)]
    cells = float(rect[2] * rect[3])
    border = [float(border_similarity(final, rect, o)) for o in options]
    persist = [float(persistence_similarity(before, rect, o)) for o in options]
    ring = [float(ring_similarity(final, rect, o)) for o in options]
    consensus = [float(a) for a in _agreement(options)]
    out = {"border": border, "persistence": persist, "ring": ring, "consensus": consensus}
    out.update({f"anti-{k}": [-v for v in vals] for k, vals in list(out.items())})
    # Least like the last unmasked patch first, then most like the other options.
    out["anti-persistence+consensus"] = [c / (5 * cells) - p / cells
                                         for p, c in zip(persist, consensus)]
    return out


def motion_patch(frames: list[np.ndarray], rect: tuple[int, int, int, int],
                 from_frame: int) -> np.ndarray:
    """The mask region of the final frame if everything kept moving as it last did.

    The last observed motion is the shift (dx, dy), |dx|, |dy| <= :data:`MOTION_RANGE`, that
    best maps frame ``from_frame - 2`` onto frame ``from_frame - 1`` on the cells that changed
    between them (ties: the smallest shift first, so a still picture gives (0, 0)); the patch is
    frame ``from_frame - 1`` read ``k`` shifts back, k the frames from ``from_frame - 1`` to the
    last one (cells read from off the grid take that frame's most common colour).

    Args:
        frames: the recording, ``uint8`` (H, W) each (frames ``from_frame - 2``,
            ``from_frame - 1`` and the count are read).
        rect: ``(x, y, width, height)`` of the mask.
        from_frame: the first masked frame.

    Returns:
        ``uint8`` (height, width).
    """
    x, y, w, h = rect
    last = frames[max(from_frame - 1, 0)]
    n_h, n_w = last.shape
    dx = dy = 0
    if from_frame >= 2:
        a, b = frames[from_frame - 2], last
        changed = a != b
        if changed.any():
            best = -1
            ys, xs = np.nonzero(changed)
            shifts = sorted(((i, j) for i in range(-MOTION_RANGE, MOTION_RANGE + 1)
                             for j in range(-MOTION_RANGE, MOTION_RANGE + 1)),
                            key=lambda s: (abs(s[0]) + abs(s[1]), s))
            for i, j in shifts:
                sx, sy = xs - i, ys - j
                ok = (sx >= 0) & (sx < n_w) & (sy >= 0) & (sy < n_h)
                hits = int((a[sy[ok], sx[ok]] == b[ys[ok], xs[ok]]).sum())
                if hits > best:
                    best, dx, dy = hits, i, j
    k = len(frames) - 1 - max(from_frame - 1, 0)
    background = int(np.bincount(last.ravel()).argmax())
    out = np.full((h, w), background, dtype=np.uint8)
    for j in range(h):
        for i in range(w):
            sx, sy = x + i - k * dx, y + j - k * dy
            if 0 <= sx < n_w and 0 <= sy < n_h:
                out[j, i] = last[sy, sx]
    return out


MOTION_RANGE = 2
"""The largest per-frame shift, in cells, :func:`motion_patch` considers on each axis."""


def extra_option_scores(frames: list[np.ndarray], rect: tuple[int, int, int, int],
                        from_frame: int, options: list[np.ndarray]) -> dict[str, list[float]]:
    """The adversary battery's MFP scorers beyond :data:`MFP_SCORERS` (:data:`EXTRA_SCORERS`).

    ``motion``: cells each option shares with :func:`motion_patch` (the last observed motion
    carried on to the final frame). Arguments as :func:`option_scores`.
    """
    predicted = motion_patch(frames, rect, from_frame)
    return {"motion": [float((predicted == np.asarray(o)).sum()) for o in options]}


EXTRA_SCORERS = ("motion",)
"""The names :func:`extra_option_scores` returns."""


MFP_SCORERS = ("border", "persistence", "ring", "consensus", "anti-border", "anti-persistence",
               "anti-ring", "anti-consensus", "anti-persistence+consensus")
"""The names :func:`option_scores` returns, in a fixed order."""


def mfp_expected_scores(task: Any) -> dict[str, float]:
    """Each scorer's expected score on an :class:`MfpTask` (1/k for a k-way tie with the truth)."""
    m = task.mask
    scores = option_scores(list(task.frames), (m.x, m.y, m.width, m.height), m.from_frame,
                           list(task.options))
    return {name: expected_score(scores[name], task.answer) for name in MFP_SCORERS}


def extra_expected_scores(task: Any) -> dict[str, float]:
    """Each :data:`EXTRA_SCORERS` scorer's expected score on an :class:`MfpTask`."""
    m = task.mask
    scores = extra_option_scores(list(task.frames), (m.x, m.y, m.width, m.height),
                                 m.from_frame, list(task.options))
    return {name: expected_score(scores[name], task.answer) for name in EXTRA_SCORERS}


def _border(task: Any) -> list[int]:
    m = task.mask
    rect = (m.x, m.y, m.width, m.height)
    return [border_similarity(task.frames[-1], rect, o) for o in task.options]


def _persistence(task: Any) -> list[int]:
    m = task.mask
    rect = (m.x, m.y, m.width, m.height)
    before = task.frames[max(m.from_frame - 1, 0)]
    return [persistence_similarity(before, rect, o) for o in task.options]


BASELINES: dict[str, Callable[[Any], list[int]]] = {"border": _border,
                                                     "persistence": _persistence}
"""Each baseline's similarities of the six options of an :class:`MfpTask`."""


def suite_scores(tasks: list[Any]) -> dict[str, float]:
    """Mean expected score of every scorer of :data:`MFP_SCORERS` over ``tasks`` (MfpTask).

    Returns:
        ``{scorer: mean}`` in :data:`MFP_SCORERS` order; NaN for an empty list.
    """
    per_task = [mfp_expected_scores(t) for t in tasks]
    return {name: float(np.mean([s[name] for s in per_task])) if per_task else float("nan")
            for name in MFP_SCORERS}


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


# -- the greedy goal chaser (planning) ---------------------------------------------------------
_ARROWS = ("left", "right", "up", "down")
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
    first) once each, then repeats the probe that reduced the distance most as long as each repetition
    still reduces it; when it stops helping, it probes again. When no probe helped it takes a
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
"""The greedy chaser's seeds in the planning battery."""


def planning_battery(grid_size: int, mask: np.ndarray, horizon: int,
                     seed: int) -> dict[str, Any]:
    """The planning battery's members, cheapest first: ``{name: events list | policy}``.

    The open-loop sequences of :func:`open_loop_sequences` (noop, each arrow held, the goal cells
    clicked, then the random ones) and ``greedy-<s>`` (:class:`GreedyGoalChaser` with seed s
    for s in :data:`GREEDY_SEEDS`), placed after the fixed sequences and before the random ones.
    """
    loops = open_loop_sequences(grid_size, mask, horizon, seed)
    fixed = ["noop", *[f"hold-{a}" for a in _ARROWS]]
    fixed += ["click-goal-cells"] if "click-goal-cells" in loops else []
    out: dict[str, Any] = {k: loops[k] for k in fixed}
    out.update({f"greedy-{s}": greedy_goal_policy(s) for s in GREEDY_SEEDS})
    out.update({k: v for k, v in loops.items() if k not in out})
    return out


def run_member(world: Any, member: Any, goal: np.ndarray, mask: np.ndarray,
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


def planning_battery_reaches(world: Any, goal: np.ndarray, mask: np.ndarray, horizon: int,
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
