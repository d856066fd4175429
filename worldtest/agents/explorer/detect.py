"""Change detection by prediction error (protocol section 3.3).

The explorer re-runs its own experiments in the test phase and compares every observed frame
with what it predicts for that tick; the model does not learn during the test (it must not learn
the change). Two predictors, in this order:

1. **Memory.** The wrong program behaves like the world until its changed rule shows, and the
   test starts from the initial state with the episode's seed, as the interaction phase did. So
   the explorer first replays its interaction phase action for action (each action followed by
   the ``ticks_per_action - 1`` noop ticks it had then, resets included, for as long as its resets
   kept the seed): it predicts each frame to be the one it saw then, exactly. The first frame
   that differs is a certain deviation -- even in a random world, whose random draws repeat with
   the same seed and the same inputs.
2. **Rules.** When the replay is spent (or impossible: another first frame, fresh-seed resets),
   it keeps probing with its other experiments squeezed (every non-noop action followed by
   ``wait`` noops, then curiosity, :mod:`.experiments`) and predicts with the learned rules.

A cell *surprises* the rules when its observed colour is not the predicted one and a
neighbourhood rule (a context with the 3x3 or 5-cell neighbourhood) that applies there never
produced it in n observations, while the colour's rate in the rules that apply, Q, is low: its
probability is about Q when chance would not have produced the colour in n tries anyway, and
falls towards a small floor when it would have (see :func:`surprise`). A crumb that falls on a
random cell is no surprise on a cell seen a hundred times; a block that has never moved two cells
in thousands of observations is; a colour that some applicable rule produces 30% of the time is
no surprise at all, and neither is anything in a situation no neighbourhood rule has seen
(coarse rules prove nothing there). A frame deviates -- its stochastic counts cannot explain it
-- when one cell's probability is at most ``cell_threshold`` or the product over its cells is at
most ``frame_threshold``. In a world whose observed stochasticity s
(:meth:`.model.LocalRuleModel.stochasticity`) exceeds 0.001, where chance alone makes cells look
new, the thresholds are divided by ``r = s / 0.001`` and ``r^4``: many weakly surprising cells of
random walkers prove nothing. Both thresholds are also set ``margin`` (nats) below the most
surprising frame the model met in the second half of its interaction phase (calibration by the
agent, :mod:`.agent`): a deviation must surprise it more than novelty alone did there.

At the first deviating frame the explorer claims ``found-change`` and chooses that frame. If
nothing deviates before the horizon is nearly spent, it claims anyway and chooses the last frame
(which scores at least the decay's floor if the change happened unseen, and 0 like quitting
otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from worldtest.agents.explorer.experiments import Experimenter
from worldtest.agents.explorer.features import LEVELS, event_of
from worldtest.agents.explorer.model import History, LocalRuleModel

__all__ = ["Detector", "Segment", "surprise"]

_RESERVE = 3  # found-change, choose-frame K, submit
_SPATIAL = [lv for lv, names in enumerate(LEVELS) if "n9" in names or "n5" in names]
_STOCHASTIC = 1e-3  # model.stochasticity() above which the thresholds tighten


def surprise(model: LocalRuleModel, history: History, event, observed: np.ndarray,
             floor: float = 1e-3, never: float = 1e-4, veto: float = 0.3) -> np.ndarray:
    """Per-cell log-probability of an observation the model did not predict.

    For a cell whose observed colour k differs from the prediction, only the *neighbourhood
    rules* (levels that see the 3x3 or 5-cell neighbourhood) count; if none has seen the
    situation it is new, and coarse rules prove nothing (value 0). Let Q be the largest
    frequency of k among them (at least ``floor``); if Q >= ``veto`` some rule that applies
    here often produces k (value 0). Otherwise each neighbourhood rule whose context was seen n
    times and never produced k weighs two explanations: the context behaves like the others
    (rate Q; likelihood of n misses ``(1 - Q)^n``) or it never produces k (rate ``never``),
    equally likely a priori; its predictive probability is ``w Q + (1 - w) never`` with
    ``w = (1 - Q)^n / ((1 - Q)^n + 1)``. The cell's value is the log of the smallest of these:
    zero counts mean something only when chance would have produced k by now.

    Args:
        model: the learned model.
        history, event: the state before the tick and its input.
        observed: the frame the tick produced, ``uint8`` (H, W).
        floor: the least Q (a colour no rule here produced).
        never: the rate of a colour under "this context never produces it".
        veto: the share of a rule's observations above which k is no surprise.

    Returns:
        ``float`` (H, W) of log-probabilities, <= 0 (natural log).
    """
    pred = model.predict([history], [event])
    out = np.zeros(observed.shape)
    wrong = np.argwhere(pred.frame[0] != observed)
    if len(wrong) == 0:
        return out
    if model.inert(history, event):
        event = None
    keys = model._keys([history], [event])[:, 0]
    for y, x in wrong:
        colour = int(observed[y, x])
        entries = [model.tables[lv].get(int(keys[lv, y, x])) for lv in _SPATIAL]
        seen = [e for e in entries if e is not None]
        if not seen:
            continue  # a situation never seen: coarse rules are no evidence of a change
        freq = [e[3].get(colour, 0) / e[0] for e in seen]
        q = max(freq + [floor])
        if q >= veto:
            continue  # some rule that applies here often produces it
        n = max(e[0] for e, f in zip(seen, freq) if f == 0) if 0 in freq else 0
        miss = (1.0 - q) ** n
        w = miss / (miss + 1.0)
        out[y, x] = np.log(w * q + (1.0 - w) * never)
    return out


@dataclass
class Segment:
    """One stretch of the interaction phase between resets, as the agent saw it.

    Attributes:
        frame0: its first frame, ``uint8`` (H, W).
        steps: each action's text and the frames it showed (``ticks_per_action`` of them).
        replayable: whether it ran with the episode seed (the first segment always; later ones
            when resets keep the seed), so that replaying its actions must reproduce its frames
            until the rules differ.
    """

    frame0: np.ndarray
    steps: list[tuple[str, list[np.ndarray]]] = field(default_factory=list)
    replayable: bool = True


class Detector:
    """Acts in the CD test phase (see the module docstring).

    Args:
        model: the explorer's model (frozen during the test: it must not learn the change).
        segments: the interaction phase, segment by segment.
        experimenter: for curiosity once the probe is spent.
        calibration: (smallest cell log-probability, summed log-probability) of frames the
            model met in the interaction phase before learning them; thresholds are set
            ``margin`` below the most surprising of them.
        cell_threshold, frame_threshold: a frame deviates when one cell's probability
            (:func:`surprise`) or the product over its cells is at most this.
        wait: noops after each probe action.
    """

    def __init__(self, model: LocalRuleModel, segments: list[Segment],
                 experimenter: Experimenter, calibration: list[tuple[float, float]] = (),
                 cell_threshold: float = 1e-3, frame_threshold: float = 1e-5,
                 margin: float = 1.0, wait: int = 1) -> None:
        self.model = model
        self.experimenter = experimenter
        scale = float(np.log(max(1.0, model.stochasticity() / _STOCHASTIC)))
        self.log_cell = float(np.log(cell_threshold)) - scale
        self.log_frame = float(np.log(frame_threshold)) - 4 * scale
        for cell, frame in calibration:
            self.log_cell = min(self.log_cell, cell - margin)
            self.log_frame = min(self.log_frame, frame - margin)
        self.replay: list[tuple[str, np.ndarray]] = []
        for seg in segments:
            if not seg.replayable or not seg.steps:
                break
            if self.replay or seg is not segments[0]:
                self.replay.append(("reset", seg.frame0))
            for text, grids in seg.steps:
                self.replay += [(text if i == 0 else "noop", g) for i, g in enumerate(grids)]
        self.frame0 = segments[0].frame0 if segments else None
        self.queue = ["noop"] * 3
        for seg in segments:
            self.queue += ["reset"] if seg is not segments[0] else []
            for text, _ in seg.steps:
                if text != "noop":
                    self.queue += [text] + ["noop"] * wait
        self.expected: np.ndarray | None = None
        self.history: History | None = None
        self.claim: int | None = None
        self.chosen = False
        self.logps: list[float] = []
        self.evidence: tuple | None = None  # the claimed frame's action and surprising cells

    def act(self, obs) -> str:
        """The next CD action for ``obs``."""
        if self.claim is not None:
            return self._answer(obs)
        if obs.first and (self.frame0 is None or not np.array_equal(obs.frame, self.frame0)):
            self.replay = []  # not the world it remembers: no replay
        for f in obs.frames:
            self._check(f, obs.frame_index - (len(obs.frames) - 1 - obs.frames.index(f)))
        if self.claim is None and obs.remaining <= _RESERVE and "found-change" in obs.offered:
            self.claim = obs.frame_index
        if self.claim is not None and "found-change" in obs.offered:
            return "found-change"
        self.expected = None
        if self.replay:
            text, self.expected = self.replay.pop(0)
            return text
        if self.queue:
            return self.queue.pop(0)
        return self.experimenter._curious(obs.frame, self.model, self.history)

    def _check(self, f, index: int) -> None:
        """Compare one shown frame with the memory (while replaying) or the model."""
        if self.history is None or f.action == "reset":
            self.history = History.start(f.grid)
            if self.expected is not None and not np.array_equal(f.grid, self.expected):
                self._deviates(index, f.action, [])
            return
        event = event_of(f.action)
        if self.expected is not None:
            if not np.array_equal(f.grid, self.expected):
                cells = [(int(x), int(y), int(self.expected[y, x]), int(f.grid[y, x]), None)
                         for y, x in np.argwhere(f.grid != self.expected)]
                self._deviates(index, f.action, cells)
        else:
            logp = surprise(self.model, self.history, event, f.grid)
            self.logps.append(float(logp.sum()))
            if logp.min() <= self.log_cell or logp.sum() <= self.log_frame:
                cells = [(int(x), int(y), int(self.history.cur[y, x]), int(f.grid[y, x]),
                          round(float(logp[y, x]), 2)) for y, x in np.argwhere(logp < 0)]
                self._deviates(index, f.action, cells)
        self.history = self.model.advance(self.history, event, f.grid)

    def _deviates(self, index: int, action: str | None, cells: list) -> None:
        if self.claim is None:
            self.claim = index
            self.evidence = (action, cells)

    def _answer(self, obs) -> str:
        if "choose-frame K" in obs.offered and not self.chosen:
            self.chosen = True
            return f"choose-frame {self.claim}"
        return "submit"
