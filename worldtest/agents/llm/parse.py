"""Reading the action out of a model's reply.

The reply should hold ``<action>...</action>``; the first tag whose content is a valid action
now (it parses, its template is offered, a click lies on the grid, ``choose N`` and
``choose-frame K`` are in range) is taken. Tags inside ``<scratchpad>`` or ``<think>`` blocks
are thinking, not answers, and are skipped. A reply without tags that is, as a whole, one
action (``"noop"``) is accepted too.

When nothing valid is found the agent still returns text, so that the protocol records an
invalid action (it costs one action, protocol section 2): the first tagged candidate if there
was one, else the raw reply. The agent then says why in its next observation, once, in its
own words (:attr:`Parsed.note`), naming only what is wrong with the reply; the actions offered
now are listed at the end of that observation, as in every other. The reply itself is kept
whole in the record's transcript.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from worldtest.agents.base import Observation
from worldtest.env import parse_action
from worldtest.errors import ActionError

__all__ = ["Parsed", "extract_action"]

_THINKING = re.compile(
    r"<(scratchpad|think|thinking)>.*?(</\1>|\Z)", re.IGNORECASE | re.DOTALL
)
_OPEN = re.compile(r"<action>", re.IGNORECASE)
_CLOSE = re.compile(r"</action>", re.IGNORECASE)


def _tagged(text: str) -> list[str]:
    """The contents of ``<action>...</action>`` tags, in order, as ``re.findall`` of
    ``<action>(.*?)</action>`` would give them, in O(n log n): the regex rescans the rest of
    the text for every opening tag without a closing one (a reply of 20,000 ``<action>``
    took 49 s)."""
    closes = [m.start() for m in _CLOSE.finditer(text)]
    out: list[str] = []
    pos = 0
    for m in _OPEN.finditer(text):
        if m.start() < pos:
            continue
        i = bisect.bisect_left(closes, m.end())
        if i == len(closes):
            break
        out.append(text[m.end() : closes[i]])
        pos = closes[i] + len("</action>")
    return out


@dataclass(frozen=True)
class Parsed:
    """The outcome of reading one reply.

    Attributes:
        action: the canonical text of the action taken, or None when the reply had no valid
            one; send: the text to return to the protocol (``action``, or what makes it
            record an invalid action); note: a line for the model's next observation when
            the reply had no valid action, else None.
    """

    action: str | None
    send: str
    note: str | None


def _valid(text: str, obs: Observation, grid_size: int) -> str | None:
    try:
        action = parse_action(text, grid_size)
    except ActionError:
        return None
    if action.template not in obs.offered:
        return None
    if action.kind == "choose" and action.n >= len(obs.options or []):
        return None
    if action.kind == "choose-frame" and action.n >= (obs.n_frames or 0):
        return None
    return str(action)


_SHOWN = 80  # characters of a rejected candidate quoted back to the model


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "...")


def _why(text: str, obs: Observation, grid_size: int) -> str:
    """Why ``text`` is not an action offered now, without listing other phases' actions."""
    try:
        action = parse_action(text, grid_size)
    except ActionError as err:
        if " is outside " in str(err):
            return str(err)
        return f"{_quoted(text)} is not an action written as in the list below"
    if action.template not in obs.offered:
        return f"{action} is not offered now"
    if action.kind == "choose":
        return f"{action}: N must be in 0..{len(obs.options or []) - 1}"
    return f"{action}: K must be in 0..{(obs.n_frames or 1) - 1}"


def extract_action(reply: str, obs: Observation, grid_size: int) -> Parsed:
    """Take the first valid action of ``reply`` for observation ``obs`` (module docstring)."""
    visible = _THINKING.sub(" ", reply)
    candidates = [c.strip() for c in _tagged(visible)]
    for candidate in candidates:
        action = _valid(candidate, obs, grid_size)
        if action is not None:
            return Parsed(action, action, None)
    if not candidates:
        action = _valid(visible, obs, grid_size)
        if action is not None:
            return Parsed(action, action, None)
        note = (
            "Your last reply was not accepted: it held no <action>...</action> tag (outside "
            "the scratchpad). No action was taken; it still cost one action."
        )
        return Parsed(None, reply if reply.strip() else "(empty reply)", note)
    others = len(candidates) - 1
    note = (
        f"Your last reply was not accepted: {_why(candidates[0], obs, grid_size)}"
        + (f" (nor was any of its {others} other action tag(s))" if others else "")
        + ". No action was taken; it still cost one action."
    )
    return Parsed(None, candidates[0], note)
