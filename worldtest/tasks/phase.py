"""The shape every test phase shares (protocol section 3): offered actions, apply, outcome.

A test phase is a small state machine driven one action at a time by the protocol layer
(:mod:`worldtest.protocol`) or directly by a task validator or the oracle:

    phase = <family>.start(task, program, settings, seed)
    while not phase.done:
        view = phase.observation()          # what the agent sees now
        phase.apply("step")                 # Action or text; ActionError if not offered
    score, outcome = phase.outcome()

Every call of :meth:`TestPhase.apply` is one test action, whether or not it is valid
(protocol section 2, "Invalid actions": they cost one action); :attr:`TestPhase.n_actions`
counts them. The horizon is the caller's: when it runs out the caller calls
:meth:`TestPhase.abort` with ``"horizon"``, which scores 0 (protocol section 2, "Horizon").
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import numpy as np

from worldtest.env import Action, Frame, check_click, parse_action
from worldtest.errors import ActionError

__all__ = ["TestPhase", "View"]


@dataclass(frozen=True)
class View:
    """What the agent sees at one point of a test phase (the protocol layer adds ``remaining``).

    Attributes:
        frames: the frames the last action produced, oldest first (at the start: the first
            frame); empty after an action that shows nothing new (``choose-frame``, an invalid one).
        frame: the frame shown now, ``uint8`` (H, W).
        offered: the action templates valid now (``"click X Y"``, ``"choose N"``,
            ``"choose-frame K"``; N ranges over ``options``, K over ``0..n_frames-1``).
        goal, goal_mask: planning only: the goal frame and its 0/1 mask, ``uint8`` (H, W).
        options: MFP only, once the last frame has been reached: the 6 patches, ``uint8`` (h, w).
        frame_index: MFP: the index of the shown frame in the recording; CD: the index of the
            shown frame among all frames seen in this test phase (the numbering ``choose-frame``
            uses).
        n_frames: MFP: frames in the recording; CD: frames seen so far.
    """

    frames: list[Frame]
    frame: np.ndarray
    offered: list[str]
    goal: np.ndarray | None = None
    goal_mask: np.ndarray | None = None
    options: list[np.ndarray] | None = None
    frame_index: int | None = None
    n_frames: int | None = None


@dataclass
class _Status:
    done: bool = False
    ended: str | None = None  # why the phase ended: "choice", "goal", "submit", "quit", "horizon"


class TestPhase(ABC):
    """Base of the three test phases (protocol section 3).

    Attributes:
        family: ``"mfp"``, ``"planning"`` or ``"cd"``.
        grid_size: cells per side, for parsing clicks.
        n_actions: test actions applied so far, invalid ones included.
        last_ticks: program ticks run by the last valid action (0 for MFP and CD bookkeeping).
        last_action: the last valid action, parsed.
    """

    __test__ = False  # not a pytest test class, despite the name
    family: str = ""

    def __init__(self, grid_size: int) -> None:
        self.grid_size = grid_size
        self.n_actions = 0
        self.last_ticks = 0
        self.last_action: Action | None = None
        self._status = _Status()
        self._new: list[Frame] = []

    @property
    def done(self) -> bool:
        """True once the phase has ended (a choice, success, submit, quit, or abort)."""
        return self._status.done

    @property
    def ended(self) -> str | None:
        """Why the phase ended, or None while it runs."""
        return self._status.ended

    def _finish(self, reason: str) -> None:
        self._status.done = True
        self._status.ended = reason

    def abort(self, reason: str = "horizon") -> None:
        """End the phase without an answer (the horizon ran out): the score is 0."""
        if not self.done:
            self._finish(reason)

    @property
    @abstractmethod
    def frame(self) -> np.ndarray:
        """The frame shown now, ``uint8`` (H, W)."""

    @property
    @abstractmethod
    def tick(self) -> int:
        """The program tick of the shown frame (MFP: its index in the recording)."""

    @abstractmethod
    def offered(self) -> list[str]:
        """The action templates valid now (empty once done)."""

    @abstractmethod
    def observation(self) -> View:
        """What the agent sees now."""

    @abstractmethod
    def outcome(self) -> tuple[float, dict[str, Any]]:
        """``(score in [0, 1], outcome dict)``; call once :attr:`done`."""

    @abstractmethod
    def _apply(self, action: Action) -> list[Frame]:
        """Apply an offered action; return the frames it shows (may raise ActionError)."""

    def apply(self, action: Action | str) -> list[np.ndarray]:
        """Apply one test action (counted in :attr:`n_actions` even when invalid).

        Args:
            action: an :class:`~worldtest.env.Action` or its text (anything else is an
                invalid action).

        Returns:
            The frames the action produced or showed, ``uint8`` (H, W) each, oldest first.

        Raises:
            ActionError: unparsable text, an off-grid click, an action not offered now (the
                message lists the offered ones), an out-of-range ``choose N`` /
                ``choose-frame K``, or any action after the phase ended.
            AutumnError: the program fails during a tick.
        """
        self.n_actions += 1
        self._new = []
        if self.done:
            raise ActionError(f"the {self.family} test phase is over ({self.ended})")
        if not isinstance(action, Action):
            action = parse_action(action, self.grid_size)
        elif action.kind == "click":
            check_click(action.x, action.y, self.grid_size)
        offered = self.offered()
        if action.template not in offered:
            raise ActionError(f"{action} is not offered now: expected one of {', '.join(offered)}")
        self.last_ticks = 0
        self.last_action = action
        self._new = self._apply(action)
        return [f.grid for f in self._new]
