"""The action vocabulary of every phase: :class:`Action`, :func:`parse_action`, the templates.

Protocol section 2 for the interaction actions, section 3 for the test-phase ones. Below the
task files (:mod:`worldtest.tasks.models` parses plans with it) and the environment
(:mod:`worldtest.env` re-exports every name here, so ``from worldtest.env import parse_action``
keeps working).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from worldtest.errors import ActionError

__all__ = [
    "INTERACTION_TEMPLATES",
    "PROGRAM_TEMPLATES",
    "TEMPLATES",
    "Action",
    "check_click",
    "parse_action",
]

# kind -> canonical template; the arguments after the kind are named by the template.
TEMPLATES: dict[str, str] = {
    "noop": "noop",
    "left": "left",
    "right": "right",
    "up": "up",
    "down": "down",
    "click": "click X Y",
    "reset": "reset",
    "go-to-test": "go-to-test",
    "quit": "quit",
    "step": "step",
    "rewind": "rewind",
    "choose": "choose N",
    "found-change": "found-change",
    "choose-frame": "choose-frame K",
    "submit": "submit",
}
"""Every action kind and its canonical text template (X = column, Y = row, 0-based)."""

PROGRAM_TEMPLATES: tuple[str, ...] = ("noop", "left", "right", "up", "down", "click X Y")
"""The actions that feed the program one input event (protocol section 2)."""

INTERACTION_TEMPLATES: tuple[str, ...] = PROGRAM_TEMPLATES + ("reset", "go-to-test")
"""The actions offered in the interaction phase (protocol section 2)."""

_ARITY = {"click": 2, "choose": 1, "choose-frame": 1}
_INT = re.compile(r"-?[0-9]+")
_EXPECTED = ", ".join(TEMPLATES.values())


@dataclass(frozen=True)
class Action:
    """One agent action, parsed.

    Attributes:
        kind: one of the keys of :data:`TEMPLATES` (``"click"``, ``"choose-frame"`` ...).
        x, y: the cell of a ``click`` (column, row; 0-based), else None.
        n: the option of ``choose N`` or the frame of ``choose-frame K``, else None.

    ``str(action)`` is the canonical text (``"click 3 4"``, ``"choose 2"``), which
    :func:`parse_action` reads back to an equal action.
    """

    kind: str
    x: int | None = None
    y: int | None = None
    n: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in TEMPLATES:
            raise ActionError(f"unknown action kind {self.kind!r}: expected one of {_EXPECTED}")
        wants_xy, wants_n = self.kind == "click", self.kind in ("choose", "choose-frame")
        has_xy, has_n = self.x is not None and self.y is not None, self.n is not None
        if wants_xy != has_xy or wants_n != has_n or (not wants_xy and self.x is not None):
            raise ActionError(
                f"action {self.kind!r} needs exactly the arguments of {TEMPLATES[self.kind]!r}"
            )

    def __str__(self) -> str:
        if self.kind == "click":
            return f"click {self.x} {self.y}"
        if self.n is not None:
            return f"{self.kind} {self.n}"
        return self.kind

    @property
    def template(self) -> str:
        """The template this action instantiates (``"click X Y"`` for ``click 3 4``)."""
        return TEMPLATES[self.kind]

    @property
    def is_program_action(self) -> bool:
        """True for ``noop``, the arrows and ``click``: the actions that run a tick."""
        return self.template in PROGRAM_TEMPLATES

    @property
    def event(self) -> None | str | tuple[str, int, int]:
        """The interpreter input event: None (noop), ``"left"`` ... or ``("click", x, y)``.

        Raises:
            ActionError: the action does not feed the program (``reset``, ``step`` ...).
        """
        if not self.is_program_action:
            raise ActionError(
                f"{self} is not a program input: expected one of {', '.join(PROGRAM_TEMPLATES)}"
            )
        if self.kind == "click":
            return ("click", self.x, self.y)
        return None if self.kind == "noop" else self.kind


def parse_action(text: str, grid_size: int | None = None) -> Action:
    """Parse action text: lenient about case and whitespace, strict about everything else.

    Args:
        text: e.g. ``"click 3 4"``, ``" LEFT "``, ``"choose-frame 12"``. No aliases, no
            punctuation: the accepted forms are exactly :data:`TEMPLATES`.
        grid_size: when given, a click must lie in ``0..grid_size-1`` on both axes.

    Returns:
        The :class:`Action`.

    Raises:
        ActionError: not a string, empty, unknown kind, wrong number or form of arguments, a
            negative number, or a click outside the grid (protocol section 2, "Invalid
            actions"). The message names what was expected and what came.
    """
    if not isinstance(text, str):
        raise ActionError(f"expected action text (a string), got {type(text).__name__}")
    shown = text if len(text) <= 80 else text[:77] + "..."
    tokens = text.strip().lower().split()
    if not tokens:
        raise ActionError(f"empty action: expected one of {_EXPECTED}")
    kind, args = tokens[0], tokens[1:]
    if kind not in TEMPLATES:
        raise ActionError(f"unknown action {shown!r}: expected one of {_EXPECTED}")
    arity = _ARITY.get(kind, 0)
    if len(args) != arity or not all(_INT.fullmatch(a) for a in args):
        if arity == 0:
            raise ActionError(f"{kind!r} takes no arguments: expected {kind!r}, got {shown!r}")
        what = "two integers, X = column and Y = row" if kind == "click" else "one integer"
        raise ActionError(f"expected {TEMPLATES[kind]!r} ({what}), got {shown!r}")
    values = [int(a) for a in args]
    if kind == "click":
        check_click(values[0], values[1], grid_size)
        return Action("click", values[0], values[1])
    if values:
        if values[0] < 0:
            raise ActionError(
                f"expected {TEMPLATES[kind]!r} with a non-negative number, got {shown!r}"
            )
        return Action(kind, n=values[0])
    return Action(kind)


def check_click(x: int, y: int, grid_size: int | None) -> None:
    """Raise ActionError unless ``x, y >= 0`` and, given ``grid_size``, ``x, y < grid_size``."""
    if x < 0 or y < 0 or (grid_size is not None and (x >= grid_size or y >= grid_size)):
        size = (
            f"the {grid_size}x{grid_size} grid: X and Y must be in 0..{grid_size - 1}"
            if grid_size
            else "the grid"
        )
        raise ActionError(f"click {x} {y} is outside {size}")
