"""Pictures of episodes: PNG thumbnails (base64, for embedding) and animated GIF replays.

A frame is data (``uint8`` palette indices, shape (H, W)); :mod:`worldtest.render` draws it
(each cell a ``scale`` x ``scale`` block with a slightly darker 1-pixel edge so that cells stay
visible; small grids get a larger ``scale`` so that no picture is under
:data:`~worldtest.render.MIN_PIXELS` on its longer side; GIFs in its one palette). Here is what
is particular to episodes: which frames to show, captions, the goal with its free cells faded,
and the cells worth pointing at (the first cells a CD wrong program changes, an MFP mask filled
with the truth), outlined in magenta. The frames come from
:func:`worldtest.report.replay.replay`, which checks each against its recorded digest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from worldtest import render
from worldtest.render import SCALE, frame_scale, outline_cells, png_data_uri, upscale
from worldtest.report.replay import Replay
from worldtest.results import EpisodeRecord, qualified_env

__all__ = [
    "GIF_MIN_PIXELS",
    "EpisodeMedia",
    "cd_first_change",
    "gif_name",
    "pick_episodes",
    "thumbnails",
    "write_gif",
]

GIF_MIN_PIXELS = 160
"""Smallest longer side of a GIF frame: room for its two caption lines."""

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
    Frames are drawn with :func:`worldtest.render.frame_scale` pixels per cell (at least
    ``scale``).

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


def _captioned(
    frame: np.ndarray,
    text: str,
    scale: int,
    font: ImageFont.ImageFont,
    marked: np.ndarray | None = None,
) -> np.ndarray:
    """A GIF frame, ``uint8`` RGB: the frame upscaled (``marked`` cells outlined), a white
    caption strip under it (:data:`_CAPTION_HEIGHT` pixels, two lines of black text)."""
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
    return np.asarray(image)


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
        full, marked = task.answer_frame()
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
    grids are drawn larger (:func:`worldtest.render.frame_scale`).

    Args:
        rp: the replayed episode.
        path: the GIF file to write (its folder is created).
        scale: pixels per cell side.

    Returns:
        ``path``.

    Raises:
        OSError: the file cannot be written.
    """
    font = ImageFont.load_default()
    scale = frame_scale(rp.interaction[0], scale, GIF_MIN_PIXELS)
    frames = [*zip(rp.interaction, rp.interaction_labels, strict=True)]
    images = [_captioned(f, t, scale, font) for f, t in frames]
    durations = [_INTERACTION_MS] * len(images)
    tests = zip(rp.test, rp.test_labels, strict=True)
    images += [_captioned(f, t, scale, font) for f, t in tests]
    durations += [_TEST_MS] * (len(images) - len(durations))
    ending = _ending(rp)
    if ending is not None:
        frame, text, marked = ending
        images.append(_captioned(frame, text, scale, font, marked))
        durations.append(_LAST_MS)
    durations[-1] = _LAST_MS
    return render.write_gif(images, path, durations)


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
