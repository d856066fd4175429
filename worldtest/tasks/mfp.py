"""The masked-frame prediction test phase (protocol section 3.1).

The agent steps through a recording of the same program: frame 0, then one frame per recorded
action (one tick each). From ``mask.from_frame`` on, a rectangle of every frame is shown as
``mask`` (palette index 0). Actions:

- ``step``: show the next frame (offered until the last frame);
- ``rewind``: back to frame 0 (offered when not at frame 0; protocol section 3.1);
- under ``settings.mfp_rewind = "previous"`` (the paper profile) as the reference harness
  offers them instead: ``step`` always (a no-op on the last frame), ``rewind`` one frame back,
  offered once the last frame has been reached (``MARAMFPEnvironment`` in the reference's
  ``concrete_envs.py``);
- ``choose N``, N in 0..5: offered from the moment the last frame has been reached, and still
  after a rewind. It ends the phase.

The 6 candidate patches are visible in the observation once the last frame has been reached
(and stay visible after a rewind). Score: 1 if the chosen patch is the true one, else 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from worldtest.env import Action, Frame
from worldtest.errors import ActionError
from worldtest.tasks.models import MfpTask
from worldtest.tasks.phase import TestPhase, View

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.autumn.runtime import Program
    from worldtest.settings import Settings

__all__ = ["MfpPhase", "start"]


class MfpPhase(TestPhase):
    """The MFP state machine; build it with :func:`start`.

    Attributes:
        index: the shown frame, 0..N (N = number of recorded actions).
        reached_end: whether the last frame has been shown (unlocks ``choose N``).
        choice: the chosen option, once chosen.
    """

    family = "mfp"

    def __init__(self, task: MfpTask, rewind: str = "start") -> None:
        super().__init__(grid_size=task.frames[0].shape[1])
        self.task = task
        self.rewind = rewind
        self.index = 0
        self.reached_end = False
        self.choice: int | None = None
        self._new = [Frame(0, None, task.frames[0])]

    @property
    def last(self) -> int:
        """Index of the last frame (N)."""
        return len(self.task.frames) - 1

    @property
    def frame(self) -> np.ndarray:
        return self.task.frames[self.index]

    @property
    def tick(self) -> int:
        return self.index

    def offered(self) -> list[str]:
        if self.done:
            return []
        out = []
        if self.rewind == "previous":
            out.append("step")
            if self.reached_end:
                out.append("rewind")
        else:
            if self.index < self.last:
                out.append("step")
            if self.index > 0:
                out.append("rewind")
        if self.reached_end:
            out.append("choose N")
        return out

    def _shown(self) -> list[Frame]:
        action = self.task.actions[self.index - 1] if self.index else None
        return [Frame(self.index, action, self.frame)]

    def _apply(self, action: Action) -> list[Frame]:
        if action.kind == "step":
            self.index = min(self.index + 1, self.last)
            self.reached_end = self.reached_end or self.index == self.last
            return self._shown()
        if action.kind == "rewind":
            self.index = max(0, self.index - 1) if self.rewind == "previous" else 0
            return self._shown()
        # choose N
        if action.n >= len(self.task.options):
            raise ActionError(f"choose {action.n}: expected N in 0..{len(self.task.options) - 1}")
        self.choice = action.n
        self._finish("choice")
        return []

    def observation(self) -> View:
        return View(
            frames=list(self._new),
            frame=self.frame,
            offered=self.offered(),
            options=list(self.task.options) if self.reached_end else None,
            frame_index=self.index,
            n_frames=len(self.task.frames),
        )

    def outcome(self) -> tuple[float, dict[str, Any]]:
        """Score 1 if ``choice == answer``, else 0 (protocol section 3.1).

        Returns:
            ``(score, {"choice", "answer", "correct", "ended", "test_actions"})``; ``choice`` is
            None when the phase ended without one (quit is not offered; the horizon ran out).
        """
        correct = self.choice is not None and self.choice == self.task.answer
        return float(correct), {
            "choice": self.choice,
            "answer": self.task.answer,
            "correct": correct,
            "ended": self.ended,
            "test_actions": self.n_actions,
        }


def start(
    task: MfpTask,
    program: Program | None = None,
    settings: Settings | None = None,
    seed: int | None = None,
) -> MfpPhase:
    """Start the MFP test phase at frame 0 (protocol section 3.1).

    The recording is task data, so the program and seed are not used; they are accepted for
    the uniform ``start(task, program, settings, seed)`` signature. Of the settings only
    ``mfp_rewind`` is read (``"start"`` when absent).

    Raises:
        TypeError: ``task`` is not an :class:`MfpTask`.
    """
    if not isinstance(task, MfpTask):
        raise TypeError(f"expected an MfpTask, got {type(task).__name__}")
    return MfpPhase(task, getattr(settings, "mfp_rewind", "start"))
