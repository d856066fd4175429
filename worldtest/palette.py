"""Colour names <-> palette indices <-> RGB, and a compact text rendering of frames.

A frame is data: an ``np.ndarray`` of ``uint8`` palette indices, shape (H, W), ``frame[y][x]``
with y = 0 the top row. Colour names, letter grids and RGB images are renderings of it.

Source of the table: MARA ``color_dict.yaml`` (the AutumnBench reference harness), reproduced in
``autumn-language.md`` section 7. Index 0 is reserved for "mask" (also written "transparent");
``gray``/``grey`` and ``darkgray``/``darkgrey`` are distinct names with distinct indices although
they share an RGB value. RGB values are the standard CSS named colours; masked cells are drawn
slategrey (112, 128, 144), as MARA draws them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from worldtest.errors import ConfigError

__all__ = [
    "COLOURS",
    "RGB",
    "MASK",
    "LETTERS",
    "index_of",
    "to_indices",
    "to_names",
    "to_rgb",
    "letter_grid",
    "from_letters",
]

COLOURS: tuple[str, ...] = (
    "mask", "black", "gray", "grey", "gold", "green", "mediumpurple", "purple", "white", "yellow",
    "blue", "red", "orange", "sandybrown", "brown", "pink", "lightblue", "orangered", "skyblue",
    "lightcyan", "lightgreen", "magenta", "darkgray", "darkgrey", "darkblue", "darkgreen",
    "darkred", "tan", "lightpink", "crimson", "goldenrod", "steelblue", "coral", "silver",
    "seagreen", "limegreen", "cyan", "lightgray", "maroon", "darkorange",
)  # fmt: skip
"""Palette index -> colour name (MARA ``color_dict.yaml``); 40 entries, index 0 = mask."""

MASK = 0
"""Palette index of a masked (or transparent) cell."""

RGB: dict[str, tuple[int, int, int]] = {
    "mask": (112, 128, 144),  # drawn slategrey, as MARA draws masked cells
    "black": (0, 0, 0),
    "gray": (128, 128, 128),
    "grey": (128, 128, 128),
    "gold": (255, 215, 0),
    "green": (0, 128, 0),
    "mediumpurple": (147, 112, 219),
    "purple": (128, 0, 128),
    "white": (255, 255, 255),
    "yellow": (255, 255, 0),
    "blue": (0, 0, 255),
    "red": (255, 0, 0),
    "orange": (255, 165, 0),
    "sandybrown": (244, 164, 96),
    "brown": (165, 42, 42),
    "pink": (255, 192, 203),
    "lightblue": (173, 216, 230),
    "orangered": (255, 69, 0),
    "skyblue": (135, 206, 235),
    "lightcyan": (224, 255, 255),
    "lightgreen": (144, 238, 144),
    "magenta": (255, 0, 255),
    "darkgray": (169, 169, 169),
    "darkgrey": (169, 169, 169),
    "darkblue": (0, 0, 139),
    "darkgreen": (0, 100, 0),
    "darkred": (139, 0, 0),
    "tan": (210, 180, 140),
    "lightpink": (255, 182, 193),
    "crimson": (220, 20, 60),
    "goldenrod": (218, 165, 32),
    "steelblue": (70, 130, 180),
    "coral": (255, 127, 80),
    "silver": (192, 192, 192),
    "seagreen": (46, 139, 87),
    "limegreen": (50, 205, 50),
    "cyan": (0, 255, 255),
    "lightgray": (211, 211, 211),
    "maroon": (128, 0, 0),
    "darkorange": (255, 140, 0),
}
"""Colour name -> CSS RGB triple (0..255 each); ``"mask"`` -> slategrey."""

LETTERS: tuple[str, ...] = (
    "?", ".", "A", "a", "O", "G", "M", "P", "W", "Y",
    "B", "R", "N", "S", "K", "I", "L", "E", "Q", "q",
    "g", "F", "d", "e", "b", "D", "r", "T", "i", "c",
    "o", "u", "h", "V", "j", "v", "C", "H", "m", "Z",
)  # fmt: skip
"""Palette index -> the one character :func:`letter_grid` draws for it.

Fixed, so a colour reads the same in every frame. The common colours follow the conformance
notes of ``autumn-language.md`` section 8: ``.`` black, ``R`` red, ``B`` blue, ``G`` green,
``Y`` yellow, ``A`` gray, ``O`` gold, ``N`` orange; ``?`` is a masked cell.
"""

_INDEX: dict[str, int] = {name: i for i, name in enumerate(COLOURS)}
_INDEX["transparent"] = MASK
_LETTER_INDEX: dict[str, int] = {ch: i for i, ch in enumerate(LETTERS)}
_RGB_TABLE = np.array([RGB[name] for name in COLOURS], dtype=np.uint8)  # (40, 3)


def index_of(name: str) -> int:
    """Return the palette index of a colour name.

    Args:
        name: a colour name, any case (``"Red"`` -> 11); ``"mask"`` and ``"transparent"`` -> 0.

    Returns:
        The index, 0..39.

    Raises:
        ConfigError: the name is not in the palette (the message names it).
    """
    found = _INDEX.get(name)
    if found is not None:
        return found
    if isinstance(name, str):
        found = _INDEX.get(name.strip().lower())
        if found is not None:
            return found
    raise ConfigError(
        f"unknown colour {name!r}: expected one of the {len(COLOURS)} palette names "
        f"(CSS keywords such as 'red', 'darkgreen'; see worldtest.palette.COLOURS) or 'transparent'"
    )


def to_indices(grid: Sequence[Sequence[str]]) -> np.ndarray:
    """Convert a grid of colour names to a frame of palette indices.

    Args:
        grid: rows of colour names, ``grid[y][x]``; every row the same length.

    Returns:
        ``np.ndarray`` of dtype ``uint8``, shape (H, W); (0, 0) for an empty grid.

    Raises:
        ConfigError: a name is not in the palette (the message names it and its cell), or the
            rows have different lengths.
    """
    height = len(grid)
    if height == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    width = len(grid[0])
    out = np.empty((height, width), dtype=np.uint8)
    lookup = _INDEX.get
    for y, row in enumerate(grid):
        if len(row) != width:
            raise ConfigError(
                f"ragged colour grid: row 0 has {width} cells, row {y} has {len(row)}"
            )
        values = [lookup(name) for name in row]
        if None in values:
            values = [_cell_index(name, x, y) for x, name in enumerate(row)]
        out[y] = values
    return out


def _cell_index(name: str, x: int, y: int) -> int:
    try:
        return index_of(name)
    except ConfigError as err:
        raise ConfigError(f"cell (x={x}, y={y}): {err}") from None


def _check_frame(arr: np.ndarray) -> np.ndarray:
    frame = np.asarray(arr)
    if frame.ndim != 2:
        raise ValueError(f"expected a frame of shape (H, W), got an array of shape {frame.shape}")
    if frame.size and (frame.min() < 0 or frame.max() >= len(COLOURS)):
        bad = frame[(frame < 0) | (frame >= len(COLOURS))].flat[0]
        raise ConfigError(f"palette index {int(bad)} out of range: expected 0..{len(COLOURS) - 1}")
    return frame


def to_names(arr: np.ndarray) -> list[list[str]]:
    """Convert a frame of palette indices to a grid of colour names.

    Args:
        arr: integer array, shape (H, W), values 0..39.

    Returns:
        ``names[y][x]``, index 0 rendered as ``"mask"``.

    Raises:
        ValueError: ``arr`` is not two-dimensional.
        ConfigError: a value is outside the palette.
    """
    frame = _check_frame(arr)
    return [[COLOURS[i] for i in row] for row in frame.tolist()]


def to_rgb(arr: np.ndarray) -> np.ndarray:
    """Render a frame as an RGB image, one pixel per cell.

    Args:
        arr: integer array, shape (H, W), values 0..39.

    Returns:
        ``np.ndarray`` of dtype ``uint8``, shape (H, W, 3); masked cells are slategrey.

    Raises:
        ValueError: ``arr`` is not two-dimensional.
        ConfigError: a value is outside the palette.
    """
    frame = _check_frame(arr)
    return _RGB_TABLE[frame.astype(np.intp, copy=False)]


def letter_grid(arr: np.ndarray) -> tuple[str, dict[str, str]]:
    """Render a frame as text: one character per cell, one line per row.

    The characters come from the fixed table :data:`LETTERS` (``.`` black, ``R`` red, ``?`` mask
    ...), so the same colour always reads the same way.

    Args:
        arr: integer array, shape (H, W), values 0..39.

    Returns:
        ``(text, legend)``: ``text`` has H lines of W characters joined by ``"\\n"`` (no trailing
        newline); ``legend`` maps each character used to its colour name, in palette order.

    Raises:
        ValueError: ``arr`` is not two-dimensional.
        ConfigError: a value is outside the palette.
    """
    frame = _check_frame(arr)
    text = "\n".join("".join(LETTERS[i] for i in row) for row in frame.tolist())
    used = np.unique(frame) if frame.size else np.zeros(0, dtype=np.uint8)
    legend = {LETTERS[int(i)]: COLOURS[int(i)] for i in used}
    return text, legend


def from_letters(text: str | Iterable[str]) -> np.ndarray:
    """Parse a letter grid (the inverse of :func:`letter_grid`) into a frame.

    Handy for tests that write whole boards inline. Leading/trailing blank lines and the
    common indentation are ignored; spaces inside a row are not allowed (``.`` is black).

    Args:
        text: the grid as one string of lines, or an iterable of row strings.

    Returns:
        ``np.ndarray`` of dtype ``uint8``, shape (H, W).

    Raises:
        ConfigError: an unknown character (the message names it and its cell) or ragged rows.
    """
    lines = text.splitlines() if isinstance(text, str) else list(text)
    rows = [line.strip() for line in lines if line.strip()]
    names = [[_letter_name(ch, x, y) for x, ch in enumerate(row)] for y, row in enumerate(rows)]
    return to_indices(names)


def _letter_name(ch: str, x: int, y: int) -> str:
    index = _LETTER_INDEX.get(ch)
    if index is None:
        known = "".join(LETTERS)
        raise ConfigError(f"cell (x={x}, y={y}): unknown letter {ch!r}: expected one of {known!r}")
    return COLOURS[index]
