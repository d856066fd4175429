"""Field types and field checks of the task files (:mod:`worldtest.tasks.models`).

On disk a grid is a list of H row strings of W two-digit palette indices separated by single
spaces (``"01 01 11 01"``); a 0/1 mask is a list of H strings of W characters (``"0010"``).
Loading also accepts rows given as integer lists (the reference harness's form, protocol
section 5). In memory both are read-only ``np.ndarray`` of ``uint8``, shape (H, W).
"""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from worldtest.actions import parse_action
from worldtest.errors import ActionError
from worldtest.palette import COLOURS

__all__ = ["BitGrid", "FieldError", "Grid", "program_actions"]


def _parse(value: Any, split: Any, limit: int, what: str) -> np.ndarray:
    """Rows (strings cut by ``split``, or int lists) -> read-only uint8 (H, W), values < limit."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)) or not value:
        raise ValueError("expected a non-empty list of rows")
    rows = []
    for y, row in enumerate(value):
        cells = (
            split(row)
            if isinstance(row, str)
            else list(row)
            if isinstance(row, (list, tuple))
            else []
        )
        if not cells:
            raise ValueError(f"row {y}: expected a row string or a list of integers")
        if rows and len(cells) != len(rows[0]):
            raise ValueError(
                f"row {y}: expected {len(rows[0])} cells (the width of row 0), got {len(cells)}"
            )
        for x, v in enumerate(cells):
            if isinstance(v, str) and v.isdigit():
                v = cells[x] = int(v)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v < limit:
                raise ValueError(f"row {y}, cell {x}: expected {what}, got {v!r}")
        rows.append(cells)
    out = np.array(rows, dtype=np.uint8)
    out.setflags(write=False)
    return out


def _to_grid(value: Any) -> np.ndarray:
    return _parse(value, str.split, len(COLOURS), f"a palette index 0..{len(COLOURS) - 1}")


def _to_bits(value: Any) -> np.ndarray:
    return _parse(value, lambda row: list(row.replace(" ", "")), 2, "0 or 1")


Grid = Annotated[
    np.ndarray,
    PlainValidator(_to_grid),
    PlainSerializer(
        lambda a: [" ".join(f"{v:02d}" for v in row) for row in a.tolist()], return_type=list[str]
    ),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "string"},
            "description": "rows of 2-digit palette indices",
        }
    ),
]
"""A grid of palette indices: ``uint8`` (H, W) in memory; rows like ``"01 01 11"`` on disk."""

BitGrid = Annotated[
    np.ndarray,
    PlainValidator(_to_bits),
    PlainSerializer(
        lambda a: ["".join(str(v) for v in row) for row in a.tolist()], return_type=list[str]
    ),
    WithJsonSchema(
        {"type": "array", "items": {"type": "string"}, "description": "rows of 0/1 characters"}
    ),
]
"""A 0/1 grid: ``uint8`` (H, W) in memory; rows like ``"0011"`` on disk."""


class FieldError(ValueError):
    """A model-level check that names the offending field (``"frames.3"``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def program_actions(actions: list[str], field: str, grid_size: int | None) -> list[str]:
    """Canonicalise a list of one-tick program actions (noop, arrows, click X Y); clicks are
    checked against ``grid_size`` when it is known."""
    out = []
    for i, text in enumerate(actions):
        try:
            action = parse_action(text, grid_size)
        except ActionError as err:
            raise FieldError(f"{field}.{i}", str(err)) from None
        if not action.is_program_action:
            raise FieldError(
                f"{field}.{i}", f"expected noop, left, right, up, down or click X Y, got {text!r}"
            )
        out.append(str(action))
    return out
