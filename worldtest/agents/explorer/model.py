"""The explorer's world model: local rules with counts, backing off between context levels.

For every cell the model keeps, per context level (:data:`~.features.LEVELS`: the 3x3
neighbourhood, motion codes, the input event as the cell sees it, a press streak, the set of
colours on screen, and coarser subsets of these), how often each colour followed that context
one tick later. It learns only from frames it has seen: its own interaction phase and, in MFP,
the unmasked part of the recording.

**Prediction.** For each cell the model uses, among the levels whose context is *reliable* --
seen at least twice, with at least 80% of its observations giving one colour (n observations of
the context, c_max of its most frequent colour) -- the *narrowest*: the one seen least often,
ties going to the more specific level. A context seen less often describes a more particular
situation: a reliable finer context knows a distinction a coarse one mixes (a moth moving here,
whatever the thousands of cells that stay empty say; the third press in a row, whatever the
presses in general do), and an unreliable one is skipped for a coarser one that is reliable
(clicking a cloud at night: the 3x3 rule mixes night and day, the rule with the set of colours
on screen does not). The set of colours on screen is the least trusted feature (a flash of
colour changes it): levels with it compete only where no level without it is reliable. Where no level is reliable (a random walk), the level with the largest share ``c_max / n`` is
used. For an input other than
noop, levels that include the input take precedence over levels that ignore it wherever one of
them has seen its context (clicking a cloud at night is known from clicking it, not from the
thousand ticks in which the cell below the cloud stayed empty). A cell whose context was never
seen at any level keeps its colour. The reported confidence is the rule of
succession ``c_max / (n + 1)`` of the chosen context.

**Probabilities** (for ranking MFP options and for change detection) come from the chosen level's
counts, smoothed towards the colour-only level: ``p(k) = (c_k + q(k)) / (n + 1)`` with q the
distribution of the last level (uniform over the palette where it is unseen) -- a Witten-Bell
style back-off. A colour the chosen context produced ``0`` times in ``n`` trials is *surprising*
with strength n: change detection claims a change when its stochastic counts cannot explain
what it observes.

**Clicked colours.** A click is coded with the clicked cell's colour, except a colour that is
rare on that cell and was never clicked, which is coded as the cell's usual colour (a button
that flashes orange for a tick after a press, pressed again at once, is still the red button).

**Inert inputs.** An input (an arrow, or a click on a colour) that has been given and never
changed anything that noop would not have changed is predicted as noop: what the model knows of
doing nothing then carries over (an arrow in a world without arrow rules), instead of a guess from
the few contexts in which that input happened to be tried.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from worldtest.agents.explorer.features import LEVELS, Event, action_code, level_keys

__all__ = ["History", "LocalRuleModel", "Prediction"]

_N_COLOURS = 40
_RELIABLE = 0.8  # a context is reliable when seen twice or more with this share for one colour
_WITHOUT_G = np.array(["g" not in level for level in LEVELS])


@dataclass
class History:
    """What the model needs besides the current frame: the previous frame and the press streaks.

    Attributes:
        prev: frame t - 1, ``uint8`` (H, W) (the current frame itself right after a reset).
        cur: frame t, ``uint8`` (H, W).
        last: per input type (``"click"``, ``"arrow"``), the last input of that type since the
            reset: a click's identity is the clicked colour and cell, an arrow's its direction.
        count: per input type, how many times in a row that input was given (inputs of the
            other type and noops do not break a streak: a press counter does not notice arrows).
    """

    prev: np.ndarray
    cur: np.ndarray
    last: dict = field(default_factory=dict)
    count: dict = field(default_factory=dict)

    @classmethod
    def start(cls, frame: np.ndarray) -> History:
        """The history of a frame with no past (frame 0, or the frame after a reset)."""
        return cls(frame, frame)

    def identity(self, event: Event) -> tuple | None:
        """``(input type, identity)`` of an input; None for noop. A click's identity is the
        clicked colour and cell."""
        if event is None:
            return None
        if isinstance(event, tuple):
            return ("click", (int(self.cur[event[2], event[1]]), event[1], event[2]))
        return ("arrow", event)

    @staticmethod
    def _same(kind: str, a, b) -> bool:
        """Same input: the same arrow; a click on the same colour or on the same cell (a button
        that flashes when pressed is still the button)."""
        if a is None or b is None:
            return False
        if kind == "click":
            return a[0] == b[0] or a[1:] == b[1:]
        return a == b

    def streak(self, event: Event) -> int:
        """The ``streak`` feature of ``event`` given now (0 for noop), clipped to 4."""
        ident = self.identity(event)
        if ident is None:
            return 0
        kind, what = ident
        same = self._same(kind, self.last.get(kind), what)
        return min(4, self.count.get(kind, 0) + 1 if same else 1)

    def then(self, event: Event, frame: np.ndarray) -> History:
        """The history after ``event`` produced ``frame``."""
        ident = self.identity(event)
        if ident is None:
            return History(self.cur, frame, self.last, self.count)
        kind, what = ident
        count = self.count.get(kind, 0) + 1 if self._same(kind, self.last.get(kind), what) else 1
        return History(self.cur, frame, {**self.last, kind: what}, {**self.count, kind: count})


@dataclass
class Prediction:
    """The model's prediction for K (history, event) pairs.

    Attributes:
        frame: the most likely next frames, ``uint8`` (K, H, W).
        confidence: rule-of-succession confidence of each cell, ``float`` (K, H, W) in [0, 1).
        n: observations of the chosen context, ``int`` (K, H, W) (0: never seen).
        entries: per (K, H, W) cell, the chosen context's entry ``[n, best, c_max, {colour:
            count}]``, or None where no level was seen; base: the colour-only level's entries
            (the back-off of :meth:`prob`).
    """

    frame: np.ndarray
    confidence: np.ndarray
    n: np.ndarray
    entries: np.ndarray
    base: np.ndarray

    def prob(self, observed: np.ndarray) -> np.ndarray:
        """Smoothed probability of the ``observed`` colour of every cell, ``float`` (K, H, W).

        Args:
            observed: ``uint8`` (K, H, W) or (H, W) (broadcast over K).
        """
        obs = np.broadcast_to(observed, self.frame.shape)
        out = np.empty(self.frame.shape, dtype=float)
        for idx in np.ndindex(*self.frame.shape):
            colour = int(obs[idx])
            entry = self.entries[idx]
            count = entry[3].get(colour, 0) if entry is not None else 0
            base = _base_dist(self.base[idx]).get(colour, 1e-3 / _N_COLOURS)
            out[idx] = (count + base) / (self.n[idx] + 1)
        return out


def _kind(history: History, event: Event) -> tuple | None:
    """The kind of an input for inertness: the arrow, or a click on a colour."""
    if event is None:
        return None
    if isinstance(event, tuple):
        return ("click", int(history.cur[event[2], event[1]]))
    return (event,)


def _base_dist(entry: list | None) -> dict[int, float]:
    if entry is None:
        return {}
    n = entry[0]
    return {c: v / n for c, v in entry[3].items()}


class LocalRuleModel:
    """Counts of ``context -> next colour`` at every level (see the module docstring).

    Attributes:
        tables: per level, ``key -> [n, best colour, c_max, {colour: count}]``.
        n_transitions: frame transitions learned from.
    """

    def __init__(self) -> None:
        self.tables: list[dict[int, list]] = [{} for _ in LEVELS]
        self.n_transitions = 0
        self.uses: Counter = Counter()
        self.effective: Counter = Counter()
        self.usual: np.ndarray | None = None  # (H, W, 64) colour counts per cell

    # -- inert inputs ---------------------------------------------------------------------------
    def note_effect(self, history: History, event: Event, observed: np.ndarray) -> None:
        """Record whether a non-noop input changed anything noop would not have (before learning
        the tick): its observed frame differs from the model's prediction for noop."""
        ident = _kind(history, event)
        if ident is None:
            return
        self.uses[ident] += 1
        if not np.array_equal(self.predict([history], [None]).frame[0], observed):
            self.effective[ident] += 1

    def inert(self, history: History, event: Event) -> bool:
        """True if this input (kind, or clicked colour) was given and never had an effect."""
        ident = _kind(history, event)
        return ident is not None and self.uses[ident] > 0 and self.effective[ident] == 0

    def advance(self, history: History, event: Event, frame: np.ndarray) -> History:
        """``history.then(event, frame)`` (one place to change how histories advance)."""
        return history.then(event, frame)

    # -- learning -----------------------------------------------------------------------------
    def observe(self, history: History, event: Event, nxt: np.ndarray) -> None:
        """Learn one tick: ``event`` given with ``history`` produced frame ``nxt`` (H, W)."""
        self.observe_batch([history], [event], np.asarray(nxt)[None])

    def observe_batch(self, histories: list[History], events: list[Event],
                      nxt: np.ndarray) -> None:
        """Learn K ticks at once: ``nxt`` is ``uint8`` (K, H, W)."""
        keys = self._keys(histories, events)
        nxt = np.asarray(nxt, dtype=np.uint8)
        if self.usual is None:
            self.usual = np.zeros(nxt.shape[1:] + (64,), dtype=np.int64)
        rows, cols = np.indices(nxt.shape[1:])
        for frame in nxt:
            self.usual[rows, cols, frame] += 1
        packed = keys | nxt.astype(np.uint64)[None]
        for table, level in zip(self.tables, packed):
            values, counts = np.unique(level, return_counts=True)
            for value, count in zip(values.tolist(), counts.tolist()):
                key, colour = value & ~63, value & 63
                entry = table.get(key)
                if entry is None:
                    table[key] = [count, colour, count, {colour: count}]
                    continue
                seen = entry[3]
                seen[colour] = seen.get(colour, 0) + count
                entry[0] += count
                if seen[colour] > entry[2]:
                    entry[1], entry[2] = colour, seen[colour]
        self.n_transitions += len(histories)

    def stochasticity(self, level: int = 3, min_n: int = 3) -> float:
        """Share of observations that were not their context's most frequent outcome, over the
        contexts of ``level`` seen at least ``min_n`` times: about 0 in a deterministic world
        whose state the features capture, about 0.005 among random walkers."""
        entries = [e for e in self.tables[level].values() if e[0] >= min_n]
        total = sum(e[0] for e in entries)
        return sum(e[0] - e[2] for e in entries) / total if total else 0.0

    # -- prediction ---------------------------------------------------------------------------
    def predict(self, histories: list[History], events: list[Event]) -> Prediction:
        """Predict the next frame of K (history, event) pairs (see the module docstring)."""
        events = [None if self.inert(h, e) else e for h, e in zip(histories, events)]
        keys = self._keys(histories, events)
        shape = keys.shape[1:]
        n_levels = len(LEVELS)
        conf = np.full((n_levels,) + shape, -1.0)
        best = np.zeros((n_levels,) + shape, dtype=np.uint8)
        counts = np.zeros((n_levels,) + shape, dtype=np.int64)
        entries = np.empty((n_levels,) + shape, dtype=object)
        for i, (table, level) in enumerate(zip(self.tables, keys)):
            uniq, inverse = np.unique(level, return_inverse=True)
            found = [table.get(k) for k in uniq.tolist()]
            u_conf = np.array([e[2] / e[0] if e else -1.0 for e in found])
            u_best = np.array([e[1] if e else 0 for e in found], dtype=np.uint8)
            u_n = np.array([e[0] if e else 0 for e in found], dtype=np.int64)
            u_entries = np.empty(len(found), dtype=object)
            u_entries[:] = found
            inverse = inverse.reshape(shape)
            conf[i], best[i], counts[i], entries[i] = (
                u_conf[inverse], u_best[inverse], u_n[inverse], u_entries[inverse])
        # an input's own rules outrank rules learned without regard to the input
        acting = np.array([e is not None for e in events])[:, None, None]
        with_act = np.array(["act" in lv for lv in LEVELS])
        known = (conf[with_act] >= 0).any(axis=0) & acting
        conf[~with_act] = np.where(known, -1.0, conf[~with_act])
        reliable = (conf >= _RELIABLE) & (counts >= 2)
        local = reliable & _WITHOUT_G[:, None, None, None]
        big = np.iinfo(np.int64).max
        choice = np.where(
            local.any(axis=0), np.argmin(np.where(local, counts, big), axis=0),
            np.where(reliable.any(axis=0), np.argmin(np.where(reliable, counts, big), axis=0),
                     np.argmax(conf, axis=0)))
        pick = lambda a: np.take_along_axis(a, choice[None], axis=0)[0]
        chosen_conf = pick(conf)
        cur = np.stack([h.cur for h in histories])
        frame = np.where(chosen_conf >= 0, pick(best), cur).astype(np.uint8)
        n = pick(counts)
        confidence = np.where(n > 0, np.maximum(chosen_conf, 0.0) * n / (n + 1), 0.0)
        return Prediction(frame, confidence, n, pick(entries), entries[-1])

    def _clicked(self, history: History, event: Event) -> int | None:
        """The colour a click is coded with: the clicked cell's, unless that colour is rare
        there (under a quarter of the cell's usual colour's count) and no click on it was ever
        seen -- a button flashing from the last press is still the button."""
        if not isinstance(event, tuple) or self.usual is None:
            return None
        x, y = event[1], event[2]
        here, counts = int(history.cur[y, x]), self.usual[y, x]
        usual = int(counts.argmax())
        if here == usual or 4 * counts[here] >= counts[usual] or self.uses[("click", here)]:
            return None
        return usual

    def _keys(self, histories: list[History], events: list[Event]) -> np.ndarray:
        prev = np.stack([h.prev for h in histories])
        cur = np.stack([h.cur for h in histories])
        acts = np.stack([action_code(e, h.cur, self._clicked(h, e))
                         for h, e in zip(histories, events)])
        streaks = np.array([h.streak(e) for h, e in zip(histories, events)])
        return level_keys(prev, cur, acts, streaks)
