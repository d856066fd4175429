"""The masked-frame prediction test as a player over the recording (protocol section 3.1).

The recording is shown one frame at a time: Step (Right arrow or Space) sends ``step``, Rewind
(Home or Backspace) sends ``rewind`` (back to frame 0), Play (P) sends ``step`` once per tick
interval until the last frame. Every one of these is a test action and costs one of the
horizon's actions, so the count left is always shown. The cell a recorded click hit is ringed.
Masked cells are slategrey with an X. From the moment the last frame has been reached, the six
candidate patches are drawn side by side under the grid; a click (or the keys 1-6) selects one,
which is also previewed inside the masked rectangle of the shown frame, and "Choose" (Enter)
sends ``choose N`` (N = 0..5 for options 1..6).
"""

from __future__ import annotations

import numpy as np
import pygame

from worldtest.agents.base import Observation
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
from worldtest.palette import MASK

__all__ = ["MfpScreen", "mask_box"]


def mask_box(frame: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box ``(x, y, width, height)`` of the masked cells if they fill it exactly, else None."""
    ys, xs = np.nonzero(frame == MASK)
    if len(xs) == 0:
        return None
    x, y = int(xs.min()), int(ys.min())
    w, h = int(xs.max()) - x + 1, int(ys.max()) - y + 1
    return (x, y, w, h) if len(xs) == w * h else None


class MfpScreen(Screen):
    """The MFP player (see the module docstring).

    Args:
        env: the environment's name, for the title.
        tick_seconds: seconds between steps while playing (``1 / FRAME_RATE``).

    Attributes:
        result: ``(action_text, False)`` once an action is ready.
        grid: where the shown frame was drawn; option_rects: where each option was drawn.
        selected: the selected option (0-based), or None.
        buttons: ``"rewind"``, ``"step"``, ``"play"``, ``"choose"``.
    """

    def __init__(self, env: str, tick_seconds: float) -> None:
        super().__init__()
        self.env = env
        self.tick_seconds = float(tick_seconds)
        self.obs: Observation | None = None
        self.grid: GridView | None = None
        self.option_rects: list[pygame.Rect] = []
        self.selected: int | None = None
        self.playing = False
        self.action: str | None = None
        self._shown_at = 0.0
        self.buttons = {
            b.name: b
            for b in (
                Button("rewind", "Rewind", "Home"),
                Button("step", "Step", "Right"),
                Button("play", "Play", "P", kind="toggle"),
                Button("choose", "Choose", "Enter", kind="primary"),
            )
        }

    @property
    def name(self) -> str:  # type: ignore[override]
        return "mfp-options" if self.obs is not None and self.obs.options else "mfp"

    def idle(self) -> bool:
        """Waiting for the player: no action pending and not playing."""
        return self.result is None and not self.playing

    def begin(self, obs: Observation, now: float) -> None:
        """Show the frame of ``obs`` and enable what it offers."""
        self.obs = obs
        self.result = None
        self._shown_at = now
        if obs.frames:
            self.action = obs.frames[-1].action
        self.buttons["rewind"].enabled = "rewind" in obs.offered
        self.buttons["step"].enabled = "step" in obs.offered
        self.buttons["play"].enabled = "step" in obs.offered
        if "step" not in obs.offered:
            self.playing = False
        self.buttons["play"].active = self.playing
        self._refresh_choose()

    def _refresh_choose(self) -> None:
        ok = self.obs is not None and "choose N" in self.obs.offered and self.selected is not None
        self.buttons["choose"].enabled = ok
        self.buttons["choose"].label = (
            f"Choose option {self.selected + 1}" if self.selected is not None else "Choose"
        )

    def _select(self, index: int) -> None:
        if self.obs is not None and self.obs.options and 0 <= index < len(self.obs.options):
            self.selected = index
            self._refresh_choose()

    def _press(self, name: str) -> None:
        button = self.buttons[name]
        if not button.enabled or self.result is not None:
            return
        if name == "play":
            self.playing = not self.playing
            button.active = self.playing
        elif name == "choose":
            self.result = (f"choose {self.selected}", False)
        else:
            self.playing = False
            self.buttons["play"].active = False
            self.result = (name, False)

    def handle(self, event: pygame.event.Event, window: Window) -> None:
        if event.type == pygame.KEYDOWN:
            keys = {
                pygame.K_RIGHT: "step",
                pygame.K_SPACE: "step",
                pygame.K_HOME: "rewind",
                pygame.K_BACKSPACE: "rewind",
                pygame.K_p: "play",
                pygame.K_RETURN: "choose",
                pygame.K_KP_ENTER: "choose",
            }
            if event.key in keys:
                self._press(keys[event.key])
            elif pygame.K_1 <= event.key <= pygame.K_6:
                self._select(event.key - pygame.K_1)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for name, button in self.buttons.items():
                if button.hit(event.pos):
                    self._press(name)
                    return
            for i, rect in enumerate(self.option_rects):
                if rect.collidepoint(event.pos):
                    self._select(i)

    def update(self, window: Window) -> None:
        due = window.now() >= self._shown_at + self.tick_seconds
        if self.playing and self.result is None and self.buttons["step"].enabled and due:
            self.result = ("step", False)

    def draw(self, window: Window) -> None:
        obs = self.obs
        if obs is None:
            return
        surface, (width, height), u = window.surface, window.size, window.unit()
        draw_text(surface, f"{self.env}: masked-frame prediction", window.font(2 * u), (u, u // 2))
        index, total = obs.frame_index or 0, (obs.n_frames or 1) - 1
        info = f"Test actions left: {obs.remaining}    Frame {index} of {total}"
        draw_text(
            surface, info, window.font(int(1.5 * u)), (width - u, u), THEME["muted"], "topright"
        )
        bar = pygame.Rect(u, height - 3 * u, width - 2 * u, int(2.2 * u))
        options = obs.options or []
        strip_h = int((bar.y - 4 * u) * 0.3) if options else 0
        strip = pygame.Rect(u, bar.y - u - strip_h, width - 2 * u, strip_h)
        status_y = strip.y - int(2.2 * u) if options else bar.y - int(1.8 * u)
        main = pygame.Rect(u, 3 * u, width - 2 * u, status_y - 4 * u)
        frame = obs.frame
        outline = None
        box = mask_box(frame)
        if self.selected is not None and options and box is not None:
            patch = options[self.selected]
            x, y, w, h = box
            if patch.shape == (h, w):
                frame = np.array(frame)
                frame[y : y + h, x : x + w] = patch
                outline = np.zeros(frame.shape, dtype=np.uint8)
                outline[y : y + h, x : x + w] = 1
        cell = fit_cell(frame.shape, main.width, main.height - 2 * u)
        left = main.x + (main.width - frame.shape[1] * cell) // 2
        label = f"Made by: {self.action}" if self.action else "The first frame"
        if outline is not None:
            label += f"    (option {self.selected + 1} previewed in the hidden area)"
        draw_text(surface, label, window.font(int(1.4 * u)), (left, main.y), THEME["muted"])
        self.grid = draw_grid(
            surface,
            frame,
            (left, main.y + 2 * u),
            cell,
            outline=outline,
            ring=clicked_cell(self.action),
        )
        _progress(
            surface,
            pygame.Rect(left, self.grid.rect.bottom + u // 2, self.grid.rect.width, max(4, u // 3)),
            index,
            total,
        )
        if options:
            self._draw_options(window, options, strip)
        status = (
            "Pick the patch that was under the grey area in the last frame, then Choose."
            if options
            else "Step through the recording to its end; then the six options appear."
        )
        draw_text(
            surface,
            status,
            window.font(int(1.5 * u)),
            (width // 2, status_y),
            THEME["muted"],
            "midtop",
        )
        buttons = list(self.buttons.values())
        for button, rect in zip(buttons, layout_buttons(buttons, bar, u), strict=True):
            button.draw(surface, rect, window.font(int(1.35 * u)))

    def _draw_options(self, window: Window, options: list[np.ndarray], area: pygame.Rect) -> None:
        surface, u = window.surface, window.unit()
        n = len(options)
        gap = u
        slot_w = (area.width - gap * (n - 1)) // n
        rows = max(o.shape[0] for o in options)
        cols = max(o.shape[1] for o in options)
        cell = fit_cell((rows, cols), slot_w - u, area.height - 2 * u)
        self.option_rects = []
        for i, option in enumerate(options):
            slot = pygame.Rect(area.x + i * (slot_w + gap), area.y, slot_w, area.height)
            selected = i == self.selected
            pygame.draw.rect(
                surface, THEME["accent"] if selected else THEME["panel"], slot, border_radius=6
            )
            draw_text(
                surface,
                f"Option {i + 1}",
                window.font(int(1.3 * u)),
                (slot.centerx, slot.y + u // 3),
                THEME["text"],
                "midtop",
            )
            w, h = option.shape[1] * cell, option.shape[0] * cell
            top = slot.y + int(1.6 * u) + (slot.height - int(1.6 * u) - h) // 2
            draw_grid(surface, option, (slot.centerx - w // 2, top), cell)
            self.option_rects.append(slot)


def _progress(surface: pygame.Surface, rect: pygame.Rect, index: int, total: int) -> None:
    """A thin bar: how far through the recording the shown frame is."""
    pygame.draw.rect(surface, THEME["panel_hi"], rect, border_radius=2)
    done = rect.width if total <= 0 else rect.width * index // total
    pygame.draw.rect(surface, THEME["accent"], (rect.x, rect.y, done, rect.height), border_radius=2)
