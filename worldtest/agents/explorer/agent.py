"""The explorer agent (id ``explorer``): learns a world model from its own experiments.

- **Interaction phase**: deliberate experiments (:mod:`.experiments`), or any policy passed as
  ``explore`` (a callable ``Observation -> action text``, e.g. a policy trained with an RL
  library on :mod:`worldtest.gym`); either way every observed tick trains the local-rule model
  (:mod:`.model`).
- **MFP**: options ranked by likelihood under the model (:mod:`.mfp`).
- **Planning**: best-first search in the model, verified and replanned (:mod:`.planner`).
- **CD**: re-runs its experiments and claims the first frame that differs from what it saw when it
  ran them before (it remembers each segment of its interaction phase, frame by frame), or, past
  that memory, that its counts cannot explain (:mod:`.detect`) -- more surprising than anything
  its model met in the second half of the interaction phase: there, before learning each tick,
  it measures its own surprise at the first ticks after every action, how much novelty alone
  surprises it in this world.

It never sees the program, the seed or the task's answers (``privileged = False``); every random
choice comes from ``start.rng``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from worldtest.agents.base import EpisodeStart, Observation
from worldtest.agents.explorer.detect import Detector, Segment, surprise
from worldtest.agents.explorer.experiments import Experimenter
from worldtest.agents.explorer.features import event_of
from worldtest.agents.explorer.mfp import MfpSolver
from worldtest.agents.explorer.model import History, LocalRuleModel
from worldtest.agents.explorer.planner import Planner

__all__ = ["ExplorerAgent"]

_CALIBRATION_TICKS = 3  # ticks after each action, in the second half of the interaction phase


class ExplorerAgent:
    """A reward-free world-model learner (see the module docstring).

    Args:
        explore: optional interaction-phase policy, ``Observation -> action text``; None for the
            built-in experiments.
        agent_id: the id recorded with episodes (change it together with ``explore``).
    """

    id = "explorer"
    version = "1"
    privileged = False

    def __init__(self, explore: Callable[[Observation], str] | None = None,
                 agent_id: str | None = None) -> None:
        self.explore = explore
        if agent_id is not None:
            self.id = agent_id
        self._start: EpisodeStart | None = None

    def reset(self, start: EpisodeStart) -> None:
        """Forget the last episode; a fresh model."""
        self._start = start
        self.rng = start.rng
        self.model = LocalRuleModel()
        self.experimenter = Experimenter(start.grid_size, start.rng)
        self.history: History | None = None
        self.actions: list[str] = []
        self.solver: Any = None
        self.calibration: list[tuple[float, float]] = []
        self.segments: list[Segment] = []

    def act(self, obs: Observation) -> str:
        """The next action for the observation's phase."""
        if obs.phase == "interaction":
            self._learn(obs)
            if self.explore is not None:
                text = self.explore(obs)
            else:
                text = self.experimenter.act(obs.frame, self.model, self.history)
            self.actions.append(text)
            if text not in ("reset", "go-to-test") and self.segments:
                self.segments[-1].steps.append((text, []))
            return text
        if self.solver is None:
            self.solver = self._solver(obs.phase)
        return self.solver.act(obs)

    def _solver(self, phase: str) -> Any:
        if phase == "mfp":
            return MfpSolver(self.model, self.rng)
        if phase == "planning":
            return Planner(self.model, self.rng)
        return Detector(self.model, self.segments, self.experimenter, self.calibration)

    def _learn(self, obs: Observation) -> None:
        """Train the model on the ticks shown since the last action."""
        histories, events, frames = [], [], []
        calibrate = obs.remaining <= self._start.settings.budget // 2
        same_seed = self._start.settings.reset_seed == "same"
        if obs.frames and self.segments and self.segments[-1].steps \
                and obs.frames[0].action not in (None, "reset"):
            self.segments[-1].steps[-1][1].extend(f.grid for f in obs.frames)
        for f in obs.frames:
            if self.history is None or f.action == "reset":
                self.history = History.start(f.grid)
                self.segments.append(Segment(f.grid, [], same_seed or not self.segments))
                continue
            event = event_of(f.action)
            self.model.note_effect(self.history, event, f.grid)
            if calibrate and len(frames) < _CALIBRATION_TICKS:
                logp = surprise(self.model, self.history, event, f.grid)
                self.calibration.append((float(logp.min()), float(logp.sum())))
            histories.append(self.history)
            events.append(event)
            frames.append(f.grid)
            self.history = self.model.advance(self.history, event, f.grid)
        if frames:
            self.model.observe_batch(histories, events, np.stack(frames))

    def usage(self) -> dict[str, Any]:
        """Size of the learned model: transitions seen and contexts per level."""
        if self._start is None:
            return {}
        return {"transitions": self.model.n_transitions,
                "contexts": sum(len(t) for t in self.model.tables)}
