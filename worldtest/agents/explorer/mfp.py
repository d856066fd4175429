"""Masked-frame prediction with the learned model: rank the options by likelihood.

The explorer steps through the recording (protocol section 3.1), learning from its unmasked
transitions like from its own experience. At the last frame it predicts the masked cells forward
from the last unmasked frame with the recorded actions, one tick per action, with a small
particle filter: each of ``particles`` hypotheses fills the masked cells by the model's rule
(the most frequent colour where the rule is deterministic, a draw from its counts where it is
stochastic), and is weighted by how well it predicts the *visible* cells around the mask. The
score of option o is its likelihood under the mixture,
``log sum_k w_k prod_cells p_k(cell = o_cell)`` (smoothed probabilities, :mod:`.model`), and the
explorer chooses the most likely option (the first on ties).
"""

from __future__ import annotations

import numpy as np

from worldtest.agents.explorer.features import event_of
from worldtest.agents.explorer.model import History, LocalRuleModel
from worldtest.palette import MASK

__all__ = ["MfpSolver"]


class MfpSolver:
    """Collects the recording while stepping, then chooses (see the module docstring).

    Args:
        model: the explorer's model (it also learns from the unmasked recording).
        rng: the episode's generator (particle draws).
        particles: hypotheses for stochastic rules.
    """

    def __init__(self, model: LocalRuleModel, rng: np.random.Generator, particles: int = 32):
        self.model = model
        self.rng = rng
        self.particles = particles
        self.frames: dict[int, np.ndarray] = {}
        self.actions: dict[int, str | None] = {}
        self.scores: list[float] | None = None

    def act(self, obs) -> str:
        """``step`` to the end of the recording, then ``choose N``."""
        for f in obs.frames:
            self.frames[f.tick] = f.grid
            self.actions[f.tick] = f.action
        if obs.options is None or "choose N" not in obs.offered:
            return "step" if "step" in obs.offered else "rewind"
        self.scores = self.rank(obs.options)
        return f"choose {int(np.argmax(self.scores))}"

    def rank(self, options: list[np.ndarray]) -> list[float]:
        """Log-likelihood of each option (see the module docstring)."""
        last = max(self.frames)
        frames = [self.frames[i] for i in range(last + 1)]
        events = [None] + [event_of(self.actions[i]) for i in range(1, last + 1)]
        masked = [i for i, f in enumerate(frames) if (f == MASK).any()]
        first = masked[0] if masked else last
        first = max(first, 1)
        hole = frames[last] == MASK
        ys, xs = np.nonzero(hole)
        if len(ys) == 0:
            return [0.0] * len(options)
        y0, x0 = ys.min(), xs.min()
        history = History.start(frames[0])
        for t in range(1, first):
            self.model.observe(history, events[t], frames[t])
            history = self.model.advance(history, events[t], frames[t])
        ring = _ring(hole)
        states = [history] * self.particles
        logw = np.zeros(self.particles)
        for t in range(first, last):
            pred = self.model.predict(states, [events[t]] * self.particles)
            observed = frames[t]
            seen = ring & (observed != MASK)
            if seen.any():
                logw += np.log(pred.prob(observed)[:, seen]).sum(axis=1)
            logw -= logw.max()
            new_states = []
            for k in range(self.particles):
                filled = np.array(observed)
                for y, x in zip(*np.nonzero(observed == MASK)):
                    filled[y, x] = self._draw(pred, k, y, x)
                new_states.append(self.model.advance(states[k], events[t], filled))
            states = new_states
            states, logw = self._resample(states, logw)
        pred = self.model.predict(states, [events[last]] * self.particles)
        scores = []
        for option in options:
            full = np.array(frames[last])
            h, w = option.shape
            full[y0:y0 + h, x0:x0 + w] = option
            p = pred.prob(full)[:, hole]
            per_particle = logw + np.log(p).sum(axis=1)
            top = per_particle.max()
            scores.append(float(top + np.log(np.exp(per_particle - top).sum())))
        return scores

    def _draw(self, pred, k: int, y: int, x: int) -> int:
        entry = pred.entries[k, y, x]
        if entry is None or entry[2] == entry[0]:
            return int(pred.frame[k, y, x])
        colours = list(entry[3])
        p = np.array([entry[3][c] for c in colours], dtype=float)
        return int(colours[int(self.rng.choice(len(colours), p=p / p.sum()))])

    def _resample(self, states: list[History], logw: np.ndarray):
        w = np.exp(logw - logw.max())
        w /= w.sum()
        if 1.0 / np.sum(w ** 2) > len(states) / 2:
            return states, logw
        idx = self.rng.choice(len(states), size=len(states), p=w)
        return [states[i] for i in idx], np.zeros(len(states))


def _ring(hole: np.ndarray) -> np.ndarray:
    """Cells within two cells of the masked rectangle, outside it (their next colours depend on
    what is under the mask)."""
    grown = hole.copy()
    for _ in range(2):
        g = grown.copy()
        g[1:, :] |= grown[:-1, :]
        g[:-1, :] |= grown[1:, :]
        g[:, 1:] |= grown[:, :-1]
        g[:, :-1] |= grown[:, 1:]
        grown = g
    return grown & ~hole
