"""Drive the play window headless with real pygame events, one scripted step at a time.

A :class:`Driver` is the window's ``on_frame`` hook. Each step names the screen it expects
(``"card-interaction"``, ``"interaction"``, ``"mfp-options"`` ...) and what to do there: post a
key press, a mouse click on a cell centre or a button, a slider drag, save a screenshot, or
wait for a condition. A step runs only once the events posted by the previous one have been
consumed and the screen is idle (waiting for the player), unless it says it may run at once.
"""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pygame


def _post_click(pos: tuple[int, int]) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))


def key(k: int) -> Callable[[Any, Any], None]:
    """Press and release key ``k``."""

    def run(window: Any, screen: Any) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=0))

    return run


def cell(x: int, y: int) -> Callable[[Any, Any], None]:
    """Click the centre of cell (x, y) of the live grid, as drawn now."""
    return lambda window, screen: _post_click(screen.grid.cell_center(x, y))


def button(name: str) -> Callable[[Any, Any], None]:
    """Click the centre of a button, as drawn now."""
    return lambda window, screen: _post_click(screen.buttons[name].rect.center)


def option(i: int) -> Callable[[Any, Any], None]:
    """Click MFP option ``i`` (0-based)."""
    return lambda window, screen: _post_click(screen.option_rects[i].center)


def drag_slider(start: int, end: int) -> Callable[[Any, Any], None]:
    """Press on the slider at position ``start``, drag to ``end``, release."""

    def run(window: Any, screen: Any) -> None:
        slider = screen.slider
        y = slider.rect.centery
        a, b = (slider.x_of(start), y), (slider.x_of(end), y)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=a, button=1))
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEMOTION, pos=b, rel=(0, 0), buttons=(1, 0, 0))
        )
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=b, button=1))

    return run


def resize(size: tuple[int, int]) -> Callable[[Any, Any], None]:
    """Resize the window."""
    return lambda window, screen: window.resize(size)


class Driver:
    """The scripted player (see the module docstring).

    Args:
        steps: ``(screen_name, action)`` or ``(screen_name, action, ready)``; ``action(window,
            screen)`` posts events; ``ready(screen)`` (default: ``screen.idle()``) says when.
        shots: folder for :meth:`shot` steps (None: screenshots are skipped).
        clock_step: seconds added to :attr:`now` per drawn frame (a fake clock for the window).
    """

    def __init__(self, steps: list[tuple], shots: Path | None = None, clock_step: float = 0.0):
        self.steps = deque(steps)
        self.shots = shots
        self.saved: list[Path] = []
        self.clock_step = clock_step
        self.now = 0.0
        self.screens: list[str] = []
        self.times: dict[str, float] = {}  # screen name -> clock time of its first drawn frame

    def clock(self) -> float:
        return self.now

    def shot(self, name: str) -> Callable[[Any, Any], None]:
        """A step that saves the window as ``<shots>/<name>.png``."""

        def run(window: Any, screen: Any) -> None:
            if self.shots is not None:
                self.saved.append(window.screenshot(self.shots / f"{name}.png"))

        return run

    def __call__(self, window: Any, screen: Any) -> None:
        self.now += self.clock_step
        if not self.screens or self.screens[-1] != screen.name:
            self.screens.append(screen.name)
            self.times.setdefault(screen.name, self.now)
        if pygame.event.peek() or not self.steps or screen.result is not None:
            return  # events still to be handled, nothing left to do, or the screen is closing
        expected, action, *rest = self.steps[0]
        ready = rest[0] if rest else (lambda s: s.idle())
        if not ready(screen):
            return
        if screen.name != expected:
            raise AssertionError(
                f"script expected screen {expected!r}, the window shows {screen.name!r}"
            )
        self.steps.popleft()
        action(window, screen)


def anytime(screen: Any) -> bool:
    """A ``ready`` condition that always holds (real-time play queues input)."""
    return True


def nothing(window: Any, screen: Any) -> None:
    """A step that does nothing (to wait for its ``ready`` condition)."""


def close_window(window: Any, screen: Any) -> None:
    """Post QUIT, as the window's close button does."""
    pygame.event.post(pygame.event.Event(pygame.QUIT))
