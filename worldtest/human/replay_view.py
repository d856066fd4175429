"""Show a :class:`~worldtest.human.replay.Replay` in the play window, or write it as a GIF.

The window player (:class:`ReplayScreen`) plays the frames at the program's FRAME_RATE times a
speed factor: Space pauses and resumes, Left/Right step one frame (and pause), Up/Down double or
halve the speed (1/8x to 16x), Home goes back to the start, the slider scrubs, Escape or
closing the window ends it. The planning goal is drawn beside the grid, with its constrained
cells outlined. :func:`write_gif` draws the same frames with :mod:`worldtest.render`, no window.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import numpy as np
import pygame

from worldtest import render
from worldtest.replay import Replay, ReplayFrame
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

__all__ = ["ReplayScreen", "render_frame", "replay_command", "write_gif"]


def _goal(replay: Replay, frame: ReplayFrame) -> tuple[np.ndarray, np.ndarray] | None:
    task = getattr(replay.phase, "task", None)
    if frame.phase == "planning" and task is not None:
        return task.goal, task.mask
    return None


class ReplayScreen(Screen):
    """Play back a replay (see the module docstring); ``result`` is set when the player quits.

    Args:
        replay: the reconstructed episode.
        speed: initial speed factor (1 = the program's FRAME_RATE frames per second).
    """

    name = "replay"

    def __init__(self, replay: Replay, speed: float = 1.0) -> None:
        super().__init__()
        self.replay = replay
        self.speed = float(speed)
        self.playing = True
        self.slider = Slider(len(replay.frames), 0)
        self._next_at: float | None = None
        self.buttons = {
            b.name: b
            for b in (
                Button("back", "Step back", "Left"),
                Button("play", "Pause", "Space", kind="toggle"),
                Button("forward", "Step", "Right"),
                Button("slower", "Slower", "Down"),
                Button("faster", "Faster", "Up"),
            )
        }

    @property
    def index(self) -> int:
        """The frame shown now."""
        return self.slider.value

    def _do(self, what: str) -> None:
        if what == "play":
            self.playing = not self.playing
        elif what in ("back", "forward"):
            self.playing = False
            self.slider.set(self.index + (1 if what == "forward" else -1))
        elif what == "faster":
            self.speed = min(16.0, self.speed * 2)
        elif what == "slower":
            self.speed = max(0.125, self.speed / 2)
        elif what == "home":
            self.slider.set(0)
        self._next_at = None

    def handle(self, event: pygame.event.Event, window: Window) -> None:
        if event.type == pygame.KEYDOWN:
            keys = {
                pygame.K_SPACE: "play",
                pygame.K_LEFT: "back",
                pygame.K_RIGHT: "forward",
                pygame.K_UP: "faster",
                pygame.K_DOWN: "slower",
                pygame.K_HOME: "home",
            }
            if event.key == pygame.K_ESCAPE:
                self.result = True
            elif event.key in keys:
                self._do(keys[event.key])
            return
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for name, button in self.buttons.items():
                if button.hit(event.pos):
                    self._do(name)
                    return
        if self.slider.handle(event):
            self.playing = False

    def update(self, window: Window) -> None:
        now = window.now()
        if not self.playing:
            return
        if self._next_at is None:
            self._next_at = now + 1.0 / (self.replay.frame_rate * self.speed)
        elif now >= self._next_at:
            if self.index >= self.slider.count - 1:
                self.playing = False
            else:
                self.slider.set(self.index + 1)
                self._next_at += 1.0 / (self.replay.frame_rate * self.speed)

    def draw(self, window: Window) -> None:
        surface, (width, height), u = window.surface, window.size, window.unit()
        record, frame = self.replay.record, self.replay.frames[self.index]
        title = f"replay: {record.agent} on {record.task_id} (seed {record.seed})"
        draw_text(surface, title, window.font(2 * u), (u, u // 2))
        where = f"frame {self.index + 1}/{self.slider.count}"
        info = f"score {record.score:.2f}    {where}    {self.speed:g}x"
        draw_text(
            surface, info, window.font(int(1.5 * u)), (width - u, u), THEME["muted"], "topright"
        )
        bar = pygame.Rect(u, height - 3 * u, width - 2 * u, int(2.2 * u))
        track = pygame.Rect(3 * u, bar.y - 2 * u, width - 6 * u, u)
        caption_y = track.y - int(2.4 * u)
        main = pygame.Rect(u, 3 * u, width - 2 * u, caption_y - 4 * u)
        goal = _goal(self.replay, frame)
        rows, cols = frame.grid.shape
        panels, gap = (2 if goal else 1), 2 * u
        cell = fit_cell((rows, cols * panels), main.width - gap * (panels - 1), main.height)
        x = main.x + (main.width - (cols * cell * panels + gap * (panels - 1))) // 2
        outline = goal[1] if goal else None
        draw_grid(
            surface, frame.grid, (x, main.y), cell, outline=outline, ring=clicked_cell(frame.action)
        )
        if goal:
            draw_grid(
                surface,
                goal[0],
                (x + cols * cell + gap, main.y),
                cell,
                dim=goal[1] == 0,
                outline=goal[1],
            )
        draw_text(
            surface,
            frame.caption(),
            window.font(int(1.6 * u)),
            (width // 2, caption_y),
            THEME["text"],
            "midtop",
        )
        self.slider.draw(surface, track)
        self.buttons["play"].label = "Pause" if self.playing else "Play"
        buttons = list(self.buttons.values())
        for button, rect in zip(buttons, layout_buttons(buttons, bar, u), strict=True):
            button.draw(surface, rect, window.font(int(1.35 * u)))


_WHITE = np.array((255, 255, 255), dtype=np.uint8)
_FAINT = ((128, 128, 128), 0.25)  # cell lines: a quarter of the way to grey 128


def _grid_rgb(
    grid: np.ndarray, cell: int, outline: np.ndarray | None, dim: np.ndarray | None
) -> np.ndarray:
    """A grid as ``uint8`` RGB, ``cell`` pixels per cell: faint lines along each cell's top and
    left side, ``dim`` cells (H, W, 0/1) at a third of their colour without lines, the border of
    the ``outline`` region (H, W, 0/1) in white, 2 pixels wide. Read-only (cached: a replay
    shows the same grid, and the same goal, for many frames in a row)."""

    def key(a: np.ndarray | None) -> tuple[bytes, tuple[int, ...]] | None:
        return None if a is None else (np.asarray(a, dtype=np.uint8).tobytes(), a.shape)

    return _drawn(key(grid), cell, key(outline), key(dim))


@functools.lru_cache(maxsize=16)
def _drawn(
    grid_key: tuple[bytes, tuple[int, ...]],
    cell: int,
    outline_key: tuple[bytes, tuple[int, ...]] | None,
    dim_key: tuple[bytes, tuple[int, ...]] | None,
) -> np.ndarray:
    def array(key: tuple[bytes, tuple[int, ...]] | None) -> np.ndarray | None:
        return None if key is None else np.frombuffer(key[0], np.uint8).reshape(key[1])

    grid, outline, dim = array(grid_key), array(outline_key), array(dim_key)
    big = render.grid_lines(render.upscale(grid, cell, edges=False), cell, *_FAINT)
    if dim is not None:
        dimmed = np.repeat(np.repeat(dim.astype(bool), cell, axis=0), cell, axis=1)
        faded = render.upscale(render.to_rgb(grid) // 3, cell, edges=False)
        np.copyto(big, faded, where=dimmed[..., None])
    if outline is not None:
        edge = np.repeat(np.repeat(outline.astype(bool), cell, 0), cell, 1)
        inner = np.zeros_like(edge)
        inner[2:-2, 2:-2] = edge[:-4, :-4] & edge[4:, 4:] & edge[:-4, 4:] & edge[4:, :-4]
        np.copyto(big, _WHITE, where=(edge & ~inner)[..., None])
    big.flags.writeable = False
    return big


@functools.cache
def _font() -> Any:
    """Pillow's bitmap font (fast, no anti-aliasing, so it stays in the fixed palette)."""
    from PIL import ImageFont

    loader = getattr(ImageFont, "load_default_imagefont", ImageFont.load_default)
    return loader()


def _captioned(body: np.ndarray, text: str, cell: int) -> np.ndarray:
    """``body`` (RGB) over a caption strip ``2 * cell`` pixels high, the window's colours."""
    from PIL import Image, ImageDraw

    strip = Image.new("RGB", (body.shape[1], 2 * cell), render.WINDOW_BG)
    ImageDraw.Draw(strip).text((4, cell // 2), text, fill=render.WINDOW_TEXT, font=_font())
    return np.concatenate([body, np.asarray(strip, dtype=np.uint8)], axis=0)


def _mfp_ending(replay: Replay, cell: int) -> np.ndarray | None:
    """The last GIF frame of an MFP episode (RGB): the recording's final frame with the true
    patch in the mask, outlined, over a caption with the answer, the choice and the score."""
    record, phase = replay.record, replay.phase
    if record.family != "mfp" or phase is None:
        return None
    task, choice = phase.task, record.outcome.get("choice")
    full, marked = task.answer_frame()
    chose = "no choice" if choice is None else f"chose option {choice}"
    text = f"truth: option {task.answer} (outlined); {chose}; score {record.score:.2f}"
    return _captioned(_grid_rgb(full, cell, marked, None), text, cell)


def render_frame(replay: Replay, frame: ReplayFrame, cell: int = 16) -> np.ndarray:
    """One GIF frame as RGB, ``uint8`` (height, width, 3): the grid in the palette's colours
    with faint cell lines (and the planning goal beside it, its constrained cells outlined,
    the others dimmed), over a caption strip.

    Args:
        replay: the reconstructed episode; frame: one of its frames.
        cell: pixels per cell side.

    Raises:
        ConfigError: ``cell`` below 1.
    """
    goal = _goal(replay, frame)
    parts = [_grid_rgb(frame.grid, cell, goal[1] if goal else None, None)]
    if goal:
        gap = np.empty((parts[0].shape[0], cell, 3), np.uint8)
        gap[...] = render.WINDOW_BG
        parts += [gap, _grid_rgb(goal[0], cell, goal[1], goal[1] == 0)]
    return _captioned(np.concatenate(parts, axis=1), frame.caption(), cell)


def write_gif(
    replay: Replay, path: str | os.PathLike[str], *, speed: float = 1.0, cell: int = 16
) -> Path:
    """Write the replay as an animated GIF, one frame per replayed frame (:func:`render_frame`).

    Each frame lasts ``1000 / (FRAME_RATE * speed)`` ms (at least 20, GIF's resolution being
    10 ms); identical consecutive images are merged into one longer frame; the last frame is
    held one second more. An MFP episode then ends on the truth: the recording's final frame
    with the true patch in the mask (outlined), captioned with the answer, the choice and the
    score, held 2 s. Frames narrower than the widest (those without the planning goal beside
    the grid) are padded on the right with the caption's background. Written by
    :func:`worldtest.render.write_gif`, in the one GIF palette.

    Returns:
        The path written.

    Raises:
        OSError: the file cannot be written.
    """
    ms = max(20, round(1000 / (replay.frame_rate * speed)))
    images: list[np.ndarray] = []
    durations: list[int] = []
    for frame in replay.frames:
        image = render_frame(replay, frame, cell)
        if images and np.array_equal(images[-1], image):
            durations[-1] += ms
        else:
            images.append(image)
            durations.append(ms)
    durations[-1] += 1000
    ending = _mfp_ending(replay, cell)
    if ending is not None and ending.shape == images[-1].shape:
        images.append(ending)
        durations.append(2000)
    height, width = max(i.shape[0] for i in images), max(i.shape[1] for i in images)
    canvas = np.empty((height, width, 3), np.uint8)
    canvas[...] = render.WINDOW_BG
    padded = []
    for image in images:  # a planning test phase adds the goal: every frame that wide
        if image.shape != canvas.shape:
            image, framed = canvas.copy(), image
            image[: framed.shape[0], : framed.shape[1]] = framed
        padded.append(image)
    return render.write_gif(padded, path, durations)


def replay_command(
    results: str | os.PathLike[str],
    *,
    episode: int = -1,
    gif: str | os.PathLike[str] | None = None,
    speed: float = 1.0,
    suite: object = None,
    window: Window | None = None,
) -> Path | None:
    """``worldtest replay``: rebuild one recorded episode and show it, or write it as a GIF.

    Args:
        results: a results file (JSONL) or a directory of them.
        episode: the record's index among the records read (0-based; negative counts from the
            end; default -1, the last).
        gif: write an animated GIF here instead of opening a window.
        speed: speed factor (1 = the program's FRAME_RATE frames per second).
        suite: the benchmark folder (a :class:`~worldtest.suite.Suite` or a path; default suite).
        window: the window to play in (default: a new one, closed at the end).

    Returns:
        The GIF's path, or None after playing in the window.

    Raises:
        ResultsError: no such file, no record at that index, or the replay differs from the
            record (:class:`~worldtest.human.replay.ReplayError`).
    """
    from worldtest.errors import ConfigError, ResultsError
    from worldtest.replay import reconstruct
    from worldtest.human.window import WindowClosed
    from worldtest.results import load_records
    from worldtest.suite import Suite

    if not speed > 0:
        raise ConfigError(f"expected a speed > 0, got {speed}")
    records = load_records([Path(results)])
    if not -len(records) <= episode < len(records):
        raise ResultsError(
            f"{results}: no episode {episode}: it holds {len(records)} record(s) "
            f"(expected 0..{len(records) - 1}, or negative to count from the end)"
        )
    suite = suite if isinstance(suite, Suite) else Suite(suite)  # type: ignore[arg-type]
    replay = reconstruct(records[episode], suite)
    if gif is not None:
        return write_gif(replay, gif, speed=speed)
    own = window is None
    window = window or Window(title=f"worldtest replay: {records[episode].task_id}")
    try:
        window.run(ReplayScreen(replay, speed))
    except WindowClosed:
        pass
    finally:
        if own:
            window.close()
    return None
