"""The Discrete action layouts of the Gymnasium environments (index <-> action text).

Every layout but MFP's starts with the same **program block**, so an index means the same program
action in the interaction phase and in the planning and CD test phases (a policy trained on one
can act in another):

====================  ==========================================================================
index                 action
====================  ==========================================================================
0 .. 4                ``noop``, ``left``, ``right``, ``up``, ``down``
5 .. 5 + H*W - 1      ``click X Y`` with index = 5 + Y * W + X (row-major; X = column, Y = row)
then, per phase:
interaction           ``reset``, ``go-to-test``
planning              ``quit``
cd                    ``reset``, ``quit``, ``found-change``, ``submit``, then ``choose-frame K``
                      for K = 0 .. horizon (a test phase shows at most horizon + 1 frames)
====================  ==========================================================================

MFP has no program actions: ``step``, ``rewind``, then ``choose N`` for N = 0 .. 5.
"""

from __future__ import annotations

import numpy as np

from worldtest.env import parse_action
from worldtest.tasks.models import N_OPTIONS

__all__ = ["PROGRAM_ACTIONS", "ActionLayout"]

PROGRAM_ACTIONS = ("noop", "left", "right", "up", "down")
"""The first five indices of every layout but MFP's."""

_CONTROLS = {
    "interaction": ("reset", "go-to-test"),
    "planning": ("quit",),
    "cd": ("reset", "quit", "found-change", "submit"),
}


class ActionLayout:
    """The action texts of one phase, in index order (see the module docstring).

    Args:
        phase: ``"interaction"``, ``"mfp"``, ``"planning"`` or ``"cd"``.
        width, height: the grid (cells); clicks cover every cell.
        horizon: CD only: the largest ``choose-frame K`` is K = horizon.

    Raises:
        ValueError: an unknown phase.
    """

    def __init__(self, phase: str, width: int, height: int | None = None,
                 horizon: int = 300) -> None:
        if phase not in ("interaction", "mfp", "planning", "cd"):
            raise ValueError(f"unknown phase {phase!r}: expected interaction, mfp, planning or cd")
        self.phase = phase
        self.width = width
        self.height = width if height is None else height
        if phase == "mfp":
            texts = ["step", "rewind"] + [f"choose {n}" for n in range(N_OPTIONS)]
        else:
            clicks = [f"click {x} {y}" for y in range(self.height) for x in range(self.width)]
            texts = [*PROGRAM_ACTIONS, *clicks, *_CONTROLS[phase]]
            if phase == "cd":
                texts += [f"choose-frame {k}" for k in range(horizon + 1)]
        self.texts: list[str] = texts
        self._index = {t: i for i, t in enumerate(texts)}

    @property
    def n(self) -> int:
        """Number of actions (the size of the Discrete space)."""
        return len(self.texts)

    def text(self, index: int) -> str:
        """The action text of ``index``.

        Raises:
            ValueError: ``index`` outside ``0 .. n - 1``.
        """
        i = int(index)
        if not 0 <= i < self.n:
            raise ValueError(f"action index {index!r} outside 0..{self.n - 1}")
        return self.texts[i]

    def index(self, text: str) -> int:
        """The index of an action text (canonicalised first: ``" LEFT"`` -> ``left``).

        Raises:
            ActionError: unparsable text. KeyError: an action not in this layout.
        """
        return self._index[str(parse_action(text))]

    def click(self, x: int, y: int) -> int:
        """The index of ``click x y`` (5 + y * width + x)."""
        return len(PROGRAM_ACTIONS) + y * self.width + x

    def mask(self, offered: list[str], n_frames: int | None = None) -> np.ndarray:
        """1 for every index whose action is offered now, ``int8`` (n,).

        Args:
            offered: the offered templates (``"click X Y"``, ``"choose N"``, ``"choose-frame K"``).
            n_frames: CD: frames seen so far (``choose-frame K`` for K < n_frames).
        """
        out = np.zeros(self.n, dtype=np.int8)
        for template in offered:
            if template == "click X Y" and self.phase != "mfp":
                out[len(PROGRAM_ACTIONS):len(PROGRAM_ACTIONS) + self.width * self.height] = 1
            elif template == "choose N":
                start = self._index["choose 0"]
                out[start:start + N_OPTIONS] = 1
            elif template == "choose-frame K":
                start = self._index["choose-frame 0"]
                out[start:start + min(n_frames or 0, self.n - start)] = 1
            elif template in self._index:
                out[self._index[template]] = 1
        return out
