"""The choosing stage of the change-detection test: a slider over the frames seen so far.

After "I found the change!" (``found-change``, protocol section 3.3) the player picks the first
frame in which the world behaved differently. The frames are the ones the player has seen in
this test phase, numbered as the protocol numbers them (every frame shown in the acting stage,
resets included; ``choose-frame K`` refers to this numbering). The slider (drag it, click the
track, or the Left/Right, Home/End keys) browses them locally, which costs nothing; the frame
before the picked one is drawn beside it, so the difference is easy to see. "Submit" (Enter)
sends ``choose-frame K`` and then ``submit``: two test actions.
"""

from __future__ import annotations

import pygame

from worldtest.agents.base import Observation
from worldtest.env import Frame
from worldtest.human.widgets import (
    THEME,
    Button,
    Slider,
    clicked_cell,
    draw_grid,
    draw_text,
    fit_cell,
    layout_buttons,
)
from worldtest.human.window import Screen, Window

__all__ = ["CdChooseScreen"]


class CdChooseScreen(Screen):
    """Pick the first changed frame (see the module docstring).

    Args:
        env: the environment's name, for the title.
        history: the frames seen in the acting stage, in the protocol's numbering.

    Attributes:
        slider: over ``0..len(history)-1``; starts at the last frame.
        result: ``("choose-frame K", False)``, then ``("submit", False)``.
    """

    name = "cd-slider"

    def __init__(self, env: str, history: list[Frame]) -> None:
        super().__init__()
        self.env = env
        self.history = list(history)
        self.slider = Slider(len(self.history), len(self.history) - 1)
        self.obs: Observation | None = None
        self.buttons = {"submit": Button("submit", "Submit", "Enter", kind="primary")}

    def begin(self, obs: Observation, now: float) -> None:
        """Take ``obs``; once the picked frame is chosen, submit it."""
        self.obs = obs
        self.result = None
        if "submit" in obs.offered and obs.frame_index == self.slider.value:
            self.result = ("submit", False)

    def handle(self, event: pygame.event.Event, window: Window) -> None:
        if self.result is not None:
            return
        if event.type == pygame.KEYDOWN:
            step = {pygame.K_LEFT: -1, pygame.K_RIGHT: 1}.get(event.key)
            if step is not None:
                self.slider.set(self.slider.value + step)
            elif event.key == pygame.K_HOME:
                self.slider.set(0)
            elif event.key == pygame.K_END:
                self.slider.set(self.slider.count - 1)
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self._submit()
            return
        clicked = event.type == pygame.MOUSEBUTTONDOWN and event.button == 1
        if clicked and self.buttons["submit"].hit(event.pos):
            self._submit()
            return
        self.slider.handle(event)

    def _submit(self) -> None:
        self.result = (f"choose-frame {self.slider.value}", False)

    def draw(self, window: Window) -> None:
        if self.obs is None:
            return
        surface, (width, height), u = window.surface, window.size, window.unit()
        draw_text(surface, f"{self.env}: when did it change?", window.font(2 * u), (u, u // 2))
        info = f"Test actions left: {self.obs.remaining}"
        draw_text(
            surface, info, window.font(int(1.5 * u)), (width - u, u), THEME["muted"], "topright"
        )
        bar = pygame.Rect(width // 3, height - 3 * u, width // 3, int(2.2 * u))
        track = pygame.Rect(3 * u, bar.y - 3 * u, width - 6 * u, u)
        status_y = track.y - int(2.6 * u)
        main = pygame.Rect(u, 3 * u, width - 2 * u, status_y - 4 * u)
        k = self.slider.value
        shape = self.history[k].grid.shape
        gap = 2 * u
        cell = fit_cell((shape[0], shape[1] * 2), main.width - gap, main.height - 2 * u)
        total = shape[1] * cell * 2 + gap
        x = main.x + (main.width - total) // 2
        font = window.font(int(1.4 * u))
        for offset, (index, title) in enumerate(((k - 1, "before"), (k, "your pick"))):
            left = x + offset * (shape[1] * cell + gap)
            if index < 0:
                draw_text(surface, "(nothing before frame 0)", font, (left, main.y), THEME["muted"])
                continue
            frame = self.history[index]
            made = f", after {frame.action}" if frame.action else ""
            colour = THEME["text"] if offset else THEME["muted"]
            draw_text(
                surface,
                f"Frame {index} ({title}): tick {frame.tick}{made}",
                font,
                (left, main.y),
                colour,
            )
            draw_grid(
                surface, frame.grid, (left, main.y + 2 * u), cell, ring=clicked_cell(frame.action)
            )
        text = (
            f"Frame {k} of {len(self.history) - 1}: drag the slider (or Left/Right) to the FIRST "
            "frame that showed the change."
        )
        draw_text(
            surface,
            text,
            window.font(int(1.5 * u)),
            (width // 2, status_y),
            THEME["muted"],
            "midtop",
        )
        self.slider.draw(surface, track)
        self.buttons["submit"].label = f"Submit frame {k}"
        buttons = list(self.buttons.values())
        for button, rect in zip(buttons, layout_buttons(buttons, bar, u), strict=True):
            button.draw(surface, rect, window.font(int(1.35 * u)))
