"""Actions, the Autumn environment wrapper, and the benchmark suite on disk.

- :class:`Action` / :func:`parse_action` (defined in :mod:`worldtest.actions`, re-exported
  here): the action vocabulary of every phase (protocol section 2 for the interaction actions,
  section 3 for the test-phase ones).
- :class:`AutumnEnv`: a program + a seed -> ``reset()`` / ``step(action)`` -> frames, with
  ``ticks_per_action`` ticks per agent action (protocol section 2, "Ticks per action").
- :class:`EnvSpec` / :class:`Suite` (defined in :mod:`worldtest.suite`, re-exported here): a
  folder holding ``environments/`` and ``tasks/<env>/{mfp,planning,cd}.json``.

A frame is ``np.ndarray`` of ``uint8`` palette indices, shape (H, W), ``frame[y, x]``, y = 0 the
top row (protocol section 2); frames returned here are read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from worldtest.actions import (
    INTERACTION_TEMPLATES,
    PROGRAM_TEMPLATES,
    TEMPLATES,
    Action,
    check_click,
    parse_action,
)
from worldtest.errors import ConfigError
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
