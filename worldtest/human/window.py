"""The play window: one resizable pygame window and the loop that runs one screen at a time.

:meth:`Window.run` shows a :class:`Screen` until it has a result: every pass of the loop pumps
every pending event (so the window stays responsive), lets the screen lay itself out for the
current window size (cell sizes follow the window; it is resizable), handle the events, advance
its clock-driven state, and draw; then the optional ``on_frame`` hook runs (tests post events
and take screenshots there) and the loop sleeps to ``fps``. Closing the window raises
:class:`WindowClosed` from :meth:`Window.run`, wherever the program is.

Time is read from an injectable ``clock`` (seconds, default :func:`time.monotonic`), so a test
can drive the real-time play with a fake clock, deterministically.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pygame

from worldtest.errors import ConfigError
from worldtest.human.widgets import THEME

__all__ = ["NoDisplayError", "Screen", "Window", "WindowClosed", "check_display"]

HEADLESS_DRIVERS = ("dummy", "offscreen")
"""SDL video drivers that draw nowhere: accepted only when ``SDL_VIDEODRIVER`` asks for them."""


class NoDisplayError(ConfigError):
    """No display to open a window on (``worldtest play`` then exits with status 2)."""


def _no_display(why: str) -> NoDisplayError:
    return NoDisplayError(
        f"worldtest play needs a display to open its window, and there is none: {why}. Run it "
        "on a desktop session (or over ssh -X); SDL_VIDEODRIVER=dummy runs it without a "
        "display, for tests only."
    )


def check_display() -> None:
    """Fail fast when no window can be shown, before SDL is asked for one.

    On Linux and the BSDs a window needs ``DISPLAY`` (X11) or ``WAYLAND_DISPLAY``; without
    either, SDL would fall back to its invisible ``offscreen`` driver and the play would wait
    forever for input. An explicit ``SDL_VIDEODRIVER`` is trusted (tests set ``dummy``).

    Raises:
        NoDisplayError: no display and no explicit ``SDL_VIDEODRIVER``.
    """
    if os.environ.get("SDL_VIDEODRIVER"):
        return
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")) and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise _no_display("neither DISPLAY (X11) nor WAYLAND_DISPLAY is set")


class WindowClosed(Exception):
    """The player closed the window (raised by :meth:`Window.run`)."""


class Screen:
    """One screen of the window (an instruction card, the live grid, the MFP player ...).

    Subclasses override what they need. :attr:`result` is None while the screen runs;
    setting it ends :meth:`Window.run`, which returns it.

    Attributes:
        name: a short id (``"interaction"``, ``"mfp-options"``); screenshots are named by it.
        result: None until the screen is done.
    """

    name = "screen"

    def __init__(self) -> None:
        self.result: Any = None

    def layout(self, window: Window) -> None:
        """Compute rectangles for the current window size (called every pass, before events)."""

    def handle(self, event: pygame.event.Event, window: Window) -> None:
        """React to one event (key press, mouse click ...)."""

    def update(self, window: Window) -> None:
        """Advance clock-driven state (animation, real-time ticks); ``window.now()`` is the time."""

    def draw(self, window: Window) -> None:
        """Draw onto ``window.surface`` (already cleared to the background colour)."""

    def idle(self) -> bool:
        """Whether the screen waits for the player (no animation playing, nothing queued)."""
        return self.result is None


class Window:
    """A resizable pygame window.

    Args:
        size: initial size in pixels; None: 80% of the desktop height, at a 4:3 aspect ratio.
        fps: loop passes per second at most (0: as fast as possible, for tests).
        clock: a function returning the time in seconds (default :func:`time.monotonic`).
        on_frame: called as ``on_frame(window, screen)`` after each drawn pass (tests).
        title: the window caption.

    Raises:
        NoDisplayError: no display (:func:`check_display`), or SDL found only a driver that
            draws nowhere without being asked for it (set ``SDL_VIDEODRIVER=dummy`` to run
            headless on purpose). ConfigError: the window cannot be opened.
    """

    def __init__(
        self,
        size: tuple[int, int] | None = None,
        *,
        fps: int = 60,
        clock: Callable[[], float] | None = None,
        on_frame: Callable[[Window, Screen], None] | None = None,
        title: str = "worldtest",
    ) -> None:
        check_display()
        try:
            pygame.display.init()
            driver = pygame.display.get_driver()
            if driver in HEADLESS_DRIVERS and os.environ.get("SDL_VIDEODRIVER") != driver:
                pygame.display.quit()
                raise _no_display(f"SDL found no display and fell back to its {driver!r} driver")
            pygame.font.init()
            if size is None:
                desk_w, desk_h = pygame.display.get_desktop_sizes()[0]
                height = max(480, int(desk_h * 0.8))
                size = (min(desk_w, height * 4 // 3), height)
            self.surface = pygame.display.set_mode(size, pygame.RESIZABLE)
        except pygame.error as err:
            raise ConfigError(
                f"cannot open a window: {err} (is there a display? "
                "SDL_VIDEODRIVER=dummy runs without one)"
            ) from None
        pygame.display.set_caption(title)
        self.fps = fps
        self.now: Callable[[], float] = clock or time.monotonic
        self.on_frame = on_frame
        self.closed = False
        self.frames_drawn = 0
        self._clock = pygame.time.Clock()
        self._fonts: dict[int, pygame.font.Font] = {}

    @property
    def size(self) -> tuple[int, int]:
        """The window's current size in pixels (width, height)."""
        return self.surface.get_size()

    def font(self, px: int) -> pygame.font.Font:
        """pygame's default font at ``px`` pixels (cached)."""
        px = max(10, int(px))
        if px not in self._fonts:
            self._fonts[px] = pygame.font.Font(None, px)
        return self._fonts[px]

    def unit(self) -> int:
        """A base length in pixels (1/40 of the shorter side); text and margins scale with it."""
        return max(12, min(self.size) // 40)

    def resize(self, size: tuple[int, int]) -> None:
        """Resize the window (as a player dragging its border would)."""
        self.surface = pygame.display.set_mode(size, pygame.RESIZABLE)

    def run(self, screen: Screen) -> Any:
        """Show ``screen`` until it has a result, and return it.

        Raises:
            WindowClosed: the window was closed (now or earlier).
        """
        if self.closed:
            raise WindowClosed("the window was closed")
        while True:
            self.surface = pygame.display.get_surface() or self.surface
            screen.layout(self)
            for event in pygame.event.get():
                if event.type == pygame.QUIT:
                    self.close()
                    raise WindowClosed("the window was closed")
                screen.handle(event, self)
            screen.update(self)
            self.surface.fill(THEME["bg"])
            screen.draw(self)
            pygame.display.flip()
            self.frames_drawn += 1
            if self.on_frame is not None:
                self.on_frame(self, screen)
            if screen.result is not None:
                return screen.result
            if self.fps:
                self._clock.tick(self.fps)

    def screenshot(self, path: str | os.PathLike[str]) -> Path:
        """Save what the window shows now as a PNG; returns the path."""
        out = Path(path)
        out.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.surface, str(out))
        return out

    def close(self) -> None:
        """Close the window; later :meth:`run` calls raise :class:`WindowClosed`."""
        if not self.closed:
            self.closed = True
            pygame.display.quit()
