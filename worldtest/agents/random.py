"""The random agent: a chance-level baseline (id ``random``).

Every choice is drawn from ``start.rng`` (house style 5), so an episode is reproducible.

- **Interaction phase**: uniform over the six program action kinds (``noop``, the four arrows,
  ``click``), a click on a uniformly random cell. It never sends ``reset`` or ``go-to-test``:
  the phase ends when the budget runs out (protocol section 2).
- **MFP**: ``step`` to the last frame, then ``choose N`` with N uniform over the options
  (expected score 1/6, protocol section 3.1).
- **Planning**: uniform random program actions as above, never ``quit``.
- **CD**: random program actions (no ``reset``, no ``quit``); ``found-change`` after a number of
  test actions drawn uniformly from ``3 .. horizon - 3`` at the start of the phase (so that
  ``choose-frame`` and ``submit`` still fit), then ``choose-frame K`` with K uniform over the frames
  seen, then ``submit``.
"""

from __future__ import annotations

import numpy as np

from worldtest.agents.base import EpisodeStart, Observation

__all__ = ["RandomAgent"]

_KINDS = ("noop", "left", "right", "up", "down", "click")


class RandomAgent:
    """Uniformly random actions (see the module docstring)."""

    id = "random"
    version = "1"
    privileged = False

    def __init__(self) -> None:
        self.rng = np.random.default_rng(0)
        self.grid_size = 1
        self._claim_after = 0
        self._cd_actions = 0
        self._chosen = False

    def reset(self, start: EpisodeStart) -> None:
        """Take the episode's generator and grid size; forget the last episode."""
        self.rng = start.rng
        self.grid_size = start.grid_size
        self._claim_after = 0
        self._cd_actions = 0
        self._chosen = False

    def _program_action(self) -> str:
        kind = _KINDS[int(self.rng.integers(len(_KINDS)))]
        if kind == "click":
            x, y = self.rng.integers(self.grid_size, size=2)
            return f"click {int(x)} {int(y)}"
        return kind

    def act(self, obs: Observation) -> str:
        """Return a random action valid in ``obs``'s phase (see the module docstring)."""
        if obs.phase == "mfp":
            if "choose N" in obs.offered:
                n_options = len(obs.options) if obs.options else 6
                return f"choose {int(self.rng.integers(n_options))}"
            return "step"
        if obs.phase == "cd":
            return self._cd(obs)
        return self._program_action()

    def _cd(self, obs: Observation) -> str:
        if obs.first:
            high = max(3, obs.remaining - 3)
            self._claim_after = int(self.rng.integers(3, high + 1))
        self._cd_actions += 1
        if "choose-frame K" in obs.offered:
            if not self._chosen and obs.n_frames:
                self._chosen = True
                return f"choose-frame {int(self.rng.integers(obs.n_frames))}"
            return "submit"
        if "found-change" in obs.offered and self._cd_actions > self._claim_after:
            return "found-change"
        return self._program_action()
