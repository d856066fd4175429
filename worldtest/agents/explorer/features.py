"""Context features of the explorer's local-rule model: one hashed context per cell and level.

The model (:mod:`worldtest.agents.explorer.model`) predicts the colour of every cell at tick
t + 1 from features of ticks t - 1 and t and of the input event of tick t + 1. All features are
computed for a whole batch of frames at once with numpy and hashed into ``uint64`` keys, one per
cell and *level* (a level is a subset of the features, from most specific to least):

- ``n9``: the 3x3 neighbourhood of the cell in frame t (cells outside the grid read 255);
- ``n5``: the cell and its 4 neighbours in frame t; ``h3`` / ``v3``: the cell and its left and
  right (up and down) neighbours, which carry a sideways (vertical) move to any row (column);
  ``c``: the cell alone;
- ``d9`` / ``d5`` / ``d``: the same neighbourhoods of *motion codes*: per cell of frame t, 0 if it
  kept its colour since t - 1, 1..4 if its new colour was in the left/right/up/down neighbour at
  t - 1 (something moved in from there), 5 if it changed otherwise. Motion codes carry what a
  single frame hides: which way a block falls, which way a guard patrols;
- ``act``: the input event as this cell sees it: 0 noop, 1..4 the arrows, and for a click the
  clicked cell's colour and its offset from this cell (one of the 9 cells of the 3x3
  neighbourhood, or "far");
- ``streak``: how many times in a row (noops not counted) this same non-noop input has been
  given, clipped to 4 (0 on noop ticks): hidden counters such as "every third press";
- ``g``: the set of colours present in frame t, as a 64-bit mask (day or night, lamp on or off);
- ``pos``: the cell's position (for what happens at fixed places: where a moth turns).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ACTION_KINDS", "COARSENS", "LEVELS", "OUTSIDE", "Event", "action_code", "event_of", "level_keys",
           "motion_codes"]

OUTSIDE = 255
"""The value read for cells outside the grid."""

ACTION_KINDS = {None: 0, "left": 1, "right": 2, "up": 3, "down": 4}
"""Input event -> code (a click is coded separately, see :func:`action_code`)."""

Event = None | str | tuple
"""An interpreter input event: None (noop), ``"left"`` ... or ``("click", x, y)``."""

LEVELS: tuple[tuple[str, ...], ...] = (
    ("pos", "n9", "d9", "act"),
    ("n9", "d9", "act", "streak", "g"),
    ("n9", "d9", "act", "streak"),
    ("n9", "d9", "act"),
    ("n9", "act", "g"),
    ("n9", "act"),
    ("n5", "d5", "act"),
    ("h3", "act"),
    ("v3", "act"),
    ("n9", "d9"),
    ("n5",),
    ("c", "d", "act", "g"),
    ("c", "act", "g"),
    ("c", "act"),
    ("c", "d"),
    ("c",),
)
"""The context levels, most specific first; the last one is the fallback for every cell."""

_GRAIN = {"pos": (5, 1), "n9": (0, 4), "n5": (0, 3), "h3": (6, 1), "v3": (7, 1), "c": (0, 1), "d9": (1, 3), "d5": (1, 2), "d": (1, 1),
          "act": (2, 1), "streak": (3, 1), "g": (4, 1)}


def _grain(level: tuple[str, ...]) -> tuple[int, ...]:
    out = [0] * 8
    for name in level:
        axis, value = _GRAIN[name]
        out[axis] = value
        if name in ("n9", "n5"):  # they see the rows and columns of h3 and v3
            out[6] = out[7] = 1
        if name in ("n9", "n5", "h3", "v3"):
            out[0] = max(out[0], 1)  # and the cell itself
    return tuple(out)


COARSENS: tuple[tuple[bool, ...], ...] = tuple(
    tuple(all(a <= b for a, b in zip(_grain(m), _grain(lv))) for m in LEVELS) for lv in LEVELS)
"""``COARSENS[l][m]``: level m is a coarsening of level l (it sees no more than l on every axis:
space n9 > n5 > h3, v3 > c, motion d9 > d5 > d, the input, the streak, the colour set, the
position)."""

_U = np.uint64
_MIX = _U(0x9E3779B97F4A7C15)
_RNG = np.random.default_rng(20251019)  # fixed constants of the hash, not a source of behaviour
_MULT = {name: _RNG.integers(1, 2**63, size=9, dtype=np.uint64) | _U(1)
         for name in ("n9", "n5", "d9", "d5", "h3", "v3")}
_SALT = [_U(int(x)) for x in _RNG.integers(1, 2**63, size=len(LEVELS) + 8, dtype=np.uint64)]
_FEATURE_SALT = {name: _U(int(x)) for name, x in zip(
    ("n9", "n5", "c", "d9", "d5", "d", "act", "streak", "g", "pos", "h3", "v3"),
    _RNG.integers(1, 2**63, size=12, dtype=np.uint64))}
_OFF9 = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
_OFF5 = [(0, 0), (0, -1), (0, 1), (-1, 0), (1, 0)]
_OFF_H = [(0, -1), (0, 0), (0, 1)]
_OFF_V = [(-1, 0), (0, 0), (1, 0)]


def event_of(text: str | None) -> Event:
    """The input event of an action text (``"click 3 4"`` -> ``("click", 3, 4)``; noop -> None)."""
    if text is None or text == "noop":
        return None
    if text.startswith("click"):
        _, x, y = text.split()
        return ("click", int(x), int(y))
    return text


def _pad(frames: np.ndarray) -> np.ndarray:
    return np.pad(frames, ((0, 0), (1, 1), (1, 1)), constant_values=OUTSIDE)


def _shifted(padded: np.ndarray, offsets: list[tuple[int, int]]) -> list[np.ndarray]:
    h, w = padded.shape[1] - 2, padded.shape[2] - 2
    return [padded[:, 1 + dy:1 + dy + h, 1 + dx:1 + dx + w] for dy, dx in offsets]


def _hash(views: list[np.ndarray], mult: np.ndarray) -> np.ndarray:
    out = np.zeros(views[0].shape, dtype=np.uint64)
    for view, m in zip(views, mult):
        out += view.astype(np.uint64) * m
    return out


def motion_codes(prev: np.ndarray, cur: np.ndarray) -> np.ndarray:
    """Per cell of ``cur``: 0 unchanged, 1..4 came from the left/right/up/down neighbour, 5 else.

    Args:
        prev, cur: frames t - 1 and t, ``uint8`` (K, H, W).

    Returns:
        ``uint8`` (K, H, W).
    """
    pp = _pad(prev)
    left, right, up, down = _shifted(pp, [(0, -1), (0, 1), (-1, 0), (1, 0)])
    code = np.full(cur.shape, 5, dtype=np.uint8)
    for value, source in ((4, down), (3, up), (2, right), (1, left)):
        code[source == cur] = value
    code[prev == cur] = 0
    return code


def action_code(event: Event, frame: np.ndarray, colour: int | None = None) -> np.ndarray:
    """The ``act`` feature of every cell for one input event, ``uint64`` (H, W).

    Args:
        event: the input event of the tick.
        frame: frame t, ``uint8`` (H, W) (the clicked cell's colour is read from it).
        colour: the clicked colour to use instead of the frame's.
    """
    h, w = frame.shape
    if not isinstance(event, tuple):
        return np.full((h, w), ACTION_KINDS.get(event, 0), dtype=np.uint64)
    _, x, y = event
    ys, xs = np.mgrid[0:h, 0:w]
    dx, dy = x - xs, y - ys
    near = (np.abs(dx) <= 1) & (np.abs(dy) <= 1)
    rel = np.where(near, (dy + 1) * 3 + (dx + 1), 9)
    clicked = int(frame[y, x]) if colour is None else colour
    return (8 + clicked * 16 + rel).astype(np.uint64)


def colour_set(frames: np.ndarray) -> np.ndarray:
    """The set of colours of each frame as a bit mask, ``uint64`` (K,)."""
    bits = np.zeros((frames.shape[0], 64), dtype=bool)
    k = np.repeat(np.arange(frames.shape[0]), frames.shape[1] * frames.shape[2])
    bits[k, frames.reshape(-1) & 63] = True
    return (bits.astype(np.uint64) << np.arange(64, dtype=np.uint64)).sum(axis=1, dtype=np.uint64)


def level_keys(prev: np.ndarray, cur: np.ndarray, acts: np.ndarray,
               streaks: np.ndarray) -> np.ndarray:
    """The hashed context of every cell at every level.

    Args:
        prev, cur: frames t - 1 and t, ``uint8`` (K, H, W) (for a frame with no past, pass the
            frame itself as ``prev``: nothing moved).
        acts: the ``act`` feature, ``uint64`` (K, H, W) (:func:`action_code` per frame).
        streaks: the ``streak`` feature, ``int`` (K,).

    Returns:
        ``uint64`` (L, K, H, W), L = ``len(LEVELS)``; the low 6 bits are zero (the model packs
        the outcome colour there).
    """
    pc = _pad(cur)
    motion = motion_codes(prev, cur)
    pm = _pad(motion)
    feats = {
        "n9": _hash(_shifted(pc, _OFF9), _MULT["n9"]),
        "n5": _hash(_shifted(pc, _OFF5), _MULT["n5"]),
        "h3": _hash(_shifted(pc, _OFF_H), _MULT["h3"]),
        "v3": _hash(_shifted(pc, _OFF_V), _MULT["v3"]),
        "c": cur.astype(np.uint64),
        "d9": _hash(_shifted(pm, _OFF9), _MULT["d9"]),
        "d5": _hash(_shifted(pm, _OFF5), _MULT["d5"]),
        "d": motion.astype(np.uint64),
        "act": acts.astype(np.uint64),
        "streak": np.asarray(streaks, dtype=np.uint64)[:, None, None],
        "g": colour_set(cur)[:, None, None],
        "pos": np.arange(cur.shape[1] * cur.shape[2], dtype=np.uint64).reshape(cur.shape[1:]),
    }
    out = np.empty((len(LEVELS),) + cur.shape, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i, level in enumerate(LEVELS):
            h = np.full(cur.shape, _SALT[i], dtype=np.uint64)
            for name in level:
                h = (h ^ (feats[name] + _FEATURE_SALT[name])) * _MIX
                h ^= h >> _U(29)
            out[i] = h & ~_U(63)
    return out
