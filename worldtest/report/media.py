"""Pictures of episodes: PNG thumbnails (base64, for embedding) and animated GIF replays.

A frame is data (``uint8`` palette indices, shape (H, W)); here it is drawn with
:func:`worldtest.palette.to_rgb` and upscaled with nearest-neighbour, each cell a ``scale`` x
``scale`` block with a slightly darker 1-pixel edge so that cells stay visible; small grids get
a larger ``scale`` so that no picture is under :data:`MIN_PIXELS` on its longer side. Cells worth
pointing at (the first cells a CD wrong program changes, an MFP mask filled with the truth) are
outlined in magenta. The frames come from :func:`worldtest.report.replay.replay`, which checks
each against its recorded digest.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from worldtest.palette import COLOURS, RGB, to_rgb
from worldtest.report.replay import Replay
from worldtest.results import EpisodeRecord, qualified_env

__all__ = [
    "MIN_PIXELS",
    "SCALE",
    "EpisodeMedia",
    "cd_first_change",
    "frame_scale",
    "outline_cells",
    "gif_name",
    "pick_episodes",
    "png_data_uri",
    "thumbnails",
    "upscale",
    "write_gif",
]

SCALE = 8
"""Pixels per cell side of thumbnails and GIF frames (at least; see :data:`MIN_PIXELS`)."""

MIN_PIXELS = 128
"""Smallest longer side, in pixels, of a drawn frame: a 4x4 grid gets 32 pixels per cell."""

GIF_MIN_PIXELS = 160
"""Smallest longer side of a GIF frame: room for its two caption lines."""

OUTLINE = (255, 0, 255)
"""RGB of the outline around marked cells (magenta)."""

_CAPTION_HEIGHT = 26  # pixels of the caption strip under each GIF frame (two lines)
_INTERACTION_MS, _TEST_MS, _LAST_MS = 60, 150, 2000  # GIF frame durations (milliseconds)


@dataclass
class EpisodeMedia:
    """What a report shows of one episode.

    Attributes:
        record: the episode.
        thumbnails: ``(caption, data URI of a PNG)`` pairs, in display order.
        gif: the GIF replay's path relative to the report folder, or None.
        error: why the episode could not be drawn (a replay error), else None.
    """

    record: EpisodeRecord
    thumbnails: list[tuple[str, str]] = field(default_factory=list)
    gif: str | None = None
    error: str | None = None


def upscale(frame: np.ndarray, scale: int = SCALE) -> np.ndarray:
    """Draw a frame as RGB, each cell a ``scale`` x ``scale`` block (nearest-neighbour).

    Args:
        frame: ``uint8`` palette indices, shape (H, W).
        scale: pixels per cell side, at least 1; from 4 on, each cell's last pixel row and
            column are darkened to 75% as a grid line.

    Returns:
        ``uint8`` RGB image, shape (H * scale, W * scale, 3).
    """
    rgb = np.repeat(np.repeat(to_rgb(frame), scale, axis=0), scale, axis=1)
    if scale >= 4:
        edge = rgb.astype(np.float32)
        edge[scale - 1 :: scale, :, :] *= 0.75
        edge[:, scale - 1 :: scale, :] *= 0.75
        rgb = edge.astype(np.uint8)
    return rgb


def frame_scale(frame: np.ndarray, scale: int = SCALE, min_pixels: int = MIN_PIXELS) -> int:
    """Pixels per cell for ``frame`` (H, W): ``scale``, or more to reach ``min_pixels``."""
    return max(scale, -(-min_pixels // max(frame.shape[:2])))


def outline_cells(rgb: np.ndarray, cells: np.ndarray, scale: int) -> np.ndarray:
    """Outline the region of ``cells`` on an upscaled frame.

    Args:
        rgb: ``uint8`` (H * scale, W * scale, 3), from :func:`upscale`.
        cells: bool (H, W); the outline follows the border of the True cells (each cell's
            sides that face a False cell or the grid's edge), ``max(2, scale // 5)`` pixels
            thick, inside the cells, in :data:`OUTLINE`.
        scale: pixels per cell side.

    Returns:
        A new image of the same shape.
    """
    out = rgb.copy()
    t = max(2, scale // 5)
    padded = np.pad(np.asarray(cells, dtype=bool), 1)
    for y, x in zip(*np.nonzero(cells)):
        top, left = y * scale, x * scale
        if not padded[y, x + 1]:  # the cell above
            out[top : top + t, left : left + scale] = OUTLINE
        if not padded[y + 2, x + 1]:  # below
            out[top + scale - t : top + scale, left : left + scale] = OUTLINE
        if not padded[y + 1, x]:  # left
            out[top : top + scale, left : left + t] = OUTLINE
        if not padded[y + 1, x + 2]:  # right
            out[top : top + scale, left + scale - t : left + scale] = OUTLINE
    return out


def cd_first_change(
    seen: Sequence[Any], program: Any, seed: int, prefix: Sequence[Any] = ()
) -> tuple[int, np.ndarray] | None:
    """The first frame of a CD test phase where the wrong program's world differs from the
    true program's, and the cells that differ.

    The true program is replayed from ``seed`` and the task's hidden ``prefix`` on the same
    actions (a ``reset`` restarts it), one tick per action, as the test phase ran the wrong one.

    Args:
        seen: the test phase's frames (:attr:`worldtest.tasks.cd.CdPhase.seen`: each with
            ``action`` and ``grid``), in order.
        program: the environment's (true) compiled program.
        seed: the seed the test phase ran with; prefix: its hidden start (interpreter events,
            ``phase.env.prefix``).

    Returns:
        ``(frame index, bool (H, W) mask of the changed cells)``, or None when the two never
        differed on these actions (or the true program fails on them).
    """
    from worldtest.env import AutumnEnv
    from worldtest.errors import WorldtestError

    try:
        env = AutumnEnv(program, seed, prefix=prefix)
        for i, frame in enumerate(seen):
            if i > 0:
                truth = env.reset() if frame.action == "reset" else env.step(frame.action or "noop")[-1]
            else:
                truth = env.frame
            if truth.shape == frame.grid.shape and (truth != frame.grid).any():
                return i, truth != frame.grid
    except WorldtestError:
        return None
    return None


def png_data_uri(rgb: np.ndarray) -> str:
    """Encode an RGB image (``uint8`` (H, W, 3)) as a ``data:image/png;base64,...`` URI."""
    buffer = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _faded(goal: np.ndarray, mask: np.ndarray, scale: int) -> np.ndarray:
    """The goal drawn with the cells it does not constrain (mask 0) faded towards white."""
    rgb = upscale(goal, scale).astype(np.float32)
    free = np.repeat(np.repeat(mask == 0, scale, axis=0), scale, axis=1)
    rgb[free] = rgb[free] * 0.3 + 255 * 0.7
    return rgb.astype(np.uint8)


def thumbnails(rp: Replay, scale: int = SCALE, program: Any = None) -> list[tuple[str, str]]:
    """The thumbnails of a replayed episode: first frame, final frame, the task's picture.

    First frame: the interaction phase's frame 0. Then, by family (protocol section 3):

    - MFP: the final frame of the recording as the agent saw it (masked), the true patch and
      the chosen one (patches are drawn at least 48 pixels on their longer side);
    - planning: the final frame of the test phase and the goal, with the cells the goal does
      not constrain faded;
    - CD: the last frame seen before claiming the change, the first changed frame with the
      changed cells outlined (given ``program``, :func:`cd_first_change`; else the first
      defective frame T - 1 as the trigger says) and the chosen frame.

    Without a test phase (a failed episode) the final frame is the interaction phase's last.
    Frames are drawn with :func:`frame_scale` pixels per cell (at least ``scale``).

    Args:
        rp: the replayed episode.
        scale: pixels per cell side, at least.
        program: the environment's true program, to find a CD episode's changed cells.

    Returns:
        ``(caption, PNG data URI)`` pairs.
    """
    record, phase, outcome = rp.record, rp.phase, rp.record.outcome
    final = rp.test[-1] if rp.test else rp.interaction[-1]
    scale = frame_scale(rp.interaction[0], scale)
    pictures: list[tuple[str, np.ndarray]] = [("first frame", upscale(rp.interaction[0], scale))]
    if phase is None:
        pictures.append(("final frame", upscale(final, scale)))
    elif record.family == "mfp":
        task = phase.task
        patch_scale = max(scale, 48 // max(task.options[0].shape))
        pictures += [
            ("final frame (masked)", upscale(task.frames[-1], scale)),
            ("true patch", upscale(task.options[task.answer], patch_scale)),
        ]
        if outcome.get("choice") is not None:
            chosen = task.options[outcome["choice"]]
            pictures.append((f"chosen patch {outcome['choice']}", upscale(chosen, patch_scale)))
    elif record.family == "planning":
        pictures += [
            ("final frame", upscale(final, scale)),
            ("goal (faded = any)", _faded(phase.task.goal, phase.task.mask, scale)),
        ]
    elif record.family == "cd":
        seen = phase.seen
        trigger, chosen = outcome.get("trigger_time"), outcome.get("chosen_frame")
        last = len(seen) - 1
        pictures.append((f"last frame seen ({last})", upscale(seen[last].grid, scale)))
        change = cd_first_change(seen, program, phase.env.seed, phase.env.prefix) if program is not None else None
        if change is not None:
            k, cells = change
            pictures.append((f"first change: frame {k}, {int(cells.sum())} cell(s) outlined",
                             outline_cells(upscale(seen[k].grid, scale), cells, scale)))
        elif trigger is not None and 0 < trigger <= len(seen):
            pictures.append(
                (f"first defective frame {trigger - 1}", upscale(seen[trigger - 1].grid, scale))
            )
        if chosen is not None and chosen < len(seen):
            pictures.append((f"chosen frame {chosen}", upscale(seen[chosen].grid, scale)))
    return [(caption, png_data_uri(rgb)) for caption, rgb in pictures]


def gif_name(record: EpisodeRecord, label: str) -> str:
    """A file name for an episode's GIF: readable, safe, unique per (row label, record key)."""
    tag = hashlib.sha1(f"{label}\n{record.key}".encode()).hexdigest()[:8]
    stem = f"{label}-{record.env}-{record.family}-s{record.seed}"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)[:80] + f"-{tag}.gif"


def _gif_colours() -> list[tuple[int, int, int]]:
    """The fixed GIF palette's colours: the colours, their grid-line shades (edges 75%, corners
    56.25%, as :func:`upscale` draws them), the outline, greys for the caption."""
    base = [RGB[name] for name in COLOURS]
    colours = [*base, *(tuple(int(v * f) for v in c) for f in (0.75, 0.5625) for c in base)]
    colours += [OUTLINE] + [(v, v, v) for v in range(0, 256, 32)] + [(255, 255, 255)]
    return [tuple(int(v) for v in c) for c in colours]


def _gif_palette() -> Image.Image:
    """One fixed palette for every GIF frame (:func:`_gif_colours`)."""
    image = Image.new("P", (1, 1))
    image.putpalette([v for c in _gif_colours() for v in c])
    return image


def _exact_indices(rgb: np.ndarray, approx: np.ndarray) -> np.ndarray:
    """Palette indices of ``rgb`` (``uint8`` (H, W, 3)) where its colour is in the GIF palette
    exactly, else ``approx``'s: Pillow's palette mapping is approximate for close colours."""
    colours = np.array(_gif_colours(), dtype=np.int64)
    codes = (colours[:, 0] << 16) | (colours[:, 1] << 8) | colours[:, 2]
    order = np.argsort(codes, kind="stable")
    pixels = rgb.astype(np.int64)
    wanted = (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]
    at = np.clip(np.searchsorted(codes[order], wanted), 0, len(codes) - 1)
    found = codes[order][at] == wanted
    return np.where(found, order[at], approx).astype(np.uint8)


def _captioned(
    frame: np.ndarray,
    text: str,
    scale: int,
    font: ImageFont.ImageFont,
    palette: Image.Image,
    marked: np.ndarray | None = None,
) -> Image.Image:
    """A GIF frame: the frame upscaled (``marked`` cells outlined), a white caption strip under
    it, in the fixed palette."""
    rgb = upscale(frame, scale)
    if marked is not None:
        rgb = outline_cells(rgb, marked, scale)
    body = Image.fromarray(rgb, "RGB")
    image = Image.new("RGB", (body.width, body.height + _CAPTION_HEIGHT), (255, 255, 255))
    image.paste(body, (0, 0))
    if "\n" not in text:
        text = "\n".join(text.split(": ", 1))  # phase and counter, then the action
    ImageDraw.Draw(image).multiline_text(
        (2, body.height + 1), text, fill=(0, 0, 0), font=font, spacing=1
    )
    quantized = image.quantize(palette=palette, dither=Image.Dither.NONE)
    exact = Image.fromarray(_exact_indices(np.asarray(image), np.asarray(quantized)), "P")
    exact.putpalette(quantized.getpalette())
    return exact


def _ending(rp: Replay) -> tuple[np.ndarray, str, np.ndarray | None] | None:
    """The GIF's last frame: for MFP the recording's final frame with the true patch in the
    mask, outlined, and the answer, the choice and the score; for the other families the last
    frame again with the score. None without a test phase."""
    record, phase = rp.record, rp.phase
    if phase is None or not rp.test:
        return None
    score = f"score {record.score:.2f}"
    if record.family == "mfp":
        task, choice = phase.task, record.outcome.get("choice")
        full = np.array(task.frames[-1])
        task.mask.region(full)[...] = task.options[task.answer]
        marked = np.zeros(full.shape, dtype=bool)
        task.mask.region(marked)[...] = True
        chose = "no choice" if choice is None else f"chose {choice}"
        return full, f"truth: option {task.answer}, outlined\n{chose}, {score}", marked
    return rp.test[-1], f"end of the episode\n{score}", None


def write_gif(rp: Replay, path: Path, scale: int = SCALE) -> Path:
    """Write an episode's replay as an animated GIF (loops forever).

    One GIF frame per agent action: the interaction phase (60 ms per frame), then the test
    phase (150 ms per frame); then an ending (held for 2 s): for MFP the truth, the final
    recorded frame with the true patch in the mask (outlined), captioned with the answer, the
    choice and the score; for the other families the last frame with the score. Under each
    frame a two-line caption names the phase and the action number, then the action. Small
    grids are drawn larger (:func:`frame_scale`).

    Args:
        rp: the replayed episode.
        path: the GIF file to write (its folder is created).
        scale: pixels per cell side.

    Returns:
        ``path``.

    Raises:
        OSError: the file cannot be written.
    """
    font, palette = ImageFont.load_default(), _gif_palette()
    scale = frame_scale(rp.interaction[0], scale, GIF_MIN_PIXELS)
    frames = [*zip(rp.interaction, rp.interaction_labels, strict=True)]
    images = [_captioned(f, t, scale, font, palette) for f, t in frames]
    durations = [_INTERACTION_MS] * len(images)
    tests = zip(rp.test, rp.test_labels, strict=True)
    images += [_captioned(f, t, scale, font, palette) for f, t in tests]
    durations += [_TEST_MS] * (len(images) - len(durations))
    ending = _ending(rp)
    if ending is not None:
        frame, text, marked = ending
        images.append(_captioned(frame, text, scale, font, palette, marked))
        durations.append(_LAST_MS)
    durations[-1] = _LAST_MS
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=durations,
        loop=0,
        optimize=False,
    )
    return path


def pick_episodes(episodes: Sequence[EpisodeRecord], n: int) -> list[EpisodeRecord]:
    """Choose up to ``n`` episodes worth showing, from different environments.

    One candidate per environment (its ``ok`` episode with the lowest seed, else its first);
    then alternately the best- and the worst-scoring remaining candidate (ties by environment
    name), so that a few thumbnails show both successes and failures.

    Returns:
        At most ``n`` records, in the order chosen.
    """
    candidates: dict[str, EpisodeRecord] = {}
    for record in sorted(episodes, key=lambda r: (r.status != "ok", r.seed, r.key)):
        candidates.setdefault(qualified_env(record), record)
    ranked = sorted(candidates.values(), key=lambda r: (-r.score, r.env))
    chosen = []
    while ranked and len(chosen) < n:
        chosen.append(ranked.pop(0 if len(chosen) % 2 == 0 else -1))
    return chosen
