"""The model agent: a language model behind an HTTP API plays WorldTest episodes.

Per action it renders the observation as a user message (:mod:`.render`), picks the messages
to send by the context policy (:mod:`.conversation`), calls the endpoint (:mod:`.client`,
with retries and the response cache), reads the first valid action out of the reply
(:mod:`.parse`) and returns it. Everything is recorded: the episode record's ``usage`` holds
the totals (``calls``, ``input_tokens``, ``output_tokens``, ``cost_usd`` ...), its
``transcript`` every message once and, per call, the messages sent, the reply received (whole:
the history keeps it cut to ``conversation.HISTORY_REPLY_CHARS``), the action taken, tokens
(estimated before, reported after), cost, attempts and errors. The context budget
(``[context] max_input_tokens``) is kept by the conversation; its estimate is scaled by the
ratio of reported to estimated input tokens of the previous call (within 1/4..4).

The agent implements both :class:`~worldtest.agents.base.Agent` (``act``, on a private event
loop) and :class:`~worldtest.agents.base.AsyncAgent` (``act_async``, ``clone``), which the
runner uses to keep many episodes in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np

from worldtest.agents.base import EpisodeStart, Observation
from worldtest.agents.llm.budget import CostCapReached, Ledger, cost_usd, worst_usd
from worldtest.agents.llm.cache import DEFAULT_CACHE_DIR, ResponseCache
from worldtest.agents.llm.client import Endpoint, LlmCallError
from worldtest.agents.llm.conversation import Conversation, runs
from worldtest.agents.llm.parse import extract_action
from worldtest.agents.llm.preset import Preset
from worldtest.agents.llm.prompts import phase_opening, prompt_style, system_prompt
from worldtest.agents.llm.providers import Reply
from worldtest.agents.llm.render import observation_parts

__all__ = ["LlmAgent"]

_SCALE_MAX = 4.0  # the estimate is scaled by at most this factor, up or down


class LlmAgent:
    """A model agent configured by a :class:`~worldtest.agents.llm.preset.Preset`.

    Args:
        preset: the model, endpoint, sampling, context policy, limits and prices.
        cache_dir: the response cache directory; use_cache: False bypasses the cache.
        concurrency: episodes in flight on the endpoint (default: the preset's).
        endpoint: share an existing :class:`~worldtest.agents.llm.client.Endpoint` (clones).

    Attributes:
        id: the preset's id; version: the preset's behaviour version (``"1-3fa2c19b"``).
        endpoint: ``"<provider> <base_url>"``; concurrency: as above.
        ledger: the run's :class:`~worldtest.agents.llm.budget.Ledger` (``--max-cost``), or
            None: each call not answered from the cache first reserves its worst case there
            (the estimated input tokens and ``max_output_tokens`` at the preset's prices) and
            is charged its cost; a call the cap refuses raises
            :class:`~worldtest.agents.llm.budget.CostCapReached`, which fails the episode
            (its ``usage["cut_by_cost_cap"]`` is then True).

    Raises:
        ConfigError: the preset names an API key variable that is not set.
    """

    privileged = False

    def __init__(
        self,
        preset: Preset,
        *,
        cache_dir: str | os.PathLike[str] = DEFAULT_CACHE_DIR,
        use_cache: bool = True,
        concurrency: int | None = None,
        endpoint: Endpoint | None = None,
    ) -> None:
        self.preset = preset
        self.id = preset.id
        self.version = preset.version
        self.endpoint = preset.endpoint
        self.concurrency = concurrency or preset.request.concurrency
        if endpoint is None:
            cache = ResponseCache(Path(cache_dir)) if use_cache else None
            endpoint = Endpoint(
                preset, cache=cache, api_key=preset.api_key(), connections=self.concurrency
            )
        self.http = endpoint
        self.ledger: Ledger | None = None
        self._start: EpisodeStart | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.reset_state()

    def __repr__(self) -> str:
        return f"LlmAgent({self.id!r}, {self.preset.provider}:{self.preset.model})"

    def clone(self) -> LlmAgent:
        """A fresh agent for another episode, sharing the endpoint (client, cache) and the
        ledger."""
        twin = LlmAgent(self.preset, concurrency=self.concurrency, endpoint=self.http)
        twin.ledger = self.ledger
        return twin

    def reset_state(self) -> None:
        """Forget the episode: conversation, calls, notes."""
        ctx = self.preset.context
        self.conversation = Conversation(ctx.history, ctx.window, ctx.max_input_tokens)
        self.calls: list[dict[str, Any]] = []
        self._scale = 1.0  # reported / estimated input tokens of the last call
        self._note: str | None = None
        self._last_frame: np.ndarray | None = None
        self.salt: int | None = None
        self.cut_by_cost_cap = False

    def reset(self, start: EpisodeStart) -> None:
        """Start a new episode; draw its cache salt from ``start.rng``."""
        self._start = start
        self.reset_state()
        self.salt = int(start.rng.integers(1 << 62))

    # -- acting -----------------------------------------------------------------------------
    async def act_async(self, obs: Observation) -> str:
        """Ask the model for the next action (module docstring).

        Returns:
            The action's canonical text, or, when the reply held no valid action, text that
            the protocol records as an invalid action.

        Raises:
            LlmCallError: the call failed after its retries (the episode is then failed).
            RuntimeError: :meth:`reset` was not called.
        """
        if self._start is None:
            raise RuntimeError("LlmAgent.act before reset(start)")
        ctx, conv, step = self.preset.context, self.conversation, len(self.calls)
        style = prompt_style(ctx.prompt_style, self._start)
        conv.set_system(system_prompt(obs.phase, self._start, ctx.scratchpad, style))
        if self._note is not None:
            # Our own note says why the last reply was refused, naming only what was wrong;
            # the protocol's message says the same with every action of every phase.
            obs = dataclasses.replace(obs, message=None)
        intro = "\n\n".join(
            t for t in (phase_opening(obs.phase, style) if obs.first else "", self._note) if t
        )
        parts = observation_parts(obs, self._start, ctx.observation, ctx.cell_px, intro, style,
                                  ctx.scratchpad)
        conv.add_user(parts, obs.phase, step + 1, self._summary(obs))
        sent = conv.to_send(self._scale)
        call: dict[str, Any] = {"step": step, "phase": obs.phase, "sent": runs(sent),
                                "estimated_input_tokens": conv.estimate,
                                "trimmed_turns": conv.trimmed}  # fmt: skip
        self.calls.append(call)
        prices = self.preset.prices
        worst = 0.0 if prices is None else worst_usd(
            prices, conv.estimate, self.preset.sampling.max_output_tokens)
        try:
            result = await self.http.complete(
                [conv.messages[i] for i in sent], [conv.digests[i] for i in sent], self.salt,
                ledger=self.ledger, worst_usd=worst,
            )
        except LlmCallError as err:
            call.update(error=str(err), attempts=err.attempts, errors=err.errors)
            raise
        except CostCapReached as err:
            call.update(error=str(err), attempts=0, worst_usd=worst, refused=True)
            self.cut_by_cost_cap = True
            raise
        reply = result.reply
        if reply.input_tokens > 0 and conv.estimate > 0:
            raw = conv.estimate / self._scale
            self._scale = min(_SCALE_MAX, max(1 / _SCALE_MAX, reply.input_tokens / raw))
        parsed = extract_action(reply.text, obs, self._start.grid_size)
        self._note = parsed.note
        call["reply_message"] = conv.add_assistant(
            reply.text, f"chose {parsed.action}" if parsed.action else "no valid action"
        )
        cost = self._cost([reply])
        call.update(
            reply=reply.text,
            action=parsed.action,
            input_tokens=reply.input_tokens,
            output_tokens=reply.output_tokens,
            cost_usd=cost,
            finish=reply.finish,
            cached=result.cached,
            attempts=result.attempts,
            errors=result.errors,
            latency_s=round(result.latency_s, 4),
        )
        return parsed.send

    def act(self, obs: Observation) -> str:
        """:meth:`act_async` on the agent's own event loop (not from inside a running loop);
        the reply is in the cache when it returns."""
        if self._loop is None or self._loop.is_closed():
            self._loop = asyncio.new_event_loop()
        try:
            return self._loop.run_until_complete(self.act_async(obs))
        finally:
            self._loop.run_until_complete(self.http.flush())

    def close(self) -> None:
        """Close the private event loop of :meth:`act` and its HTTP connections."""
        loop, self._loop = self._loop, None
        if loop is not None and not loop.is_closed() and not loop.is_running():
            loop.run_until_complete(self.http.aclose())
            loop.close()

    def __del__(self) -> None:  # best effort, for an agent used through act() and not closed
        if getattr(self, "_loop", None) is None:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop runs in this thread: ours can be run to close
            with contextlib.suppress(Exception):  # never raise from a finaliser
                self.close()

    async def aclose(self) -> None:
        """Close the HTTP client of the running loop (the runner calls it at the end)."""
        await self.http.aclose()

    def _summary(self, obs: Observation) -> str:
        """One line for the ``summary`` context policy: what this observation showed."""
        bits = []
        if self._note or obs.message:
            bits.append(f"harness: {(self._note or obs.message)[:160]}")
        if obs.frames:
            ticks = f"{obs.frames[0].tick}-{obs.frames[-1].tick}" if len(obs.frames) > 1 else (
                str(obs.frames[0].tick))
            changed = (
                int(np.count_nonzero(obs.frame != self._last_frame))
                if self._last_frame is not None and self._last_frame.shape == obs.frame.shape
                else None
            )
            seen = f"saw tick(s) {ticks}"
            bits.append(seen + (f", {changed} cell(s) changed" if changed is not None else ""))
        self._last_frame = obs.frame
        return "; ".join(bits) or "no new frames"

    # -- accounting ---------------------------------------------------------------------------
    def _cost(self, replies: list[Reply]) -> float | None:
        """USD at the preset's prices (None without prices); exact per price tier, rounded."""
        prices = self.preset.prices
        if prices is None:
            return None
        return cost_usd(prices, [(r.input_tokens, r.output_tokens) for r in replies])

    def usage(self) -> dict[str, Any]:
        """Totals of the episode, for ``EpisodeRecord.usage``.

        Keys: ``provider``, ``model``, ``calls`` (replies received, cached ones included),
        ``input_tokens``, ``output_tokens``, ``cost_usd`` (at the preset's prices; None without
        prices; the same whether or not the replies came from the cache), ``cache_hits``,
        ``attempts`` (HTTP requests made), ``failed_calls`` (calls made that failed; a call the
        cost cap refused is not made), ``invalid_replies`` (replies
        without a valid action), ``prices`` (USD per million tokens, or None),
        ``spent_usd`` (the cost of the calls not answered from the cache: what this run paid;
        None without prices), and the context budget's doings: ``max_input_tokens`` (the
        budget; 0 = none), ``largest_input_tokens`` (the largest input of one call, as
        reported), ``trimmed_turns`` (oldest turns left out), ``budget_summarised_turns``
        (turns folded into summaries early) and ``over_budget_calls`` (calls sent over the
        budget because nothing more could be left out), ``cut_by_cost_cap`` (True when the
        run's cost cap refused a call and so ended the episode).
        """
        done = [c for c in self.calls if "reply" in c]
        replies = [Reply("", c["input_tokens"], c["output_tokens"]) for c in done]
        prices = self.preset.prices
        paid = [r for r, c in zip(replies, done, strict=True) if not c["cached"]]
        conv = self.conversation
        return {
            "provider": self.preset.provider,
            "model": self.preset.model,
            "calls": len(done),
            "input_tokens": sum(r.input_tokens for r in replies),
            "output_tokens": sum(r.output_tokens for r in replies),
            "cost_usd": self._cost(replies),
            "cache_hits": sum(1 for c in done if c["cached"]),
            "attempts": sum(c.get("attempts", 0) for c in self.calls),
            "failed_calls": sum(1 for c in self.calls if "error" in c and "refused" not in c),
            "invalid_replies": sum(1 for c in done if c["action"] is None),
            "prices": None if prices is None else prices.model_dump(),
            "spent_usd": self._cost(paid) if paid else (None if prices is None else 0.0),
            "max_input_tokens": self.preset.context.max_input_tokens,
            "largest_input_tokens": max((r.input_tokens for r in replies), default=0),
            "trimmed_turns": conv.trimmed,
            "budget_summarised_turns": conv.budget_folded,
            "over_budget_calls": conv.over_budget,
            "cut_by_cost_cap": self.cut_by_cost_cap,
        }

    def transcript(self) -> dict[str, Any]:
        """Every message once, and per call what was sent and received (``.conversation``)."""
        p = self.preset
        out = self.conversation.transcript()
        out.update(
            provider=p.provider,
            model=p.model,
            base_url=p.base_url,
            sampling=p.sampling.model_dump(),
            context=p.context.model_dump(),
            prompt_style=prompt_style(p.context.prompt_style, self._start)
            if self._start is not None else p.context.prompt_style,
            cache_salt=self.salt,
            calls=self.calls,
        )
        return out
