"""One episode's conversation: every message once, and which of them each call sends.

Messages are stored once, in the order they were made, in the neutral form of
:mod:`~worldtest.agents.llm.providers`; a call sends a list of their indices, chosen by the
context policy (``Context.history``):

- ``full``: the system prompt of the current phase and every earlier user and assistant
  message of the episode (the interaction phase stays in view during the test phase);
- ``window``: the system prompt, the first user message of the episode and of the current
  phase (they hold the opening frame and the goal), and the last ``window`` turns;
- ``summary``: as ``full`` until the turns not yet summarised exceed ``2 * window``; then the
  oldest ``window`` of them are folded into one user message of one-line summaries written by
  the harness (action, frames, feedback; no grids), and so on. The summaries are stored once,
  as messages of their own, so a call always sends stored messages.

The context budget (``Context.max_input_tokens``, 0 = none) bounds what one call sends. Each
message's size in tokens is estimated once, when it is made (:func:`estimate_tokens`: text at
:data:`CHARS_PER_TOKEN` characters a token, an image at :data:`IMAGE_PIXELS_PER_TOKEN`
pixels a token, :data:`MESSAGE_OVERHEAD_TOKENS` per message), and the agent scales the sum by
what the provider reported for its last call (``scale``). When the next request would exceed
the budget, the policy gives way, oldest first, until the request is at most
:data:`TRIM_TO` of the budget (so that the next calls share a prefix again): ``summary`` first
folds more turns into summaries; then (and for ``full`` and ``window`` at once) whole turns
are left out, and one harness note says which steps are not shown. The first observation of
the episode and of the current phase, the system prompt and the current observation are
never left out; a request that is still over the budget is sent as it is (and counted in
``over_budget``).

The model's replies are kept in the history cut to :data:`HISTORY_REPLY_CHARS` characters
(:func:`cap_reply`, with a marker saying how much was cut): one runaway reply would otherwise
be sent again with every later call. The agent keeps the whole reply once, in its call's entry
of the record's transcript.

A turn is one observation (a user message) and the reply to it (an assistant message). The
transcript (:meth:`Conversation.transcript`, version :data:`TRANSCRIPT_VERSION`) holds the
messages and, per call, the indices sent as ``[first, last]`` runs, so ``[messages[i] for run
in sent for i in range(run[0], run[1] + 1)]`` is exactly what the call sent.
"""

from __future__ import annotations

import base64
import math
import struct
from dataclasses import dataclass
from typing import Any

from worldtest.agents.llm.cache import message_digest

__all__ = [
    "CHARS_PER_TOKEN",
    "HISTORY_REPLY_CHARS",
    "IMAGE_PIXELS_PER_TOKEN",
    "MESSAGE_OVERHEAD_TOKENS",
    "TRANSCRIPT_VERSION",
    "TRIM_TO",
    "Conversation",
    "cap_reply",
    "estimate_tokens",
    "runs",
]

TRANSCRIPT_VERSION = 2
"""Version of the transcript's layout (``EpisodeRecord.transcript["version"]``). 2: assistant
messages hold the reply as kept in the history (:func:`cap_reply`), the call entry the whole
reply; calls carry ``estimated_input_tokens`` and ``trimmed_turns``."""

HISTORY_REPLY_CHARS = 4000
"""Characters of a reply kept in the conversation history (about 1,000 tokens: a long
scratchpad and its action fit; a runaway reply does not). The first three quarters and the
last quarter are kept, around a marker naming the number of characters cut."""

CHARS_PER_TOKEN = 4.0
"""Characters per token of the estimate made before a call: OpenAI's rule of thumb for English
("one token is about 4 characters", help.openai.com, "What are tokens"). Colour-name grids
tokenise at about that rate or fewer tokens, so the estimate errs on the high side; the agent
scales it by the usage the provider reported for its previous call."""

IMAGE_PIXELS_PER_TOKEN = 750
"""Pixels per token of an image: Anthropic's published estimate, tokens = width x height / 750
(docs.anthropic.com, "Vision", image costs)."""

MESSAGE_OVERHEAD_TOKENS = 4
"""Tokens counted per message for its role and separators."""

TRIM_TO = 0.75
"""When a request would exceed the context budget, the history is cut to this fraction of it,
so that several calls then share the same prefix (providers' prompt caches) before the next
cut."""


def cap_reply(text: str, limit: int = HISTORY_REPLY_CHARS) -> str:
    """``text`` as kept in the history: unchanged up to ``limit`` characters, else its first
    three quarters of ``limit``, a marker ``[... N characters of this reply cut by the harness
    ...]`` and its last quarter."""
    if len(text) <= limit:
        return text
    head = limit * 3 // 4
    tail = limit - head
    cut = len(text) - head - tail
    return (
        f"{text[:head]}\n[... {cut:,} of the {len(text):,} characters of this reply cut by "
        f"the harness ...]\n{text[len(text) - tail:]}"
    )


def _png_pixels(data: str) -> int:
    """Width x height of a base64 PNG (from its IHDR chunk); 0 when it is not one."""
    try:
        head = base64.b64decode(data[:32])
        width, height = struct.unpack(">II", head[16:24])
    except (ValueError, struct.error):
        return 0
    return width * height


def estimate_tokens(content: list[dict[str, Any]]) -> int:
    """Estimated input tokens of one message's content parts (module docstring): text at
    :data:`CHARS_PER_TOKEN`, images at :data:`IMAGE_PIXELS_PER_TOKEN`, plus
    :data:`MESSAGE_OVERHEAD_TOKENS`."""
    chars = sum(len(p.get("text", "")) for p in content if p.get("type") == "text")
    pixels = sum(_png_pixels(p.get("data", "")) for p in content if p.get("type") == "image")
    return (
        MESSAGE_OVERHEAD_TOKENS
        + math.ceil(chars / CHARS_PER_TOKEN)
        + math.ceil(pixels / IMAGE_PIXELS_PER_TOKEN)
    )


@dataclass
class _Turn:
    user: int
    phase: str
    step: int
    summary: str
    assistant: int | None = None


def runs(indices: list[int]) -> list[list[int]]:
    """Compress sorted-or-not indices into ``[first, last]`` runs of consecutive values."""
    out: list[list[int]] = []
    for i in indices:
        if out and i == out[-1][1] + 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return out


class Conversation:
    """The messages of one episode (see the module docstring).

    Args:
        history: ``full``, ``window`` or ``summary``; window: turns kept verbatim.
        max_input_tokens: the context budget in input tokens per call; 0: none.

    Attributes:
        estimate: the estimated input tokens of the last :meth:`to_send` (scaled).
        trimmed: turns left out by the context budget (the oldest ones; summaries of them
            too); budget_folded: turns summarised because of the budget (``summary`` only);
        over_budget: calls sent over the budget because nothing more could be left out.
    """

    def __init__(self, history: str = "full", window: int = 20, max_input_tokens: int = 0
                 ) -> None:  # fmt: skip
        self.history = history
        self.window = window
        self.max_input_tokens = max_input_tokens
        self.messages: list[dict[str, Any]] = []
        self.digests: list[str] = []
        self.tokens: list[int] = []  # estimated tokens per message
        self.system: int | None = None
        self.turns: list[_Turn] = []
        self._phase_first: dict[str, int] = {}
        self._folded = 0  # turns folded into summaries
        self._summaries: list[tuple[int, int]] = []  # (message index, first folded turn)
        self.trimmed = 0
        self.budget_folded = 0
        self.over_budget = 0
        self.estimate = 0
        self._trim_note: int | None = None

    def _add(self, role: str, content: list[dict[str, Any]]) -> int:
        message = {"role": role, "content": content}
        self.messages.append(message)
        self.digests.append(message_digest(message))
        self.tokens.append(estimate_tokens(content))
        return len(self.messages) - 1

    def set_system(self, text: str) -> None:
        """Use ``text`` as the system prompt from now on (stored once per distinct prompt)."""
        if self.system is None or self.messages[self.system]["content"][0]["text"] != text:
            self.system = self._add("system", [{"type": "text", "text": text}])

    def add_user(self, content: list[dict[str, Any]], phase: str, step: int, summary: str) -> int:
        """Start a turn with an observation; ``summary`` is its one-line form."""
        index = self._add("user", content)
        self._phase_first.setdefault(phase, index)
        self.turns.append(_Turn(index, phase, step, summary))
        return index

    def add_assistant(self, text: str, summary: str) -> int:
        """End the current turn with the model's reply (``summary``: what it chose), cut to
        :data:`HISTORY_REPLY_CHARS` (:func:`cap_reply`)."""
        turn = self.turns[-1]
        # APIs refuse an empty or blank text part: a blank reply is sent back as "(empty)".
        shown = cap_reply(text) if text.strip() else "(empty)"
        turn.assistant = self._add("assistant", [{"type": "text", "text": shown}])
        turn.summary = f"{turn.summary} -> {summary}"
        return turn.assistant

    # -- the context policy -----------------------------------------------------------------
    def to_send(self, scale: float = 1.0) -> list[int]:
        """The message indices the next call sends, in order (system prompt first), within
        the context budget where it can be (module docstring).

        Args:
            scale: reported / estimated input tokens of the previous call (1.0 before any).
        """
        if self.history == "summary":
            self._fold()
        chosen = self._select()
        budget = self.max_input_tokens
        if budget and self._size(chosen, scale) > budget:
            target, trimmed = TRIM_TO * budget, self.trimmed
            while self._size(chosen, scale) > target and self._shrink():
                chosen = self._select()
            if self.trimmed != trimmed:
                self._note_trimmed()
                chosen = self._select()
            if self._size(chosen, scale) > budget:
                self.over_budget += 1
        self.estimate = self._size(chosen, scale)
        return chosen

    def _size(self, indices: list[int], scale: float) -> int:
        return math.ceil(scale * sum(self.tokens[i] for i in indices))

    def _select(self) -> list[int]:
        turns = self.turns
        start = {"full": 0, "summary": self._folded}.get(
            self.history, max(0, len(turns) - self.window)
        )
        start = max(start, self.trimmed)
        body = [i for t in turns[start:] for i in (t.user, t.assistant) if i is not None]
        if start:
            phase = turns[-1].phase
            pinned = {turns[0].user, self._phase_first.get(phase, turns[0].user)}
            # (position in the episode, index): a pinned message just before its turn's
            # position, a summary at the position of the first turn it folds, the note on
            # trimmed turns after the episode's first message.
            early = self._pinned_positions(pinned, start)
            early += [(float(first), i) for i, first in self._summaries if first >= self.trimmed]
            if self.trimmed and self._trim_note is not None:
                early.append((-0.25, self._trim_note))
            body = [i for _, i in sorted(early)] + body
        return [self.system, *body] if self.system is not None else body

    def _pinned_positions(self, pinned: set[int], start: int) -> list[tuple[float, int]]:
        pos = {t.user: n for n, t in enumerate(self.turns)}
        return [(pos[i] - 0.5, i) for i in sorted(pinned) if pos[i] < start]

    def _shrink(self) -> bool:
        """Give way by one step: fold a block (``summary``), else leave out the oldest turn
        or summary. False when nothing more can go (only the current turn is left)."""
        last = len(self.turns) - 1  # the current turn: always sent
        if self.history == "summary" and self._folded < last:
            n = min(self.window, last - self._folded)
            self._fold_block(n)
            self.budget_folded += n
            return True
        kept = [first for _, first in self._summaries if first >= self.trimmed]
        if kept:  # the oldest summary kept goes, with the turns it folds
            block = next(b for b in self._block_ends() if b[0] == kept[0])
            new = block[1]
        elif max(self.trimmed, self._policy_start()) < last:
            new = max(self.trimmed, self._policy_start()) + 1
        else:
            return False
        self.trimmed = new
        return True

    def _note_trimmed(self) -> None:
        """Store the one note that says which steps the budget leaves out."""
        first, end = self.turns[0].step, self.turns[self.trimmed - 1].step
        text = (
            f"Steps {first}-{end} are not shown: the harness leaves the oldest steps out to "
            f"keep each request within the context budget of {self.max_input_tokens:,} tokens "
            "(the first observation of the episode and of the current phase are kept)."
        )
        self._trim_note = self._add("user", [{"type": "text", "text": text}])

    def _policy_start(self) -> int:
        if self.history == "window":
            return max(0, len(self.turns) - self.window)
        return self._folded if self.history == "summary" else 0

    def _block_ends(self) -> list[tuple[int, int]]:
        """(first folded turn, first turn after the block) of each summary."""
        firsts = [first for _, first in self._summaries]
        return list(zip(firsts, [*firsts[1:], self._folded], strict=True))

    def _fold(self) -> None:
        while len(self.turns) - self._folded > 2 * self.window:
            self._fold_block(self.window)

    def _fold_block(self, n: int) -> None:
        block = self.turns[self._folded : self._folded + n]
        first, last = block[0].step, block[-1].step
        lines = [f"Summary of steps {first}-{last} (written by the harness; frames left out):"]
        lines += [f"- step {t.step} ({t.phase}): {t.summary}" for t in block]
        index = self._add("user", [{"type": "text", "text": "\n".join(lines)}])
        self._summaries.append((index, self._folded))
        self._folded += n

    def transcript(self) -> dict[str, Any]:
        """The messages, for the record (the calls are added by the agent)."""
        return {"version": TRANSCRIPT_VERSION, "messages": self.messages}
