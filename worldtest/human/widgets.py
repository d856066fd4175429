"""Drawing for the play window: the theme, text, buttons, a slider and the grid itself.

A frame is data (``uint8`` palette indices, shape (H, W)); :func:`draw_grid` is its rendering
in the window: the palette's RGB colours (:func:`worldtest.render.to_rgb`, scaled), faint cell
lines, masked cells slategrey with an X (as the reference harness MARA draws them), and overlays
(cells to dim, a region to outline, a clicked cell to ring). Everything here draws onto a
``pygame.Surface`` and returns the rectangles the screens use for hit-testing, so what is
drawn and what is clickable can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pygame

from worldtest import render
from worldtest.palette import MASK

__all__ = [
    "THEME",
    "Button",
    "GridView",
    "Slider",
    "clicked_cell",
    "draw_grid",
    "draw_text",
    "fit_cell",
    "layout_buttons",
    "wrap",
]

THEME = {
    "bg": render.WINDOW_BG,
    "panel": (40, 43, 51),
    "panel_hi": (58, 62, 73),
    "text": render.WINDOW_TEXT,
    "muted": (150, 156, 168),
    "accent": (76, 139, 245),
    "ok": (46, 160, 67),
    "danger": (200, 60, 55),
    "warn": (232, 163, 37),
    "outline": (255, 255, 255),
    "x": (47, 56, 66),  # the X across a masked cell, on its slategrey fill
}
"""Window colours (RGB). Grid cells use the palette's colours, never these."""


def draw_text(
    surface: pygame.Surface,
    text: str,
    font: pygame.font.Font,
    pos: tuple[int, int],
    colour: tuple[int, int, int] = THEME["text"],
    anchor: str = "topleft",
) -> pygame.Rect:
    """Draw one line of text; ``anchor`` names the rect point placed at ``pos``."""
    image = font.render(text, True, colour)
    rect = image.get_rect(**{anchor: pos})
    surface.blit(image, rect)
    return rect


def clicked_cell(action: str | None) -> tuple[int, int] | None:
    """The cell ``(x, y)`` of a ``click X Y`` action text, else None."""
    if action and action.startswith("click "):
        _, x, y = action.split()
        return int(x), int(y)
    return None


def wrap(text: str, font: pygame.font.Font, width: int) -> list[str]:
    """Split ``text`` into lines no wider than ``width`` pixels (words are never broken)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if line and font.size(trial)[0] > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


@dataclass
class Button:
    """A clickable button with a keyboard hint.

    Attributes:
        name: what the screen calls it (``"reset"``); label: the text shown.
        hint: the key that also presses it (``"R"``), shown beside the label.
        enabled: disabled buttons are drawn faded and ignore clicks.
        kind: ``"normal"``, ``"primary"`` (accent colour), ``"danger"`` or ``"toggle"``.
        active: for toggles and armed confirmations: drawn highlighted.
        rect: where it was last drawn (set by :meth:`draw`).
    """

    name: str
    label: str
    hint: str = ""
    enabled: bool = True
    kind: str = "normal"
    active: bool = False
    rect: pygame.Rect | None = None

    def hit(self, pos: tuple[int, int]) -> bool:
        """Whether a click at ``pos`` presses this (enabled, drawn) button."""
        return self.enabled and self.rect is not None and self.rect.collidepoint(pos)

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, font: pygame.font.Font) -> None:
        """Draw into ``rect`` and remember it for :meth:`hit`."""
        self.rect = pygame.Rect(rect)
        fill = {
            "primary": THEME["accent"],
            "danger": THEME["danger"],
        }.get(self.kind, THEME["panel_hi"])
        if self.active:
            fill = THEME["warn"]
        if not self.enabled:
            fill = THEME["panel"]
        pygame.draw.rect(surface, fill, rect, border_radius=max(3, rect.height // 6))
        colour = THEME["text"] if self.enabled else THEME["muted"]
        label = f"{self.label}  [{self.hint}]" if self.hint else self.label
        if font.size(label)[0] > rect.width - 8:
            label = self.label
        draw_text(surface, label, font, rect.center, colour, anchor="center")


def layout_buttons(buttons: list[Button], area: pygame.Rect, gap: int) -> list[pygame.Rect]:
    """Rectangles for a row of equally wide buttons filling ``area``."""
    n = max(1, len(buttons))
    width = (area.width - gap * (n - 1)) // n
    return [pygame.Rect(area.x + i * (width + gap), area.y, width, area.height) for i in range(n)]


@dataclass
class GridView:
    """Where a frame was drawn: its top-left corner, cell size (pixels) and shape (H, W)."""

    rect: pygame.Rect
    cell: int
    shape: tuple[int, int]

    def cell_at(self, pos: tuple[int, int]) -> tuple[int, int] | None:
        """The cell ``(x, y)`` (column, row) under pixel ``pos``, or None outside the grid."""
        if not self.rect.collidepoint(pos):
            return None
        x = (pos[0] - self.rect.x) // self.cell
        y = (pos[1] - self.rect.y) // self.cell
        if 0 <= x < self.shape[1] and 0 <= y < self.shape[0]:
            return int(x), int(y)
        return None

    def cell_center(self, x: int, y: int) -> tuple[int, int]:
        """Pixel centre of cell ``(x, y)``."""
        return (
            self.rect.x + x * self.cell + self.cell // 2,
            self.rect.y + y * self.cell + self.cell // 2,
        )


def fit_cell(shape: tuple[int, int], width: int, height: int) -> int:
    """The largest whole cell size (pixels, at least 2) at which ``shape`` fits in the box."""
    rows, cols = shape
    return max(2, min(width // max(1, cols), height // max(1, rows)))


_LINES: dict[tuple[int, int, int], pygame.Surface] = {}


def _line_overlay(rows: int, cols: int, cell: int) -> pygame.Surface:
    """A transparent surface with faint cell lines (cached per shape and cell size)."""
    key = (rows, cols, cell)
    if key not in _LINES:
        overlay = pygame.Surface((cols * cell, rows * cell), pygame.SRCALPHA)
        colour = (128, 128, 128, 60)
        for x in range(1, cols):
            pygame.draw.line(overlay, colour, (x * cell, 0), (x * cell, rows * cell - 1))
        for y in range(1, rows):
            pygame.draw.line(overlay, colour, (0, y * cell), (cols * cell - 1, y * cell))
        if len(_LINES) > 32:
            _LINES.clear()
        _LINES[key] = overlay
    return _LINES[key]


def draw_grid(
    surface: pygame.Surface,
    frame: np.ndarray,
    topleft: tuple[int, int],
    cell: int,
    *,
    lines: bool = True,
    dim: np.ndarray | None = None,
    outline: np.ndarray | None = None,
    ring: tuple[int, int] | None = None,
) -> GridView:
    """Draw a frame: palette colours, faint cell lines, masked cells slategrey with an X.

    Args:
        surface: where to draw.
        frame: ``uint8`` palette indices, shape (H, W); index 0 (mask) is drawn slategrey with
            a dark X, as MARA draws masked cells.
        topleft: pixel position of the grid's top-left corner.
        cell: cell size in pixels.
        lines: draw faint cell lines (when cells are at least 6 pixels).
        dim: optional 0/1 array (H, W): cells with 1 are darkened (unconstrained goal cells).
        outline: optional 0/1 array (H, W): the border of the cells with 1 is outlined.
        ring: optional cell ``(x, y)`` to mark with a ring (the cell a recorded click hit).

    Returns:
        The :class:`GridView` (rect, cell size, shape) for hit-testing.
    """
    rows, cols = frame.shape
    # The frame's colours from worldtest.render; pygame's nearest-neighbour scale gives the
    # pixels of render.upscale(frame, cell, edges=False) (tests/test_render.py) at a tenth of
    # its time, which matters at the window's frame rate.
    rgb = render.to_rgb(frame)
    image = pygame.surfarray.make_surface(np.ascontiguousarray(rgb.transpose(1, 0, 2)))
    image = pygame.transform.scale(image, (cols * cell, rows * cell))
    rect = surface.blit(image, topleft)
    if lines and cell >= 6:
        surface.blit(_line_overlay(rows, cols, cell), topleft)
    x0, y0 = topleft
    if dim is not None and dim.any():
        shade = pygame.Surface((cell, cell), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 170))
        for y, x in zip(*np.nonzero(dim), strict=True):
            surface.blit(shade, (x0 + x * cell, y0 + y * cell))
    width = max(1, cell // 10)
    for y, x in zip(*np.nonzero(frame == MASK), strict=True):
        left, top = x0 + x * cell, y0 + y * cell
        pad = max(1, cell // 6)
        a, b = (left + pad, top + pad), (left + cell - 1 - pad, top + cell - 1 - pad)
        pygame.draw.line(surface, THEME["x"], a, b, width)
        pygame.draw.line(surface, THEME["x"], (a[0], b[1]), (b[0], a[1]), width)
    if outline is not None:
        _draw_outline(surface, outline.astype(bool), topleft, cell)
    if ring is not None:
        centre = (x0 + ring[0] * cell + cell // 2, y0 + ring[1] * cell + cell // 2)
        radius = max(3, cell // 2 - 1)
        pygame.draw.circle(surface, (0, 0, 0), centre, radius, max(2, cell // 7) + 2)
        pygame.draw.circle(surface, THEME["outline"], centre, radius, max(1, cell // 7))
    return GridView(pygame.Rect(rect), cell, (rows, cols))


def _draw_outline(
    surface: pygame.Surface, region: np.ndarray, topleft: tuple[int, int], cell: int
) -> None:
    """Outline the boundary of ``region`` (H, W bool): white over a black shadow."""
    x0, y0 = topleft
    padded = np.pad(region, 1)
    segments = []
    for y, x in zip(*np.nonzero(region), strict=True):
        left, top = x0 + x * cell, y0 + y * cell
        right, bottom = left + cell - 1, top + cell - 1
        if not padded[y + 1, x]:  # the cell to the left
            segments.append(((left, top), (left, bottom)))
        if not padded[y + 1, x + 2]:  # to the right
            segments.append(((right, top), (right, bottom)))
        if not padded[y, x + 1]:  # above
            segments.append(((left, top), (right, top)))
        if not padded[y + 2, x + 1]:  # below
            segments.append(((left, bottom), (right, bottom)))
    thick = max(2, cell // 8)
    for a, b in segments:
        pygame.draw.line(surface, (0, 0, 0), a, b, thick + 2)
    for a, b in segments:
        pygame.draw.line(surface, THEME["outline"], a, b, thick)


@dataclass
class Slider:
    """A horizontal slider over the integers ``0..count-1``.

    Attributes:
        count: number of positions; value: the current one.
        rect: the track's rectangle, as last drawn.
        dragging: whether the mouse button went down on it and is still held.
    """

    count: int
    value: int = 0
    rect: pygame.Rect | None = None
    dragging: bool = False

    def set(self, value: int) -> None:
        """Move to ``value``, clipped to ``0..count-1``."""
        self.value = int(min(max(value, 0), max(0, self.count - 1)))

    def _value_at(self, x: int) -> int:
        if self.rect is None or self.count <= 1:
            return 0
        share = (x - self.rect.x) / max(1, self.rect.width)
        return round(share * (self.count - 1))

    def handle(self, event: pygame.event.Event) -> bool:
        """Follow mouse presses and drags on the track; True when the value changed."""
        before = self.value
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.rect is not None:
            if self.rect.inflate(4 * self.rect.height, 3 * self.rect.height).collidepoint(
                event.pos
            ):
                self.dragging = True
                self.set(self._value_at(event.pos[0]))
        elif event.type == pygame.MOUSEMOTION and self.dragging:
            self.set(self._value_at(event.pos[0]))
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            self.dragging = False
        return self.value != before

    def x_of(self, value: int) -> int:
        """Pixel x of position ``value`` on the drawn track."""
        if self.rect is None:
            return 0
        if self.count <= 1:
            return self.rect.x
        return self.rect.x + round(value * self.rect.width / (self.count - 1))

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """Draw the track, a notch per position (when they fit) and the handle."""
        self.rect = pygame.Rect(rect)
        mid = rect.centery
        pygame.draw.line(surface, THEME["panel_hi"], (rect.x, mid), (rect.right, mid), 4)
        if self.count > 1 and rect.width / (self.count - 1) >= 6:
            for i in range(self.count):
                x = self.x_of(i)
                pygame.draw.line(surface, THEME["muted"], (x, mid - 4), (x, mid + 4), 1)
        x = self.x_of(self.value)
        pygame.draw.line(surface, THEME["accent"], (rect.x, mid), (x, mid), 4)
        pygame.draw.circle(surface, THEME["text"], (x, mid), max(7, rect.height // 2))
        pygame.draw.circle(surface, THEME["accent"], (x, mid), max(7, rect.height // 2), 3)
