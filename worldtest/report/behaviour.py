"""Behavioural statistics per row: actions, resets, reset similarity, invalid actions, usage.

Source: protocol section 4 lists the statistics Warrier et al. 2025 ("Benchmarking World-Model
Learning", arXiv 2510.19788) found telling: the number of resets, the share of resets among
actions, and the similarity of the action sequences before and after each reset (humans about
0.83, models at most 0.36: humans re-run an experiment after a reset, models do something
else). Tokens and cost come from :attr:`EpisodeRecord.usage` of model agents.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from pydantic import BaseModel

from worldtest.report.rows import Row
from worldtest.results import ActionLog, EpisodeRecord

__all__ = [
    "USAGE_KEYS",
    "Behaviour",
    "behaviour",
    "lcs_length",
    "reset_segments",
    "reset_similarities",
]

USAGE_KEYS: tuple[str, ...] = ("input_tokens", "output_tokens", "cost_usd")
"""The :attr:`EpisodeRecord.usage` keys the behaviour table sums (absent keys show a dash)."""

_NOT_PROGRAM = ("reset", "go-to-test")


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two sequences (dynamic programming).

    Args:
        a, b: sequences of hashable items (action texts); O(len(a) * len(b)) time.

    Returns:
        The length, 0 when either is empty.
    """
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def reset_segments(interaction: Sequence[ActionLog]) -> list[list[str]]:
    """Split an interaction phase at its resets into the action sequences between them.

    Only valid program actions (``noop``, the arrows, ``click X Y`` as canonical text) enter
    the segments; invalid actions and ``go-to-test`` are left out. An episode with r resets
    gives r + 1 segments (some may be empty).
    """
    segments: list[list[str]] = [[]]
    for log in interaction:
        if not log.valid:
            continue
        if log.action == "reset":
            segments.append([])
        elif log.action not in _NOT_PROGRAM:
            segments[-1].append(log.action)
    return segments


def reset_similarities(record: EpisodeRecord) -> list[float]:
    """The before/after similarity of each reset of an episode's interaction phase.

    For the i-th reset, with ``before`` the valid program actions since the previous reset (or
    the start) and ``after`` those up to the next reset (or the end of the phase), the
    similarity is ``lcs_length(before, after) / max(len(before), len(after))``: 1 when one
    segment repeats the other exactly, 0 when they share no action. Clicks match only on the
    same cell (exact action text). A reset with both segments empty (two resets in a row) has
    no similarity and is left out.

    Returns:
        One value in [0, 1] per reset that has one, in order.
    """
    segments = reset_segments(record.interaction)
    out = []
    for before, after in pairwise(segments):
        longer = max(len(before), len(after))
        if longer:
            out.append(lcs_length(before, after) / longer)
    return out


class Behaviour(BaseModel):
    """One row of the behaviour table.

    Attributes:
        agent: the row label; ``n_episodes``: episodes behind it.
        interaction_actions: mean agent actions per interaction phase (every action counts
            against the budget: resets, go-to-test and invalid ones included).
        resets: mean resets per episode; ``reset_share``: resets / interaction actions, pooled
            over episodes (0 without actions).
        reset_similarity: mean of :func:`reset_similarities` over every reset of every
            episode, each reset weighing equally; None without any reset.
        n_similarities: how many resets that mean is over.
        invalid: mean invalid actions per episode (both phases); ``invalid_share``: invalid /
            all actions, pooled.
        usage: key of :data:`USAGE_KEYS` -> total over the row's episodes (tokens; US
            dollars); None when no episode of the row reports that key.
    """

    agent: str
    n_episodes: int
    interaction_actions: float
    resets: float
    reset_share: float
    reset_similarity: float | None
    n_similarities: int
    invalid: float
    invalid_share: float
    usage: dict[str, float | None]


def _usage_total(episodes: Sequence[EpisodeRecord], key: str) -> float | None:
    values = [r.usage[key] for r in episodes if isinstance(r.usage.get(key), int | float)]
    return float(sum(values)) if values else None


def behaviour(row: Row) -> Behaviour:
    """Compute the behaviour statistics of one row (see :class:`Behaviour`)."""
    episodes = row.episodes
    n = len(episodes)
    n_interaction = sum(len(r.interaction) for r in episodes)
    n_actions = n_interaction + sum(len(r.test) for r in episodes)
    n_resets = sum(r.n_resets for r in episodes)
    similarities = [s for r in episodes for s in reset_similarities(r)]
    return Behaviour(
        agent=row.label,
        n_episodes=n,
        interaction_actions=n_interaction / n,
        resets=n_resets / n,
        reset_share=n_resets / n_interaction if n_interaction else 0.0,
        reset_similarity=sum(similarities) / len(similarities) if similarities else None,
        n_similarities=len(similarities),
        invalid=sum(r.n_invalid for r in episodes) / n,
        invalid_share=sum(r.n_invalid for r in episodes) / n_actions if n_actions else 0.0,
        usage={key: _usage_total(episodes, key) for key in USAGE_KEYS},
    )
