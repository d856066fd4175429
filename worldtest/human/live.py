"""The live grid: the interaction phase, the planning test and the acting stage of the CD test.

The player acts on the running program: the arrow keys send ``left``/``right``/``up``/
``down``, a click on a cell sends ``click X Y`` (X = column, Y = row), Space or the Wait button
sends ``noop``. Buttons per phase: Reset and Go to test (interaction); Give up (``quit``,
planning and CD); Reset and "I found the change!" (CD). Buttons that end something for good
(Go to test, Give up, I found the change!) ask for a second press within 4 seconds.

**Time.** The frames one action produced (``ticks_per_action`` of them in the interaction
phase, protocol section 2; one in a test phase) are shown one per tick interval,
``1 / FRAME_RATE`` seconds, so the world moves at the program's speed, as on the web platform.
Input that comes while they play is queued (up to 3 actions) and sent, in order, as soon as the
last frame has been shown for one tick interval. While the screen *runs* (the default of the
interaction phase in real-time play; the P key or the Run button toggles it), a tick interval
with nothing queued sends ``noop``: time keeps passing. Those idle noops are real protocol
actions (they run the same ticks as a chosen noop and cost one action of the budget or
horizon); the screen marks them, and the human agent lists them in its record's ``usage``. In
turn-based play (and in the test phases, unless Run is on) nothing happens until the player acts.
"""

from __future__ import annotations

from collections import deque

import pygame

from worldtest.agents.base import Observation
from worldtest.env import Frame
from worldtest.human.widgets import (
    THEME,
    Button,
    GridView,
    clicked_cell,
    draw_grid,
    draw_text,
    fit_cell,
    layout_buttons,
)
from worldtest.human.window import Screen, Window

__all__ = ["CONFIRM_SECONDS", "QUEUE_LIMIT", "LiveScreen"]

QUEUE_LIMIT = 3
"""Actions the player can queue while frames are still playing."""

CONFIRM_SECONDS = 4.0
"""Seconds within which a second press confirms Go to test / Give up / I found the change!"""

_ARROWS = {
    pygame.K_LEFT: "left",
    pygame.K_RIGHT: "right",
    pygame.K_UP: "up",
    pygame.K_DOWN: "down",
}
_TITLES = {
    "interaction": "exploring",
    "planning": "planning test",
    "cd": "change-detection test",
}


def _buttons(kind: str) -> list[Button]:
    out = [Button("noop", "Wait", "Space"), Button("run", "Run", "P", kind="toggle")]
    if kind in ("interaction", "cd"):
        out.insert(1, Button("reset", "Reset", "R"))
    if kind == "interaction":
        out.append(Button("go-to-test", "Go to test", "G", kind="primary"))
    else:
        out.append(Button("quit", "Give up", "Q", kind="danger"))
    if kind == "cd":
        out.append(Button("found-change", "I found the change!", "F", kind="primary"))
    return out


_KEYS = {
    pygame.K_SPACE: "noop",
    pygame.K_r: "reset",
    pygame.K_p: "run",
    pygame.K_g: "go-to-test",
    pygame.K_q: "quit",
    pygame.K_f: "found-change",
}
_CONFIRM = {"go-to-test", "quit", "found-change"}


class LiveScreen(Screen):
    """The running program, for one phase (see the module docstring).

    Args:
        kind: ``"interaction"``, ``"planning"`` or ``"cd"``.
        env: the environment's name, for the title.
        tick_seconds: seconds per shown frame (``1 / FRAME_RATE``; 0 shows them at once).
        running: whether idle tick intervals send ``noop`` (real-time play).

    Attributes:
        result: ``(action_text, idle)`` once an action is ready; ``idle`` is True for a noop
            sent because the player did nothing for a tick interval.
        grid: where the live frame was drawn (for clicks); goal_grid: the planning goal.
        buttons: by name (``"noop"``, ``"reset"``, ``"go-to-test"`` ...).
    """

    def __init__(self, kind: str, env: str, tick_seconds: float, running: bool) -> None:
        super().__init__()
        self.name = kind
        self.kind = kind
        self.env = env
        self.tick_seconds = float(tick_seconds)
        self.running = running
        self.buttons = {b.name: b for b in _buttons(kind)}
        self.queue: deque[str] = deque()
        self.obs: Observation | None = None
        self.shown: Frame | None = None
        self.grid: GridView | None = None
        self.goal_grid: GridView | None = None
        self._anim: list[Frame] = []
        self._t0 = 0.0
        self._end: float | None = None
        self._armed: tuple[str, float] | None = None
        self._note = ""
        self._now = 0.0

    # ------------------------------------------------------------------ protocol side

    def begin(self, obs: Observation, now: float) -> None:
        """Show ``obs``: play its frames from ``now`` (continuing the tick timeline)."""
        self.obs = obs
        self.result = None
        self._now = now
        self._anim = list(obs.frames) or [
            Frame(self.shown.tick if self.shown else 0, None, obs.frame)
        ]
        dt = self.tick_seconds
        if self._end is not None and 0 <= now - self._end < dt:
            now = self._end  # no drift: the next frame comes exactly one tick interval later
        self._t0 = now
        self._end = now + dt * len(self._anim)
        self.shown = self._anim[0]
        for name, button in self.buttons.items():
            if name not in ("run",):
                button.enabled = self._offered(name)
        self._show_running()

    def _show_running(self) -> None:
        run = self.buttons["run"]
        run.active = self.running
        run.label = "Pause time" if self.running else "Run time"

    def _offered(self, template: str) -> bool:
        return self.obs is not None and template in self.obs.offered

    def idle(self) -> bool:
        """True when every frame has been shown, nothing is queued and no action is pending."""
        return self.result is None and not self.queue and not self._playing

    @property
    def _playing(self) -> bool:
        return self._end is not None and self._now < self._end

    # ------------------------------------------------------------------ player side

    def _press(self, name: str, now: float) -> None:
        if name == "run":
            self.running = not self.running
            self._show_running()
            return
        button = self.buttons.get(name)
        if button is None or not button.enabled:
            return
        if name in _CONFIRM:
            if self._armed is None or self._armed[0] != name or now > self._armed[1]:
                self._armed = (name, now + CONFIRM_SECONDS)
                return
            self._armed = None
        self._enqueue(name)

    def _enqueue(self, action: str) -> None:
        if len(self.queue) < QUEUE_LIMIT:
            self.queue.append(action)
            self._note = ""
        else:
            self._note = f"{QUEUE_LIMIT} actions already queued: wait for them to play"

    def handle(self, event: pygame.event.Event, window: Window) -> None:
        now = window.now()
        if event.type == pygame.KEYDOWN:
            if event.key in _ARROWS and self._offered(_ARROWS[event.key]):
                self._enqueue(_ARROWS[event.key])
            elif event.key in _KEYS:
                self._press(_KEYS[event.key], now)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for name, button in self.buttons.items():
                if button.hit(event.pos):
                    self._press(name, now)
                    return
            cell = self.grid.cell_at(event.pos) if self.grid else None
            if cell is not None and self._offered("click X Y"):
                self._enqueue(f"click {cell[0]} {cell[1]}")

    def update(self, window: Window) -> None:
        now = self._now = window.now()
        if self._armed is not None and now > self._armed[1]:
            self._armed = None
        for name in _CONFIRM:
            if name in self.buttons:
                self.buttons[name].active = self._armed is not None and self._armed[0] == name
        if not self._anim or self.result is not None:
            return
        dt = self.tick_seconds
        index = len(self._anim) - 1 if dt <= 0 else int((now - self._t0) / dt)
        self.shown = self._anim[min(max(index, 0), len(self._anim) - 1)]
        if self._end is not None and now < self._end:
            return
        if self.queue:
            self.result = (self.queue.popleft(), False)
        elif self.running and self._offered("noop"):
            self.result = ("noop", True)

    # ------------------------------------------------------------------ drawing

    def draw(self, window: Window) -> None:
        if self.obs is None or self.shown is None:
            return
        surface, (width, height), u = window.surface, window.size, window.unit()
        obs = self.obs
        draw_text(surface, f"{self.env}: {_TITLES[self.kind]}", window.font(2 * u), (u, u // 2))
        what = "Actions left" if self.kind == "interaction" else "Test actions left"
        mode = "time runs" if self.running else "waits for you"
        info = f"{what}: {obs.remaining}    Tick {self.shown.tick}    ({mode})"
        draw_text(
            surface, info, window.font(int(1.5 * u)), (width - u, u), THEME["muted"], "topright"
        )
        bar = pygame.Rect(u, height - 3 * u, width - 2 * u, int(2.2 * u))
        status_y = bar.y - int(1.6 * u)
        main = pygame.Rect(u, 3 * u, width - 2 * u, status_y - 4 * u)
        label_font = window.font(int(1.4 * u))
        label_h = int(1.6 * u)
        goal = obs.goal if self.kind == "planning" else None
        mask = obs.goal_mask if goal is not None else None
        rows, cols = self.shown.grid.shape
        panels = 2 if goal is not None else 1
        gap = 2 * u
        cell = fit_cell(
            (rows, cols * panels), main.width - gap * (panels - 1), main.height - label_h
        )
        total_w = cols * cell * panels + gap * (panels - 1)
        x = main.x + (main.width - total_w) // 2
        y = main.y + label_h
        ring = clicked_cell(self.shown.action)
        self.grid = draw_grid(surface, self.shown.grid, (x, y), cell, outline=mask, ring=ring)
        if goal is not None and mask is not None:
            matching = int((self.shown.grid == goal)[mask.astype(bool)].sum())
            draw_text(
                surface,
                f"Now  ({matching} of {int(mask.sum())} outlined cells match)",
                label_font,
                (x, main.y),
            )
            gx = x + cols * cell + gap
            self.goal_grid = draw_grid(surface, goal, (gx, y), cell, dim=(mask == 0), outline=mask)
            draw_text(
                surface, "Goal: make the outlined cells look like this", label_font, (gx, main.y)
            )
        else:
            draw_text(surface, "The world", label_font, (x, main.y), THEME["muted"])
        draw_text(
            surface,
            self._status(),
            window.font(int(1.5 * u)),
            (width // 2, status_y),
            THEME["warn"] if (obs.message or self._armed or self._note) else THEME["muted"],
            "midtop",
        )
        buttons = list(self.buttons.values())
        for button, rect in zip(buttons, layout_buttons(buttons, bar, u), strict=True):
            button.draw(surface, rect, window.font(int(1.35 * u)))

    def _status(self) -> str:
        if self._armed is not None:
            label = self.buttons[self._armed[0]].label
            return f"Press {label} again to confirm (you cannot come back)."
        if self._note:
            return self._note
        if self.obs is not None and self.obs.message:
            return self.obs.message
        if self.queue:
            return "Next: " + ", ".join(self.queue)
        if self.kind == "cd" and not self._offered("found-change"):
            return "Act or wait: 'I found the change!' unlocks after 3 ticks."
        return "Click a cell, press the arrow keys, or wait."
