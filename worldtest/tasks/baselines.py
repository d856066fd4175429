"""Similarity-only MFP baselines: how far an MFP task can be answered without the dynamics.

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

:func:`expected_score` is the expected score of one such agent on one task: ``1/k`` when the
truth is among ``k`` options tied for the best similarity, else 0.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

__all__ = ["BASELINES", "border_similarity", "persistence_similarity", "expected_score",
           "suite_scores", "SIMILARITY_LIMIT"]

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


def expected_score(similarities: list[int], answer: int) -> float:
    """Expected score of picking uniformly among the options of highest similarity."""
    best = max(similarities)
    tied = [i for i, s in enumerate(similarities) if s == best]
    return 1.0 / len(tied) if answer in tied else 0.0


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
    """Mean expected score of each baseline over ``tasks`` (MfpTask instances).

    Returns:
        ``{"border": mean, "persistence": mean}``; NaN for an empty list.
    """
    out = {}
    for name, fn in BASELINES.items():
        scores = [expected_score(fn(t), t.answer) for t in tasks]
        out[name] = float(np.mean(scores)) if scores else float("nan")
    return out
