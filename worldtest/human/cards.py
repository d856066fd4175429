"""Instruction cards before each phase, and the result card after each episode.

The card texts say in plain words what the phase is, what the controls do, and what each
action costs (the budget in actions, the horizon in test actions, ticks per action), taken from
the episode's recorded settings (protocol sections 2 and 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pygame

from worldtest.human.widgets import (
    THEME,
    Button,
    draw_grid,
    draw_text,
    fit_cell,
    layout_buttons,
    wrap,
)
from worldtest.human.window import Screen, Window

__all__ = ["CardScreen", "Panel", "ResultScreen", "instructions"]

_TESTS = (
    "Then comes a test on this world. You will learn which kind when it starts: it may show "
    "you a recording with a part hidden and ask what was there, ask you to make the world look "
    "like a goal picture, or change one of the world's rules and ask you to notice when. It "
    "starts from a situation you may not have seen while exploring."
)
"""The last paragraph of the interaction card: the same for every test (the test to come is not
named before it starts, protocol section 1)."""


def instructions(
    phase: str,
    *,
    env: str,
    budget: int,
    horizon: int,
    frame_rate: int,
    ticks_per_action: int,
    real_time: bool,
) -> tuple[str, list[str]]:
    """The card of a phase: ``(title, paragraphs)``.

    Args:
        phase: ``"interaction"``, ``"mfp"``, ``"planning"`` or ``"cd"``.
        env: the environment. The card of the interaction phase is the same whatever the test
            to come (no agent, model or person is told the test before it starts).
        budget: interaction actions; horizon: test actions.
        frame_rate: the program's ticks per second; ticks_per_action: ticks per interaction action.
        real_time: whether time runs by itself in the interaction phase.
    """
    seconds = ticks_per_action / frame_rate
    if phase == "interaction":
        if real_time:
            time_text = (
                f"Time runs by itself, {frame_rate} ticks a second. Every {seconds:g} s of it is "
                f"one action ({ticks_per_action} ticks): what you press is used at the start of "
                "the next one, and when you do nothing, that action is a wait. P pauses time."
            )
        else:
            time_text = (
                f"Time waits for you: each thing you do runs {ticks_per_action} ticks "
                f"({seconds:g} s of the world's time), then the world stops until your next move."
            )
        return f"Part 1: explore {env}", [
            (
                "This is a small world on a grid. There is no goal and no score here: find out "
                "how it works, because afterwards you will be tested on it."
            ),
            (
                "Press the arrow keys, click cells, or wait (Space) and watch. Reset puts the "
                "world back to its start."
            ),
            time_text,
            (
                f"You have {budget} actions. When you think you understand the world, press Go "
                "to test (this cannot be undone). If the actions run out, the test starts by "
                "itself."
            ),
            _TESTS,
        ]
    cost = f"You have {horizon} test actions; each one is one tick."
    if phase == "mfp":
        return "Part 2: what was hidden?", [
            (
                "Here is a recording of this same world. Step through it frame by frame (Step or "
                "the Right arrow; Rewind goes back to the first frame; Play steps by itself). The "
                "cell a recorded click hit is ringed."
            ),
            (
                "In the last frames a rectangle is hidden: it is drawn grey with an X. When you "
                "reach the last frame, six possible contents of the hidden rectangle appear below "
                "it. Click the one that was really there (it is shown in place), then press "
                "Choose. Only one is right."
            ),
            f"Each step or rewind uses one of your {horizon} test actions.",
        ]
    if phase == "planning":
        return "Part 2: reach the goal", [
            (
                "The world is shown in a new situation (not necessarily where it started while "
                "you explored). Beside it is a goal: make the cells outlined in white look exactly "
                "like the goal. The other cells do not matter."
            ),
            (
                "The controls are the same as before (arrows, clicks, Wait). Time waits for you: "
                "each action is one tick (P lets time run)."
            ),
            f"You succeed the moment the outlined cells match. {cost} Give up ends the test.",
        ]
    return "Part 2: spot the change", [
        (
            "The world is shown in a new situation (not necessarily where it started while you "
            "explored), and one of its rules has been changed. The change may only show in some "
            "situations, so try things as you did while exploring. Time waits for you: each "
            "action is one tick (P lets time run). Reset brings back this test's first frame."
        ),
        (
            "As soon as you see something behave differently, press 'I found the change!' "
            "(possible after 3 ticks). Then use the slider to pick the FIRST frame that showed "
            "the change, and submit. The closer your pick, the higher the score; a frame before "
            "the change scores 0."
        ),
        f"{cost} Give up ends the test with no score.",
    ]


class CardScreen(Screen):
    """A title, a few paragraphs and one button; Enter, Space or the button closes it.

    Args:
        name: the screen id (screenshots); title, paragraphs: the text.
        button: the button's label.
    """

    def __init__(self, name: str, title: str, paragraphs: list[str], button: str = "Start") -> None:
        super().__init__()
        self.name = name
        self.title = title
        self.paragraphs = paragraphs
        self.button = Button("ok", button, "Enter", kind="primary")

    def handle(self, event: pygame.event.Event, window: Window) -> None:
        keys = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)
        pressed = event.type == pygame.KEYDOWN and event.key in keys
        clicked = event.type == pygame.MOUSEBUTTONDOWN and event.button == 1
        if pressed or (clicked and self.button.hit(event.pos)):
            self.result = True

    def draw(self, window: Window) -> None:
        surface, (width, height), u = window.surface, window.size, window.unit()
        column = pygame.Rect(
            width // 2 - min(width - 4 * u, 46 * u) // 2, 3 * u, min(width - 4 * u, 46 * u), height
        )
        y = draw_text(surface, self.title, window.font(3 * u), (column.x, column.y)).bottom + 2 * u
        font = window.font(int(1.6 * u))
        for paragraph in self.paragraphs:
            for line in wrap(paragraph, font, column.width):
                y = draw_text(surface, line, font, (column.x, y)).bottom + u // 4
            y += u
        rect = pygame.Rect(0, 0, 14 * u, int(2.4 * u))
        rect.midtop = (width // 2, min(y + u, height - 3 * u))
        self.button.draw(surface, rect, window.font(int(1.5 * u)))


@dataclass(frozen=True)
class Panel:
    """A grid on the result card: its caption, frame (``uint8`` (H, W)) and optional outline."""

    caption: str
    grid: np.ndarray
    outline: np.ndarray | None = None


class ResultScreen(Screen):
    """The card after an episode: the verdict, details, a few grids, and Next / Close.

    Args:
        name: the screen id (``"success"`` for a reached planning goal).
        title: the verdict; good: whether it is drawn green (else orange).
        lines: details (score, actions, where the record was saved).
        panels: grids to show side by side.
        button: the button's label (``"Next episode (2 of 3)"`` or ``"Close"``).
    """

    def __init__(
        self,
        name: str,
        title: str,
        good: bool,
        lines: list[str],
        panels: list[Panel],
        button: str,
    ) -> None:
        super().__init__()
        self.name = name
        self.title = title
        self.good = good
        self.lines = lines
        self.panels = panels
        self.button = Button("ok", button, "Enter", kind="primary")

    handle = CardScreen.handle

    def draw(self, window: Window) -> None:
        surface, (width, height), u = window.surface, window.size, window.unit()
        banner = pygame.Rect(0, 0, width, 5 * u)
        pygame.draw.rect(surface, THEME["ok"] if self.good else THEME["warn"], banner)
        draw_text(surface, self.title, window.font(4 * u), banner.center, (255, 255, 255), "center")
        y = banner.bottom + u
        font = window.font(int(1.6 * u))
        for line in self.lines:
            for part in wrap(line, font, width - 4 * u):
                y = draw_text(surface, part, font, (width // 2, y), THEME["text"], "midtop").bottom
            y += u // 3
        bar = pygame.Rect(width // 2 - 8 * u, height - 3 * u, 16 * u, int(2.4 * u))
        if self.panels:
            area = pygame.Rect(2 * u, y + u, width - 4 * u, bar.y - y - 4 * u)
            gap = 3 * u
            n = len(self.panels)
            rows = max(p.grid.shape[0] for p in self.panels)
            cols = max(p.grid.shape[1] for p in self.panels)
            cell = fit_cell((rows, cols * n), area.width - gap * (n - 1), area.height - 2 * u)
            total = sum(p.grid.shape[1] * cell for p in self.panels) + gap * (n - 1)
            x = area.x + (area.width - total) // 2
            for panel in self.panels:
                draw_text(surface, panel.caption, window.font(int(1.4 * u)), (x, area.y))
                draw_grid(surface, panel.grid, (x, area.y + 2 * u), cell, outline=panel.outline)
                x += panel.grid.shape[1] * cell + gap
        for button, rect in zip([self.button], layout_buttons([self.button], bar, u), strict=True):
            button.draw(surface, rect, window.font(int(1.5 * u)))
