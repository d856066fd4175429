"""The change-detection test phase (protocol section 3.3).

The wrong program (``cd_wrong.sexp`` beside the task file) runs with the task's seed from the
state its hidden ``prefix`` leads to (the initial state when the prefix is empty), with the
task's trigger expression passed to the interpreter (autumn-language.md section 3.8); ``reset``
returns to that state. Two stages:

1. **Acting.** ``noop``, the arrows, ``click X Y`` (one tick each), ``reset`` (restart the wrong
   program, same seed, same prefix), ``quit``, and -- once at least 3 ticks have run in this test phase,
   counted over all resets -- ``found-change``.
2. **Choosing.** ``choose-frame K`` (shows frame K; may be repeated), ``submit`` (offered once a
   frame has been chosen; scores the last choice) and ``quit``.

**Frame numbering.** Every frame shown in the acting stage gets the next index, sequentially
over the whole test phase, resets included: frame 0 is the first frame, and the frame 0 shown
after a reset gets the next free index, not 0. ``choose-frame K`` refers to this numbering;
:attr:`~worldtest.tasks.phase.View.frame_index` gives the index of the frame shown now.

**Trigger time.** At the start of each test tick t = 1, 2, ... the condition is evaluated on the
current state; the first t at which it holds is T (protocol section 3.3); tick t is the tick that
makes frame t, in the numbering above. As in the reference, the interpreter evaluates the
condition at step 3 of every tick (autumn-language.md §3.8): after the tick's input is injected,
before any rule runs, on the state the previous tick left. So a condition may describe the state
(it first holds on frame T - 1, the first defective frame, as protocol 3.3 puts it) or read the
tick's input (``clicked``, the arrows) to say that the changed rule acts in this tick (the defect
then shows in frame T); the scoring window ``{T - 1, T}`` covers both. A frame that no tick
follows (the last one before ``found-change``, ``quit``, a ``reset`` or the end) is checked
between steps, as the reference harness also does, giving T = its index + 1.
Score: :func:`~worldtest.tasks.scoring.cd_score` of the submitted frame; quit or the
horizon score 0. The raw score (-1 for no trigger / an early claim, as the reference harness
records it; 0 for quit / horizon) is kept in the outcome.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from worldtest.env import PROGRAM_TEMPLATES, Action, AutumnEnv, Frame
from worldtest.errors import ActionError
from worldtest.tasks.models import CdTask
from worldtest.tasks.phase import TestPhase, View
from worldtest.tasks.scoring import cd_raw_score, cd_score

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.autumn.runtime import Program
    from worldtest.settings import Settings

__all__ = ["MIN_TICKS", "CdPhase", "start"]

MIN_TICKS = 3
"""Ticks that must have run before ``found-change`` is offered (protocol section 3.3)."""


class CdPhase(TestPhase):
    """The CD state machine; build it with :func:`start`.

    Attributes:
        env: the running wrong program.
        seen: every frame shown in the acting stage (labelled with its tick and action), in the
            numbering ``choose-frame`` uses.
        trigger_time: T (1-based tick), or None while the condition has not held.
        ticks: ticks run in this test phase (all resets together).
        choosing: whether ``found-change`` has been claimed.
        chosen: the last ``choose-frame`` K, or None.
    """

    family = "cd"

    def __init__(self, task: CdTask, env: AutumnEnv) -> None:
        super().__init__(grid_size=env.grid_size)
        self.task = task
        self.env = env
        self.seen: list[Frame] = []
        self.trigger_time: int | None = None
        self.ticks = 0
        self.n_resets = 0
        self.choosing = False
        self.chosen: int | None = None
        self._last_checked = False
        self._new = [self._observe(None)]

    def _observe(self, action: str | None, ticked: bool = False) -> Frame:
        """Number the env's current frame; after a tick, read the step-3 trigger value."""
        index = len(self.seen)
        frame = Frame(self.env.tick, action, self.env.frame)
        self.seen.append(frame)
        if self.trigger_time is None and ticked and self.env.world.triggered:
            self.trigger_time = index
        return frame

    def _check_last_frame(self) -> None:
        """Evaluate the trigger between steps on the last frame, which no tick will follow."""
        if self.trigger_time is None and not self._last_checked:
            self._last_checked = True
            if self.env.world.condition(self.task.trigger):
                self.trigger_time = len(self.seen)

    @property
    def frame(self) -> np.ndarray:
        return self.seen[self.frame_index].grid

    @property
    def tick(self) -> int:
        return self.env.tick

    @property
    def frame_index(self) -> int:
        """Index of the frame shown now, in the test phase's numbering."""
        return self.chosen if self.choosing and self.chosen is not None else len(self.seen) - 1

    def offered(self) -> list[str]:
        if self.done:
            return []
        if self.choosing:
            return ["choose-frame K", *(["submit"] if self.chosen is not None else []), "quit"]
        return [
            *PROGRAM_TEMPLATES,
            "reset",
            "quit",
            *(["found-change"] if self.ticks >= MIN_TICKS else []),
        ]

    def _apply(self, action: Action) -> list[Frame]:
        kind = action.kind
        if kind in ("quit", "found-change", "reset") and not self.choosing:
            self._check_last_frame()
        if kind == "quit":
            self._finish("quit")
            return []
        if kind == "found-change":
            self.choosing = True
            return []
        if kind == "choose-frame":
            if action.n >= len(self.seen):
                raise ActionError(
                    f"choose-frame {action.n}: expected K in 0..{len(self.seen) - 1} "
                    "(the frames seen so far)"
                )
            self.chosen = action.n
            return [self.seen[action.n]]
        if kind == "submit":
            self._finish("submit")
            return []
        if kind == "reset":
            self.env.reset()
            self.n_resets += 1
            self._last_checked = False
            return [self._observe("reset")]
        self.env.step(action)
        self.ticks += 1
        self.last_ticks = 1
        self._last_checked = False
        return [self._observe(str(action), ticked=True)]

    def observation(self) -> View:
        return View(
            frames=list(self._new),
            frame=self.frame,
            offered=self.offered(),
            frame_index=self.frame_index,
            n_frames=len(self.seen),
        )

    def outcome(self) -> tuple[float, dict[str, Any]]:
        """Score per protocol section 3.3 (see the module docstring).

        Returns:
            ``(score, {"trigger_time", "chosen_frame", "raw_score", "ended", "ticks",
            "n_resets", "frames_seen", "test_actions"})``.
        """
        if not self.choosing:
            self._check_last_frame()
        submitted = self.ended == "submit"
        chosen = self.chosen if submitted else None
        raw = cd_raw_score(chosen, self.trigger_time) if submitted else 0.0
        score = cd_score(chosen, self.trigger_time) if submitted else 0.0
        return score, {
            "trigger_time": self.trigger_time,
            "chosen_frame": chosen,
            "raw_score": raw,
            "ended": self.ended,
            "ticks": self.ticks,
            "n_resets": self.n_resets,
            "frames_seen": len(self.seen),
            "test_actions": self.n_actions,
        }


def start(
    task: CdTask,
    program: Program | None = None,
    settings: Settings | None = None,
    seed: int | None = None,
    *,
    wrong_program: Program | None = None,
) -> CdPhase:
    """Start the CD test phase: the wrong program with the test seed, after the task's prefix.

    Args:
        task: the CD task.
        program: the environment's (right) program; unused, the test runs the wrong one.
        settings: unused (one test action is always one tick, protocol section 2).
        seed: the seed; None (what the protocol passes) means the task seed
            (``docs/protocol.md`` section 2: the test never starts where the interaction phase
            did).
        wrong_program: the compiled wrong program; when None it is loaded from
            :meth:`CdTask.wrong_program_path`.

    Raises:
        TypeError: ``task`` is not a :class:`CdTask`.
        TaskFileError: no wrong program given and the task was not loaded from a file.
        AutumnError: the wrong program does not compile or fails while loading, or the
            trigger expression cannot be evaluated.
    """
    if not isinstance(task, CdTask):
        raise TypeError(f"expected a CdTask, got {type(task).__name__}")
    if wrong_program is None:
        from worldtest.autumn import load_program

        wrong_program = load_program(task.wrong_program_path())
    env = AutumnEnv(
        wrong_program,
        task.seed if seed is None else seed,
        ticks_per_action=1,
        trigger=task.trigger,
        prefix=task.prefix_events(),
    )
    return CdPhase(task, env)
