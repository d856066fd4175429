"""Actions, the Autumn environment wrapper, and the benchmark suite on disk.

- :class:`Action` / :func:`parse_action`: the action vocabulary of every phase (protocol
  section 2 for the interaction actions, section 3 for the test-phase ones).
- :class:`AutumnEnv`: a program + a seed -> ``reset()`` / ``step(action)`` -> frames, with
  ``ticks_per_action`` ticks per agent action (protocol section 2, "Ticks per action").
- :class:`EnvSpec` / :class:`Suite` (defined in :mod:`worldtest.suite`, re-exported here): a
  folder holding ``environments/`` and ``tasks/<env>/{mfp,planning,cd}.json``.

A frame is ``np.ndarray`` of ``uint8`` palette indices, shape (H, W), ``frame[y, x]``, y = 0 the
top row (protocol section 2); frames returned here are read-only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from worldtest.errors import ActionError, ConfigError
from worldtest.palette import to_indices
from worldtest.suite import FAMILIES, EnvSpec, Suite, default_suite_root, load_suite

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.autumn import Program, World

__all__ = [
    "FAMILIES",
    "INTERACTION_TEMPLATES",
    "PROGRAM_TEMPLATES",
    "TEMPLATES",
    "Action",
    "AutumnEnv",
    "EnvSpec",
    "Frame",
    "Suite",
    "check_click",
    "default_suite_root",
    "frame_of",
    "load_suite",
    "parse_action",
    "start_world",
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


@dataclass(frozen=True)
class Frame:
    """A frame as an agent sees it, labelled with its tick and the action that caused it.

    Attributes:
        tick: the world tick of this frame (0 = just loaded); in MFP the recording's frame index.
        action: the canonical text of the action that produced it; None for frame 0 and for
            the no-input ticks that follow an action (protocol section 2, "Ticks per action");
            ``"reset"`` for the frame 0 shown after a reset.
        grid: ``uint8`` palette indices, shape (H, W).
    """

    tick: int
    action: str | None
    grid: np.ndarray


def start_world(
    program: Program, seed: int, prefix: Sequence[Any] = (), *, trigger: str | None = None
) -> World:
    """The world a phase starts from: ``program`` loaded with ``seed``, then ``prefix``.

    Args:
        program: a compiled program.
        seed: its random seed.
        prefix: interpreter events run one tick each (a test phase's hidden start).
        trigger: a CD trigger expression for the interpreter, or None.

    Raises:
        AutumnError: the program fails while loading or during the prefix.
    """
    world = program.start(seed, trigger=trigger)
    for event in prefix:
        world.step(event)
    return world


def frame_of(world: World) -> np.ndarray:
    """Render a world's current grid as a read-only ``uint8`` frame, shape (H, W)."""
    frame = to_indices(world.grid())
    frame.setflags(write=False)
    return frame


class AutumnEnv:
    """An Autumn program run from a seed: ``reset()`` and ``step(action)`` give frames.

    One :meth:`step` injects the action in the first tick, then runs ``ticks_per_action - 1``
    ticks with no input, and returns every frame (protocol section 2, "Ticks per action").

    Args:
        program: a compiled program (``worldtest.autumn.Program``).
        seed: the program's random seed (autumn-language.md section 6).
        ticks_per_action: ticks per :meth:`step`, at least 1.
        trigger: a change-detection trigger expression passed to the interpreter
            (autumn-language.md section 3.8), or None.
        prefix: program actions (interpreter events: None, an arrow, ``("click", x, y)``) run
            one tick each after loading, before frame 0 is shown, and again after every
            :meth:`reset`: a test phase's hidden start (protocol section 1, "M' differs from
            M"). Empty by default: frame 0 is the program's initial state.

    Raises:
        ConfigError: ``ticks_per_action`` < 1.
        AutumnError: the program fails while loading or during the prefix.
    """

    def __init__(
        self,
        program: Program,
        seed: int,
        *,
        ticks_per_action: int = 1,
        trigger: str | None = None,
        prefix: Sequence[Any] = (),
    ) -> None:
        if not isinstance(ticks_per_action, int) or ticks_per_action < 1:
            raise ConfigError(f"ticks_per_action must be an integer >= 1, got {ticks_per_action!r}")
        self.program = program
        self.seed = seed
        self.ticks_per_action = ticks_per_action
        self.trigger = trigger
        self.prefix = tuple(prefix)
        self.reset()

    def reset(self, seed: int | None = None) -> np.ndarray:
        """Restart the program from its initial state (``seed`` if given), run the prefix;
        return frame 0."""
        if seed is not None:
            self.seed = seed
        self.world = start_world(self.program, self.seed, self.prefix, trigger=self.trigger)
        self.frame = frame_of(self.world)
        return self.frame

    @property
    def tick(self) -> int:
        """Ticks run since the last reset (the prefix's ticks not counted)."""
        return self.world.tick - len(self.prefix)

    @property
    def grid_size(self) -> int:
        """The program's GRID_SIZE (cells per side)."""
        return self.world.grid_size

    def step(self, action: Action | str) -> list[np.ndarray]:
        """Run one agent action: the input tick, then ``ticks_per_action - 1`` no-input ticks.

        Args:
            action: a program action (``noop``, an arrow, ``click X Y``), parsed or as text.

        Returns:
            ``ticks_per_action`` frames, ``uint8`` (H, W), oldest first; the last is :attr:`frame`.

        Raises:
            ActionError: unparsable text, a non-program action, or a click outside the grid.
            AutumnError: the program fails during a tick.
        """
        if isinstance(action, str):
            action = parse_action(action, self.grid_size)
        event = action.event
        if action.kind == "click":
            check_click(action.x, action.y, self.grid_size)
        frames = []
        for i in range(self.ticks_per_action):
            self.world.step(event if i == 0 else None)
            frames.append(frame_of(self.world))
        self.frame = frames[-1]
        return frames
