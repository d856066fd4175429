"""The explorer's interaction phase: deliberate, reward-free experiments.

The paper found that people explore by experiments -- try each kind of action, click each kind of
object, wait to see what moves by itself, reset and repeat -- and that models do not (Warrier
et al. 2025, section 5). :class:`Experimenter` does exactly that, in three stages:

1. **Battery** (from the initial state): wait (2 noops); each arrow, then the arrows again (each
   now in another context: sleep, then recolour); then, for every colour on screen, rarest first
   (small objects are more often interactive than walls and floor), click one of its cells three
   times in a row (repeated presses reveal toggles and hidden counters) and wait once. Colours
   that appear during the battery (a drop, a spawned block) are queued and clicked in turn, but
   not new states of clicked objects (the moon of a clicked sun). The background is clicked at
   two random cells; every clicked object left in another state is clicked once more (night
   back to day, with what happened in between), and the world is reset.
2. **Repeat, varied**: the same experiments in a shuffled order, one click each on a random
   object of each colour: the same rules seen in new combinations; then a reset.
3. **Curiosity** until the budget is spent: among noop, the arrows and a click on every object
   (connected component of one colour) plus random background cells, the action whose
   predicted effect (the cells where the model's prediction for it differs from its prediction
   for noop) has been produced least often, plus the model's uncertainty about it; a reset every
   ``reset_every`` actions.

Every random choice comes from the generator given at construction (house style 5).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from worldtest.agents.explorer.features import event_of
from worldtest.agents.explorer.model import History, LocalRuleModel

__all__ = ["Experimenter", "components", "object_cells"]

ARROWS = ("left", "right", "up", "down")


def components(frame: np.ndarray, background: int) -> list[tuple[int, list[tuple[int, int]]]]:
    """Connected components (4-neighbourhood) of equal colour, background excluded.

    Args:
        frame: ``uint8`` (H, W).
        background: the background colour index.

    Returns:
        ``(colour, cells)`` per component, cells as (x, y), in row-major order of their first
        cell.
    """
    h, w = frame.shape
    seen = np.zeros((h, w), dtype=bool)
    out = []
    for y in range(h):
        for x in range(w):
            if seen[y, x] or frame[y, x] == background:
                continue
            colour, stack, cells = frame[y, x], [(x, y)], []
            seen[y, x] = True
            while stack:
                cx, cy = stack.pop()
                cells.append((cx, cy))
                for nx, ny in ((cx - 1, cy), (cx + 1, cy), (cx, cy - 1), (cx, cy + 1)):
                    if 0 <= nx < w and 0 <= ny < h and not seen[ny, nx] \
                            and frame[ny, nx] == colour:
                        seen[ny, nx] = True
                        stack.append((nx, ny))
            out.append((int(colour), sorted(cells, key=lambda c: (c[1], c[0]))))
    return out


def background_of(frame: np.ndarray) -> int:
    """The most common colour of a frame (taken as its background)."""
    return int(np.bincount(frame.reshape(-1)).argmax())


def object_cells(frame: np.ndarray, limit: int = 24, small: int = 0) -> list[tuple[int, int]]:
    """Cells to click: one per object (component), smallest objects first, and every cell of
    objects of at most ``small`` cells (where on a cloud one clicks matters); at most ``limit``."""
    comps = components(frame, background_of(frame))
    comps.sort(key=lambda c: len(c[1]))
    out = [cells[0] for _, cells in comps]
    out += [c for _, cells in comps if len(cells) <= small for c in cells[1:]]
    return out[:limit]


class Experimenter:
    """Chooses interaction-phase actions (see the module docstring).

    Args:
        grid_size: cells per side.
        rng: the episode's generator.
        reset_every: curiosity-stage actions between resets.
    """

    def __init__(self, grid_size: int, rng: np.random.Generator, reset_every: int = 40) -> None:
        self.n = grid_size
        self.rng = rng
        self.reset_every = reset_every
        self.stage = "battery"
        self.queue: list[str] = []
        self.colour_queue: list[int] = []
        self.done_colours: set[int] = set()
        self.clicked: dict[tuple[int, int], int] = {}  # cell -> its colour when first clicked
        self.effects: Counter = Counter()
        self.tried: Counter = Counter()
        self.since_reset = 0
        self.background: int | None = None

    # -- stages -------------------------------------------------------------------------------
    def act(self, frame: np.ndarray, model: LocalRuleModel | None,
            history: History | None) -> str:
        """The next action text for the shown ``frame``, ``uint8`` (H, W); the model and the
        history are needed only once the curiosity stage has begun (``stage == "curious"``)."""
        if self.background is None:
            self.background = background_of(frame)
            self.queue = ["noop", "noop", *ARROWS, *ARROWS[:3]]
        if self.stage != "curious":
            self._note_colours(frame)
            if not self.queue:
                self._refill(frame)
            if self.queue:
                return self._emit(self.queue.pop(0), frame)
        return self._curious(frame, model, history)

    def _emit(self, text: str, frame: np.ndarray) -> str:
        if text.startswith("colour"):
            colour, repeats = (int(v) for v in text.split()[1:])
            x, y = self._cell_of(frame, colour)
            self.queue[:0] = [f"click {x} {y}"] * (repeats - 1) + ["noop"]
            text = f"click {x} {y}"
        if text.startswith("click"):
            x, y = (int(v) for v in text.split()[1:])
            self.clicked.setdefault((x, y), int(frame[y, x]))
        if text == "reset":
            self.since_reset = 0
        self.since_reset += 1
        self.tried[self._kind(text, frame)] += 1
        return text

    def _note_colours(self, frame: np.ndarray) -> None:
        """Queue the colours not yet experimented with, except states of clicked objects (a sun
        that became a moon when clicked is the same object)."""
        elsewhere = np.ones(frame.shape, dtype=bool)
        for x, y in self.clicked:
            elsewhere[y, x] = False
        for colour in np.unique(frame[elsewhere]).tolist():
            if colour not in self.done_colours and colour not in self.colour_queue \
                    and colour != self.background:
                self.colour_queue.append(colour)

    def _refill(self, frame: np.ndarray) -> None:
        counts = np.bincount(frame.reshape(-1), minlength=64)
        self.colour_queue = [c for c in self.colour_queue if counts[c]]
        if self.colour_queue:
            if self.stage == "battery":
                self.colour_queue.sort(key=lambda c: counts[c])
            colour = self.colour_queue.pop(0)
            self.done_colours.add(colour)
            self.queue = [f"colour {colour} {3 if self.stage == 'battery' else 1}"]
            return
        if self.stage == "battery":
            bg = [self._random_cell(frame, self.background) for _ in range(2)]
            restore = [f"click {x} {y}" for (x, y), c in self.clicked.items()
                       if frame[y, x] != c and frame[y, x] != self.background]
            self.queue = [f"click {x} {y}" for x, y in bg] + restore + ["noop", "reset"]
            self.stage = "repeat"
            return
        if self.stage == "repeat":  # the battery again, varied
            self.stage = "repeating"
            self.done_colours = set()
            items = list(ARROWS) + ["noop"]
            self.rng.shuffle(items)
            self.queue = items
            self._note_colours(frame)
            self.rng.shuffle(self.colour_queue)
            return
        self.stage = "curious"
        self.queue = ["reset"]

    def _cell_of(self, frame: np.ndarray, colour: int) -> tuple[int, int]:
        """A cell of ``colour``: the first of its first object in the battery, a random one
        later."""
        comps = [cells for c, cells in components(frame, -1) if c == colour]
        if not comps:
            return self._random_cell(frame, colour)
        if self.stage == "battery":
            return comps[0][0]
        cells = comps[int(self.rng.integers(len(comps)))]
        return cells[int(self.rng.integers(len(cells)))]

    def _random_cell(self, frame: np.ndarray, colour: int) -> tuple[int, int]:
        ys, xs = np.nonzero(frame == colour)
        if len(xs) == 0:
            return int(self.rng.integers(self.n)), int(self.rng.integers(self.n))
        i = int(self.rng.integers(len(xs)))
        return int(xs[i]), int(ys[i])

    # -- curiosity ----------------------------------------------------------------------------
    def _kind(self, text: str, frame: np.ndarray) -> tuple:
        ev = event_of(text) if text not in ("reset", "go-to-test") else text
        if isinstance(ev, tuple):
            return ("click", int(frame[ev[2], ev[1]]))
        return (ev,)

    def candidates(self, frame: np.ndarray) -> list[str]:
        """noop, the arrows, a click on every object and on two random background cells."""
        cells = object_cells(frame)
        cells += [self._random_cell(frame, self.background) for _ in range(2)]
        return ["noop", *ARROWS] + [f"click {x} {y}" for x, y in cells]

    def _curious(self, frame: np.ndarray, model: LocalRuleModel, history: History) -> str:
        if self.queue:
            return self._emit(self.queue.pop(0), frame)
        if self.since_reset >= self.reset_every:
            return self._emit("reset", frame)
        texts = self.candidates(frame)
        events = [event_of(t) for t in texts]
        pred = model.predict([history] * len(texts), events)
        base = pred.frame[0]
        scores = []
        for i, text in enumerate(texts):
            diff = np.argwhere(pred.frame[i] != base)
            effect = tuple(map(tuple, diff.tolist())) + tuple(pred.frame[i][pred.frame[i] != base])
            doubt = float(np.mean(1.0 - pred.confidence[i]))
            novelty = 1.0 / np.sqrt(1.0 + self.effects[effect])
            untried = 1.0 / np.sqrt(1.0 + self.tried[self._kind(text, frame)])
            scores.append(novelty + 0.5 * untried + 4.0 * doubt + 0.3 * self.rng.random())
        best = int(np.argmax(scores))
        diff = pred.frame[best] != base
        effect = tuple(map(tuple, np.argwhere(diff).tolist())) + tuple(pred.frame[best][diff])
        self.effects[effect] += 1
        return self._emit(texts[best], frame)
