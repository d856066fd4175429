"""A tiny suite for protocol and runner tests: one 4x4 program ``dot`` and a task of each family.

``dot``: a red dot at (0, 0) that the arrows move and a click teleports; a counter ``t`` counts
ticks. The CD wrong program turns the dot blue from tick 5 on (trigger ``(>= t 5)``), so frame 5
of an unbroken run is the first defective frame and the trigger time is T = 6.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from worldtest.autumn import compile_program
from worldtest.env import AutumnEnv
from worldtest.palette import from_letters
from worldtest.tasks.models import CdTask, MfpMask, MfpTask, PlanningTask, save_task

DOT = """(program
  (= GRID_SIZE 4)
  (object Dot (: c String) (Cell 0 0 c))
  (: t Number)
  (= t (initnext 0 (+ (prev t) 1)))
  (: dot Dot)
  (= dot (initnext (Dot "red" (Position 0 0)) (prev dot)))
  (on left (= dot (moveLeft dot)))
  (on right (= dot (moveRight dot)))
  (on up (= dot (moveUp dot)))
  (on down (= dot (moveDown dot)))
  (on clicked (= dot (Dot (.. dot c) click)))
)
"""

DOT_WRONG = DOT.replace(
    '(= dot (initnext (Dot "red" (Position 0 0)) (prev dot)))',
    '(= dot (initnext (Dot "red" (Position 0 0)) '
    '(if (>= t 5) then (updateObj (prev dot) "c" "blue") else (prev dot))))',
)

TOML = """schema_version = 1

[dot]
description = "A red dot moved by the arrows and teleported by clicks."
grid_size = 4
stochastic = false
mechanics = ["movement"]
version = 1
"""

MFP_ACTIONS = ["right", "right", "down", "click 0 3"]
MFP_MASK = MfpMask(x=0, y=2, width=2, height=2, from_frame=3)
MFP_ANSWER = 2
PLAN_GOAL = from_letters(["....", "..R.", "....", "...."])
TRIGGER = "(>= t 5)"


def run_frames(actions: list[str], seed: int = 42) -> list[np.ndarray]:
    """Frames 0..N of ``dot`` under ``actions`` (one tick each)."""
    env = AutumnEnv(compile_program(DOT), seed)
    return [env.frame] + [env.step(a)[0] for a in actions]


def mfp_task() -> MfpTask:
    frames = run_frames(MFP_ACTIONS)
    truth = np.array(MFP_MASK.region(frames[-1]))
    distractors = [np.full((2, 2), c, dtype=np.uint8) for c in (1, 10, 5, 9, 8)]
    distractors[0] = from_letters(["R.", ".."])
    options = distractors[:MFP_ANSWER] + [truth] + distractors[MFP_ANSWER:]
    shown = [f if i < MFP_MASK.from_frame else MFP_MASK.apply(f) for i, f in enumerate(frames)]
    return MfpTask(
        id="dot/mfp",
        env="dot",
        seed=42,
        # Hand-made distractors (no program makes all five): no provenance, as an imported task.
        derived_by="imported from the reference harness layout by hand (test fixture)",
        actions=MFP_ACTIONS,
        frames=shown,
        mask=MFP_MASK,
        options=options,
        answer=MFP_ANSWER,
    )


def planning_task() -> PlanningTask:
    mask = (PLAN_GOAL == 11).astype(np.uint8)
    return PlanningTask(
        id="dot/planning",
        env="dot",
        seed=42,
        derived_by="tests",
        goal=PLAN_GOAL,
        mask=mask,
        optimal_actions=1,
        plan=["click 2 1"],
    )


def cd_task() -> CdTask:
    return CdTask(
        id="dot/cd",
        env="dot",
        seed=42,
        derived_by="tests",
        wrong_program="cd_wrong.sexp",
        trigger=TRIGGER,
        change="the dot turns blue from tick 5 on",
    )


def make_suite(root: Path) -> Path:
    """Write the suite under ``root`` and return ``root``."""
    (root / "environments").mkdir(parents=True)
    (root / "environments" / "environments.toml").write_text(TOML)
    (root / "environments" / "dot.sexp").write_text(DOT)
    tasks = root / "tasks" / "dot"
    save_task(mfp_task(), tasks / "mfp.json")
    save_task(planning_task(), tasks / "planning.json")
    save_task(cd_task(), tasks / "cd.json")
    (tasks / "cd_wrong.sexp").write_text(DOT_WRONG)
    return root


class ScriptAgent:
    """Plays scripted action texts; records every observation and the start.

    After the interaction script it sends ``go-to-test``; after the test script, ``after``.
    """

    id = "script"
    version = "1"

    def __init__(
        self, interaction: list[Any] = (), test: list[Any] = (), after: str = "noop"
    ) -> None:
        self.scripts = {"interaction": list(interaction), "test": list(test)}
        self.after = after
        self.observations: list[Any] = []
        self.start = None

    def reset(self, start: Any) -> None:
        self.start = start
        self.queues = {k: list(v) for k, v in self.scripts.items()}

    def act(self, obs: Any) -> Any:
        self.observations.append(obs)
        if obs.phase == "interaction":
            queue = self.queues["interaction"]
            return queue.pop(0) if queue else "go-to-test"
        queue = self.queues["test"]
        return queue.pop(0) if queue else self.after
