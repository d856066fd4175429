"""Observations as message content: colour-name grids, letter grids, or PNG images.

Frames are data (``uint8`` palette indices, (H, W)); here they become what a model reads:

- ``names`` (the paper's form): one line per row, the cells' colour names separated by spaces;
- ``letters``: one character per cell (``worldtest.palette.letter_grid``), with a legend;
- ``image``: a PNG per frame (``cell_px`` pixels per cell, a one-pixel grid line between
  cells), base64 in the request, with its label as text.

Every frame is labelled with its tick and the action that caused it (protocol section 2). A
frame identical to the one before it in the same observation is written as ``unchanged``
instead of repeated, and a run of such no-input ticks as one line (``Ticks 2-8 (no input):
unchanged``): lossless, and it keeps quiet ticks from filling the context.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np

from worldtest import render
from worldtest.agents.base import EpisodeStart, Frame, Observation
from worldtest.palette import COLOURS, LETTERS

__all__ = ["frame_parts", "json_grid", "observation_parts", "png", "reference_parts"]

Part = dict[str, Any]

_LINE_RGB = (64, 64, 64)


def png(frame: np.ndarray, cell_px: int = 16) -> bytes:
    """Encode a frame as an RGB PNG (:func:`worldtest.render.png_bytes`; byte-reproducible).

    Args:
        frame: ``uint8`` palette indices, shape (H, W).
        cell_px: pixels per cell side; from 4 up a one-pixel dark grey (64, 64, 64) line runs
            along each cell's top and left side.

    Returns:
        The PNG file's bytes, ``H * cell_px`` by ``W * cell_px`` pixels.

    Raises:
        ConfigError: ``cell_px`` below 1 or a value outside the palette.
        ValueError: ``frame`` is not two-dimensional.
    """
    rgb = render.upscale(np.asarray(frame), cell_px, edges=False)
    if cell_px >= 4:
        rgb = render.grid_lines(rgb, cell_px, _LINE_RGB)
    return render.png_bytes(rgb)


def _names(frame: np.ndarray) -> str:
    return "\n".join(" ".join(COLOURS[i] for i in row) for row in frame.tolist())


def _letters(frame: np.ndarray) -> str:
    return "\n".join("".join(LETTERS[i] for i in row) for row in frame.tolist())


def legend(frames: list[np.ndarray]) -> str:
    """``Legend: . = black, R = red, ...`` for the letters used in ``frames``."""
    used = np.unique(np.concatenate([f.ravel() for f in frames])) if frames else []
    return "Legend: " + ", ".join(f"{LETTERS[int(i)]} = {COLOURS[int(i)]}" for i in used)


def frame_parts(label: str, frame: np.ndarray, mode: str, cell_px: int = 16) -> list[Part]:
    """One labelled frame as content parts (text, or text + image)."""
    if mode == "image":
        data = base64.b64encode(png(frame, cell_px)).decode("ascii")
        return [
            {"type": "text", "text": f"{label}:"},
            {"type": "image", "media_type": "image/png", "data": data},
        ]
    grid = _names(frame) if mode == "names" else _letters(frame)
    return [{"type": "text", "text": f"{label}:\n{grid}"}]


def _label(phase: str, f: Frame, obs: Observation, first_index: int | None) -> str:
    if phase == "mfp":
        what = f"recorded action {f.action}" if f.action else "start of the recording"
        return f"Frame {f.tick} of 0..{(obs.n_frames or 1) - 1} ({what})"
    cause = (
        "after reset" if f.action == "reset"
        else f"after action {f.action}" if f.action
        else "initial frame" if f.tick == 0
        else "no input"
    )  # fmt: skip
    prefix = f"Frame {first_index}, tick {f.tick}" if first_index is not None else f"Tick {f.tick}"
    return f"{prefix} ({cause})"


def _frames(obs: Observation, mode: str, cell_px: int) -> tuple[list[Part], list[np.ndarray]]:
    """The observation's frames, labelled; a run of frames identical to the one before them,
    with no input, is one line (``Ticks 2-8 (no input): unchanged``)."""
    parts: list[Part] = []
    shown: list[np.ndarray] = []
    frames, n = obs.frames, len(obs.frames)
    i = 0
    while i < n:
        f = frames[i]
        index = None
        if obs.phase == "cd" and obs.frame_index is not None:
            index = obs.frame_index - (n - 1 - i)
        label = _label(obs.phase, f, obs, index)
        if i == 0 or not np.array_equal(frames[i - 1].grid, f.grid):
            parts.extend(frame_parts(label, f.grid, mode, cell_px))
            shown.append(f.grid)
            i += 1
            continue
        j = i
        while (j + 1 < n and frames[j + 1].action is None and f.action is None
               and np.array_equal(frames[j + 1].grid, f.grid)):
            j += 1
        if j > i and obs.phase != "cd":
            label = f"Ticks {f.tick}-{frames[j].tick} (no input)"
        else:
            j = i
        parts.append({"type": "text", "text": f"{label}: unchanged"})
        i = j + 1
    return parts, shown


def observation_parts(
    obs: Observation, start: EpisodeStart, mode: str, cell_px: int = 16, intro: str = "",
    style: str = "worldtest", scratchpad: bool = True,
) -> list[Part]:
    """The user message for one observation.

    Args:
        obs: the observation; start: the episode's start (grid size).
        mode: ``names``, ``letters`` or ``image``; cell_px: image scale.
        intro: text put first (a phase's opening words, a note on the last reply).
        style: ``worldtest``, or ``reference`` (:func:`reference_parts`; ``mode`` and
            ``cell_px`` are then not used); scratchpad: whether notes are invited
            (``reference`` only).

    Returns:
        Content parts: status, feedback, the frames (and the goal or the options when the
        phase has them), then the actions offered now.
    """
    if style == "reference":
        return reference_parts(obs, start, intro, scratchpad)
    texts: list[str] = [intro] if intro else []
    if obs.message:
        texts.append(f"Your last action was not accepted: {obs.message}")
    head = {
        "interaction": f"Interaction phase. Actions left in the budget: {obs.remaining}.",
        "mfp": f"Test phase (masked-frame prediction). Test actions left: {obs.remaining}.",
        "planning": f"Test phase (planning). Test actions left: {obs.remaining}.",
        "cd": f"Test phase (change detection). Test actions left: {obs.remaining}.",
    }[obs.phase]
    texts.append(head)
    parts: list[Part] = [{"type": "text", "text": "\n\n".join(texts)}]
    grids: list[np.ndarray] = []
    if obs.phase == "planning" and obs.first and obs.goal is not None:
        goal = obs.goal.copy()
        goal[obs.goal_mask == 0] = 0  # cells that do not matter are drawn as mask
        parts.extend(frame_parts(
            "Goal (cells shown as mask do not matter; every other cell must match)",
            goal, mode, cell_px,
        ))  # fmt: skip
        grids.append(goal)
    frame_parts_, shown = _frames(obs, mode, cell_px)
    if frame_parts_:
        parts.append({"type": "text", "text": "Frames since your last action:"})
        parts.extend(frame_parts_)
        grids.extend(shown)
    else:
        parts.append({"type": "text", "text": "No new frames."})
    if obs.phase == "cd" and obs.frame_index is not None:
        parts.append({"type": "text", "text": f"Frame shown now: {obs.frame_index}; frames seen "
                                              f"so far: 0..{(obs.n_frames or 1) - 1}."})
    if obs.options is not None and "choose N" in obs.offered:
        parts.append({"type": "text", "text": "Candidate contents of the masked region:"})
        for i, option in enumerate(obs.options):
            parts.extend(frame_parts(f"Option {i}", option, mode, cell_px))
            grids.append(option)
    if mode == "letters" and grids:
        parts.append({"type": "text", "text": legend(grids)})
    parts.append({"type": "text", "text": offered_text(obs, start)})
    return _joined(parts)


def offered_text(obs: Observation, start: EpisodeStart, axes: bool = True) -> str:
    """``Actions you may take now: ...`` with the ranges of X, Y, N and K; ``axes=False``
    does not say that X is the column and Y the row (the reference harness offers
    ``click [0-N] [0-N]`` and never says which is which)."""
    g = start.grid_size
    click = f"X = column 0..{g - 1}, Y = row 0..{g - 1}" if axes else f"X, Y = 0..{g - 1}"
    ranges = {
        "click X Y": f"click X Y ({click})",
        "choose N": f"choose N (N = 0..{len(obs.options or []) - 1})",
        "choose-frame K": f"choose-frame K (K = 0..{(obs.n_frames or 1) - 1})",
    }
    return "Actions you may take now: " + ", ".join(ranges.get(t, t) for t in obs.offered)


def _joined(parts: list[Part]) -> list[Part]:
    """Adjacent text parts joined by a newline (fewer, larger parts; images stay apart)."""
    out: list[Part] = []
    for part in parts:
        if part["type"] == "text" and out and out[-1]["type"] == "text":
            out[-1] = {"type": "text", "text": out[-1]["text"] + "\n" + part["text"]}
        else:
            out.append(part)
    return out


# -- the reference style ---------------------------------------------------------------------
# What the reference harness's model agent reads each step (BasisResearch/MARAProtocol,
# concrete_envs.py and llm_agent.py's UnifiedReactAgent), in our own words: every frame is the
# full grid as a JSON list of rows of colour names, never collapsed; the test phases' frames
# are the JSON objects that harness builds (MFP: render, video_location, action_took,
# is_finished, then choices; planning: render, goal, highlight_mask at every step).

_REFERENCE_ASK = (
    "Think step by step about which action to take next; remember that you are exploring the "
    "world to learn its rules. Reflect on the action you pick and check it for problems before "
    "you commit to it. Give your final action inside <action> tags."
)


def json_grid(frame: np.ndarray) -> list[list[str]]:
    """A frame as rows of colour names (index 0 reads ``mask``), for ``json.dumps``."""
    return [[COLOURS[i] for i in row] for row in frame.tolist()]


def _reference_grid(obs: Observation) -> str:
    dump = json.dumps
    if obs.phase == "mfp":
        f = obs.frames[-1] if obs.frames else None
        n = (obs.n_frames or 1) - 1
        data: dict[str, Any] = {
            "video_location": f"{obs.frame_index}/{n}",
            "render": json_grid(obs.frame),
            "action_took": (f.action or "start") if f is not None else "none",
            "is_finished": obs.options is not None,
        }
        if obs.options is not None and "choose N" in obs.offered:
            data["choices"] = [json_grid(o) for o in obs.options]
        return dump(data)
    if obs.phase == "planning":
        data = {"render": json_grid(obs.frame)}
        if obs.goal is not None and obs.goal_mask is not None:
            data |= {"goal": json_grid(obs.goal), "highlight_mask": obs.goal_mask.tolist()}
        return ("The current grid is: " if not obs.first else "") + dump(data)
    if obs.phase == "cd":
        shown = f"Frame shown now: {obs.frame_index}. " if obs.frame_index is not None else ""
        return f"{shown}Here is the current frame: {dump(json_grid(obs.frame))}"
    # interaction
    if obs.first:
        return f"Here is the initial state of the grid:\n{dump(json_grid(obs.frame))}"
    if len(obs.frames) <= 1:
        return dump(json_grid(obs.frame))
    return "\n\n".join(
        f"Frame time: {f.tick}\nAction took: {f.action or 'noop'}\n"
        f"Observation: {dump(json_grid(f.grid))}" for f in obs.frames
    )


def reference_parts(
    obs: Observation, start: EpisodeStart, intro: str = "", scratchpad: bool = True
) -> list[Part]:
    """The user message of the ``reference`` prompt style: one text part.

    The phase's opening words on its first observation (``intro``), why the last action was
    refused, the observation (the full JSON colour grid of every new frame, see the comment
    above), the actions offered now without saying which of X and Y is the column, and the
    request to think, reflect and answer in action tags (the reference's ``reflection``
    instruction). No grid header: the reference has one in its image mode only.
    """
    texts: list[str] = []
    if intro:
        texts.append(intro)
    if obs.message:
        texts.append(f"Invalid action: {obs.message}")
    texts.append(_reference_grid(obs))
    ask = _REFERENCE_ASK + (
        " You may add notes to remember in <scratchpad>...</scratchpad> tags." if scratchpad
        else ""
    )
    texts.append(f"{offered_text(obs, start, axes=False)}\n{ask}")
    return [{"type": "text", "text": "\n\n".join(texts)}]
