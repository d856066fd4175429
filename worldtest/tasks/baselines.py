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
(:mod:`worldtest.authoring.derive`); ``worldtest tasks validate`` measures them.

For planning, :func:`open_loop_sequences` is the fixed battery of action sequences that never
look at the screen (issue 15: each arrow held, noop only, each goal cell clicked in order, 100
seeded random sequences); a goal one of them reaches is not a planning problem. The
closed-loop model-free policies (the greedy goal chaser ...) are in
:mod:`worldtest.tasks.policies`, re-exported here.

:func:`expected_score` is the expected score of one such agent on one task: ``1/k`` when the
truth is among ``k`` options tied for the best similarity, else 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["MFP_SCORERS", "border_similarity", "persistence_similarity",
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


def suite_scores(tasks: list[Any]) -> dict[str, float]:
    """Mean expected score of every scorer of :data:`MFP_SCORERS` over ``tasks`` (MfpTask).

    Returns:
        ``{scorer: mean}`` in :data:`MFP_SCORERS` order; NaN for an empty list.
    """
    per_task = [mfp_expected_scores(t) for t in tasks]
    return {name: float(np.mean([s[name] for s in per_task])) if per_task else float("nan")
            for name in MFP_SCORERS}


# The planning policies and the open-loop sequences live in worldtest.tasks.policies (which
# imports nothing from here); re-exported here for derivation.
from worldtest.tasks.policies import (GREEDY_SEEDS, N_RANDOM_SEQUENCES,  # noqa: E402
                                      GreedyGoalChaser, RepeatBest, goal_distance,
                                      greedy_goal_policy, open_loop_sequences, planning_battery,
                                      planning_battery_reaches, run_member)
