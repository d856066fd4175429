"""A seeded random clicker: the template of an agent kept in its own package.

Interaction phase: a click on a uniformly random cell with probability ``p_click``, else one of
the arrows or ``noop``; a ``reset`` every ``reset_every`` actions (0: never). MFP: ``step`` to
the last frame, then ``choose N`` uniformly. Planning: as in the interaction phase. CD: as in
the interaction phase, ``found-change`` after a number of test actions drawn at the start of
the phase, then ``choose-frame K`` uniformly over the frames seen, then ``submit``.

Every random choice comes from ``start.rng``, the generator the harness seeds for the episode,
and ``reset`` forgets the last episode, so ``worldtest check-agent clicker`` passes.
"""

from __future__ import annotations

import numpy as np

from worldtest.agents.base import EpisodeStart, Observation

__all__ = ["ClickerAgent"]

_MOVES = ("noop", "left", "right", "up", "down")


class ClickerAgent:
    """Random clicks and moves (module docstring).

    Args:
        p_click: probability of a click rather than a move, in [0, 1] (default 0.5).
        reset_every: interaction actions between two ``reset`` actions; 0: never (default).

    Raises:
        ValueError: ``p_click`` outside [0, 1] or a negative ``reset_every`` (a preset with
            such options is refused by the harness with the preset's file name).
    """

    id = "clicker"
    version = "1"  # bump when behaviour changes: records carry it
    privileged = False  # True would hand the agent the program (the oracle's privilege)

    def __init__(self, p_click: float = 0.5, reset_every: int = 0) -> None:
        if not 0.0 <= p_click <= 1.0:
            raise ValueError(f"p_click must be in [0, 1], got {p_click}")
        if reset_every < 0:
            raise ValueError(f"reset_every must be >= 0, got {reset_every}")
        self.p_click = float(p_click)
        self.reset_every = int(reset_every)
        self.rng = np.random.default_rng(0)  # replaced by start.rng at every reset
        self.grid_size = 1
        self.actions = 0
        self.claim_after = 0
        self.chosen = False

    def reset(self, start: EpisodeStart) -> None:
        """Start an episode: take its generator and grid; forget everything else."""
        self.rng = start.rng
        self.grid_size = start.grid_size
        self.actions = 0
        self.claim_after = 0
        self.chosen = False

    def act(self, obs: Observation) -> str:
        """The next action's text for the phase of ``obs``."""
        self.actions += 1
        if obs.phase == "mfp":
            if "choose N" in obs.offered:
                return f"choose {int(self.rng.integers(len(obs.options or [None] * 6)))}"
            return "step"
        if obs.phase == "cd":
            if obs.first:
                self.claim_after = int(self.rng.integers(3, max(3, obs.remaining - 3) + 1))
                self.actions = 1
            if "choose-frame K" in obs.offered:
                if not self.chosen and obs.n_frames:
                    self.chosen = True
                    return f"choose-frame {int(self.rng.integers(obs.n_frames))}"
                return "submit"
            if "found-change" in obs.offered and self.actions > self.claim_after:
                return "found-change"
        if (obs.phase == "interaction" and self.reset_every
                and self.actions % self.reset_every == 0 and "reset" in obs.offered):
            return "reset"
        return self._click_or_move()

    def _click_or_move(self) -> str:
        if self.rng.random() < self.p_click:
            x, y = self.rng.integers(self.grid_size, size=2)
            return f"click {int(x)} {int(y)}"
        return _MOVES[int(self.rng.integers(len(_MOVES)))]
