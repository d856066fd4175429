"""The planning test phase (protocol section 3.2).

The same program runs with the task's seed (the seed its goal was derived and validated for),
from the state its hidden ``prefix`` leads to (the initial state when the prefix is empty). Actions: ``noop``, the
arrows, ``click X Y`` (each exactly one tick) and ``quit``; no ``reset``, no ``go-to-test``.
After every tick the frame is compared with the goal on every cell where the mask is 1 (exact
palette-index equality); the first match ends the phase with success. ``quit``, or the horizon
running out (the caller's :meth:`~worldtest.tasks.phase.TestPhase.abort`), ends it without.

Score: 1 on success, else 0 (the paper's headline). Recorded beside it: ``actions_used`` (test
actions up to and including the successful one, invalid ones included, as they cost one action),
``optimal_actions`` and ``efficiency`` = f(actions_used / optimal_actions) with f from protocol
section 3.3 (0 without success).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from worldtest.env import PROGRAM_TEMPLATES, Action, AutumnEnv, Frame
from worldtest.errors import TaskFileError
from worldtest.tasks.models import PlanningTask
from worldtest.tasks.phase import TestPhase, View
from worldtest.tasks.scoring import planning_efficiency

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.autumn.runtime import Program
    from worldtest.settings import Settings

__all__ = ["PlanningPhase", "goal_reached", "start"]


def goal_reached(frame: np.ndarray, goal: np.ndarray, mask: np.ndarray) -> bool:
    """Whether ``frame`` equals ``goal`` on every cell where ``mask`` is 1 (protocol 3.2).

    Args:
        frame, goal: ``uint8`` palette indices, shape (H, W).
        mask: ``uint8`` 0/1, shape (H, W).
    """
    sel = mask.astype(bool)
    return bool(np.array_equal(frame[sel], goal[sel]))


class PlanningPhase(TestPhase):
    """The planning state machine; build it with :func:`start`.

    Attributes:
        env: the running program (one tick per action).
        success: whether the goal was reached.
        actions_used: test actions used when the goal was reached (None before).
    """

    family = "planning"

    def __init__(self, task: PlanningTask, env: AutumnEnv) -> None:
        super().__init__(grid_size=env.grid_size)
        self.task = task
        self.env = env
        self.success = False
        self.actions_used: int | None = None
        self._new = [Frame(0, None, env.frame)]

    @property
    def frame(self) -> np.ndarray:
        return self.env.frame

    @property
    def tick(self) -> int:
        return self.env.tick

    def offered(self) -> list[str]:
        return [] if self.done else [*PROGRAM_TEMPLATES, "quit"]

    def _apply(self, action: Action) -> list[Frame]:
        if action.kind == "quit":
            self._finish("quit")
            return []
        (frame,) = self.env.step(action)
        self.last_ticks = 1
        if goal_reached(frame, self.task.goal, self.task.mask):
            self.success = True
            self.actions_used = self.n_actions
            self._finish("goal")
        return [Frame(self.env.tick, str(action), frame)]

    def observation(self) -> View:
        return View(
            frames=list(self._new),
            frame=self.frame,
            offered=self.offered(),
            goal=self.task.goal,
            goal_mask=self.task.mask,
        )

    def outcome(self) -> tuple[float, dict[str, Any]]:
        """Score 1 on success, else 0 (protocol section 3.2).

        Returns:
            ``(score, {"success", "actions_used", "optimal_actions", "efficiency", "ended",
            "test_actions"})``; ``efficiency`` is f(actions_used / optimal_actions), 0 without
            success.
        """
        optimal = self.task.optimal_actions
        efficiency = planning_efficiency(self.actions_used, optimal) if self.success else 0.0
        return float(self.success), {
            "success": self.success,
            "actions_used": self.actions_used,
            "optimal_actions": optimal,
            "efficiency": efficiency,
            "ended": self.ended,
            "test_actions": self.n_actions,
        }


def start(
    task: PlanningTask, program: Program, settings: Settings | None = None, seed: int | None = None
) -> PlanningPhase:
    """Start the planning test phase: the program with the test seed, after the task's prefix.

    Args:
        task: the planning task.
        program: the environment's compiled program.
        settings: unused (one test action is always one tick, protocol section 2).
        seed: the seed to start from; None (what the protocol passes) means the task seed, for
            which the goal was derived and validated (in the reference harness the episode and
            the task share one seed; ``docs/protocol.md`` section 2).

    Raises:
        TypeError: ``task`` is not a :class:`PlanningTask`.
        TaskFileError: the goal's shape differs from the program's frames.
        AutumnError: the program fails while loading or during the prefix.
    """
    if not isinstance(task, PlanningTask):
        raise TypeError(f"expected a PlanningTask, got {type(task).__name__}")
    env = AutumnEnv(
        program, task.seed if seed is None else seed, ticks_per_action=1,
        prefix=task.prefix_events(),
    )
    if env.frame.shape != task.goal.shape:
        raise TaskFileError(
            task.path or "<memory>",
            "goal",
            f"shape {task.goal.shape} differs from the program's frames {env.frame.shape}",
        )
    return PlanningPhase(task, env)
