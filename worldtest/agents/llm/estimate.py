"""What a model agent's episode will cost, before any call (``worldtest run --dry-run``).

An episode is simulated call by call without a model: its calls are the interaction budget
plus the test horizon (an upper bound: ``go-to-test``, a reached goal or an MFP choice end it
sooner); each call's input is the system prompt, the history the context policy keeps and the
new observation, cut by the context budget as :class:`~.conversation.Conversation` cuts it.
Observations are rendered in the preset's form (``names``, ``letters`` or ``image``) and
counted with :func:`~.conversation.estimate_tokens`: an interaction observation is the mean of
a few sampled ones (the caller steps the environment with a fixed generator and hands over
the frames each action showed; runs of unchanged frames then shrink as they do in a real
episode), a test observation one frame (the first planning one also the goal). The
``expected`` figures assume replies :data:`ASSUMED_REPLY_TOKENS` long; the ``worst`` ones
replies ``max_output_tokens`` long (the history keeping each cut to
:data:`~.conversation.HISTORY_REPLY_CHARS`) and every interaction frame shown in full. Costs
use the preset's prices per call (tiers included); None without prices. The response cache is
not consulted: an episode already cached costs less.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from worldtest.agents.base import EpisodeStart, Observation
from worldtest.agents.llm.conversation import (
    CHARS_PER_TOKEN,
    HISTORY_REPLY_CHARS,
    TRIM_TO,
    estimate_tokens,
)
from worldtest.agents.llm.preset import Preset
from worldtest.agents.llm.prompts import phase_opening, system_prompt
from worldtest.agents.llm.render import frame_parts, observation_parts
from worldtest.env import INTERACTION_TEMPLATES, PROGRAM_TEMPLATES, Frame

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.settings import Settings

__all__ = ["ASSUMED_REPLY_TOKENS", "SUMMARY_LINE_TOKENS", "EpisodeEstimate", "estimate_episode"]

ASSUMED_REPLY_TOKENS = 300
"""Tokens of a typical reply (a short scratchpad and the action tag), for the expected figures.
Our assumption, not a measurement of any model: thinking models bill far more as output."""

SUMMARY_LINE_TOKENS = 30
"""Tokens of one turn's line in a ``summary`` block (about 120 characters)."""


@dataclass(frozen=True)
class EpisodeEstimate:
    """One episode's estimate (module docstring).

    Attributes:
        calls: calls at most; input_tokens: their input tokens, summed (expected replies);
        output_tokens: ``calls * ASSUMED_REPLY_TOKENS`` (capped at ``max_output_tokens``);
        largest_input_tokens: the largest input of one call; cost_usd: at the preset's prices
        (None without); worst_input_tokens, worst_output_tokens, worst_cost_usd: with every
        reply ``max_output_tokens`` long.
    """

    calls: int
    input_tokens: int
    output_tokens: int
    largest_input_tokens: int
    cost_usd: float | None
    worst_input_tokens: int
    worst_output_tokens: int
    worst_cost_usd: float | None


def _sizes(
    preset: Preset, settings: Settings, samples: list[list[Frame]], family: str
) -> tuple[dict[str, int], dict[str, int]]:
    """Estimated tokens of the system prompts and of one observation of each phase:
    (expected, worst)."""
    ctx = preset.context
    frame = samples[0][0].grid
    g = int(frame.shape[0])
    rng = np.random.default_rng(0)
    start = EpisodeStart("estimate", g, 1, settings, rng)
    offered = list(INTERACTION_TEMPLATES)

    def tokens(obs: Observation, intro: str = "") -> int:
        return estimate_tokens(observation_parts(obs, start, ctx.observation, ctx.cell_px, intro))

    opening = phase_opening("interaction")
    first = tokens(Observation("interaction", samples[0], frame, offered, settings.budget), opening)
    later = [tokens(Observation("interaction", f, f[-1].grid, offered, settings.budget))
             for f in samples[1:]] or [first]  # fmt: skip
    one = estimate_tokens(frame_parts("Tick 0 (no input)", frame, ctx.observation, ctx.cell_px))
    bare = tokens(Observation("interaction", [], frame, offered, settings.budget))
    test_obs = Observation(family, [], frame, list(PROGRAM_TEMPLATES),  # type: ignore[arg-type]
                           settings.horizon)  # fmt: skip
    bare_test = tokens(test_obs)
    opening_test = math.ceil(len(phase_opening(family)) / CHARS_PER_TOKEN)
    common = {
        "system_interaction": estimate_tokens(
            [{"type": "text", "text": system_prompt("interaction", start, ctx.scratchpad)}]),
        "system_test": estimate_tokens(
            [{"type": "text", "text": system_prompt(family, start, ctx.scratchpad)}]),
        "first": first,
        "test": bare_test + one,
        "first_test": bare_test + opening_test + (2 if family == "planning" else 1) * one,
    }  # fmt: skip
    expected = {**common, "interaction": math.ceil(sum(later) / len(later))}
    worst = {**common, "interaction": max(bare + settings.ticks_per_action * one, *later)}
    return expected, worst


def _simulate(preset: Preset, settings: Settings, size: dict[str, int], reply: int) -> list[int]:
    """The input tokens of each call, as the conversation would cut them."""
    ctx = preset.context
    budget, window = ctx.max_input_tokens, ctx.window
    calls = settings.budget + settings.horizon
    prefix = [0]  # prefix[i]: tokens of turns 0..i-1, each an observation and its reply
    trimmed = folded = 0
    out: list[int] = []
    for k in range(calls):
        test = k >= settings.budget
        user = (size["first_test"] if k == settings.budget else size["test"]) if test else (
            size["first"] if k == 0 else size["interaction"])  # fmt: skip
        prefix.append(prefix[-1] + user + reply)
        n = k + 1
        system = size["system_test"] if test else size["system_interaction"]

        def total(trimmed: int, folded: int, n: int = n, system: int = system) -> int:
            policy = {"window": max(0, n - window), "summary": folded}.get(ctx.history, 0)
            start = max(policy, trimmed)
            body = prefix[n] - prefix[start] - reply  # the current turn has no reply yet
            pinned = (prefix[1] - reply) if start > 0 else 0
            summaries = SUMMARY_LINE_TOKENS * max(0, folded - trimmed)
            return system + pinned + body + summaries

        if ctx.history == "summary":
            while n - folded > 2 * window:
                folded += window
        if budget and total(trimmed, folded) > budget:
            while total(trimmed, folded) > TRIM_TO * budget:
                if ctx.history == "summary" and folded < n - 1:
                    folded += min(window, n - 1 - folded)
                elif ctx.history == "summary" and trimmed < folded:
                    trimmed = min(folded, trimmed + window)
                elif ctx.history != "summary" and trimmed < n - 1:
                    trimmed += 1
                else:
                    break
        out.append(total(trimmed, folded))
    return out


def _cost(preset: Preset, inputs: list[int], output: int) -> float | None:
    prices = preset.prices
    if prices is None:
        return None
    total = 0.0
    for tokens in inputs:
        p_in, p_out = prices.per_mtok(tokens)
        total += tokens * p_in + output * p_out
    return total / 1_000_000


def estimate_episode(
    preset: Preset, settings: Settings, samples: list[list[Frame]], family: str
) -> EpisodeEstimate:
    """Estimate one episode of ``preset`` (module docstring).

    Args:
        preset: the model agent; settings: the resolved protocol settings.
        samples: the frames of the environment's first observation (frame 0), then the frames
            shown by each of a few sampled actions (``ticks_per_action`` each), labelled as
            the protocol labels them; family: ``mfp``, ``planning`` or ``cd``.

    Raises:
        ValueError: ``samples`` is empty or its first entry has no frame.
    """
    if not samples or not samples[0]:
        raise ValueError("estimate_episode needs at least the first observation's frame")
    size, worst_size = _sizes(preset, settings, samples, family)
    max_out = preset.sampling.max_output_tokens
    reply = min(ASSUMED_REPLY_TOKENS, max_out)
    worst_history = min(max_out, math.ceil(HISTORY_REPLY_CHARS / CHARS_PER_TOKEN))
    expected = _simulate(preset, settings, size, reply)
    worst = _simulate(preset, settings, worst_size, worst_history)
    return EpisodeEstimate(
        calls=len(expected),
        input_tokens=sum(expected),
        output_tokens=len(expected) * reply,
        largest_input_tokens=max(expected, default=0),
        cost_usd=_cost(preset, expected, reply),
        worst_input_tokens=sum(worst),
        worst_output_tokens=len(worst) * max_out,
        worst_cost_usd=_cost(preset, worst, max_out),
    )
