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

A turn is one observation (a user message) and the reply to it (an assistant message). The
transcript (:meth:`Conversation.transcript`, version :data:`TRANSCRIPT_VERSION`) holds the
messages and, per call, the indices sent as ``[first, last]`` runs, so ``[messages[i] for run
in sent for i in range(run[0], run[1] + 1)]`` is exactly what the call sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from worldtest.agents.llm.cache import message_digest

__all__ = ["TRANSCRIPT_VERSION", "Conversation", "runs"]

TRANSCRIPT_VERSION = 1
"""Version of the transcript's layout (``EpisodeRecord.transcript["version"]``)."""


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
    """

    def __init__(self, history: str = "full", window: int = 20) -> None:
        self.history = history
        self.window = window
        self.messages: list[dict[str, Any]] = []
        self.digests: list[str] = []
        self.system: int | None = None
        self.turns: list[_Turn] = []
        self._phase_first: dict[str, int] = {}
        self._folded = 0  # turns folded into summaries
        self._summaries: list[tuple[int, int]] = []  # (message index, first folded turn)

    def _add(self, role: str, content: list[dict[str, Any]]) -> int:
        message = {"role": role, "content": content}
        self.messages.append(message)
        self.digests.append(message_digest(message))
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
        """End the current turn with the model's reply (``summary``: what it chose)."""
        turn = self.turns[-1]
        # APIs refuse an empty or blank text part: a blank reply is sent back as "(empty)".
        shown = text if text.strip() else "(empty)"
        turn.assistant = self._add("assistant", [{"type": "text", "text": shown}])
        turn.summary = f"{turn.summary} -> {summary}"
        return turn.assistant

    # -- the context policy -----------------------------------------------------------------
    def to_send(self) -> list[int]:
        """The message indices the next call sends, in order (system prompt first)."""
        if self.history == "summary":
            self._fold()
        turns = self.turns
        start = {"full": 0, "summary": self._folded}.get(
            self.history, max(0, len(turns) - self.window)
        )
        body = [i for t in turns[start:] for i in (t.user, t.assistant) if i is not None]
        if start:
            phase = turns[-1].phase
            pinned = {turns[0].user, self._phase_first.get(phase, turns[0].user)}
            # (position in the episode, index): a pinned message just before its turn's
            # position, a summary at the position of the first turn it folds.
            early = self._pinned_positions(pinned, start)
            early += [(float(first), i) for i, first in self._summaries]
            body = [i for _, i in sorted(early)] + body
        return [self.system, *body] if self.system is not None else body

    def _pinned_positions(self, pinned: set[int], start: int) -> list[tuple[float, int]]:
        pos = {t.user: n for n, t in enumerate(self.turns)}
        return [(pos[i] - 0.5, i) for i in sorted(pinned) if pos[i] < start]

    def _fold(self) -> None:
        while len(self.turns) - self._folded > 2 * self.window:
            block = self.turns[self._folded : self._folded + self.window]
            first, last = block[0].step, block[-1].step
            lines = [f"Summary of steps {first}-{last} (written by the harness; frames left out):"]
            lines += [f"- step {t.step} ({t.phase}): {t.summary}" for t in block]
            index = self._add("user", [{"type": "text", "text": "\n".join(lines)}])
            self._summaries.append((index, self._folded))
            self._folded += self.window

    def transcript(self) -> dict[str, Any]:
        """The messages, for the record (the calls are added by the agent)."""
        return {"version": TRANSCRIPT_VERSION, "messages": self.messages}
