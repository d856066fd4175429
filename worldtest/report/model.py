"""What a rendering of the report shows: :class:`Report` (built by
:func:`worldtest.report.build.build_report`, rendered by :mod:`~worldtest.report.html` and
:mod:`~worldtest.report.markdown`, which import it from here, not from ``build``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from worldtest.report.aggregate import AgentSummary
from worldtest.report.behaviour import Behaviour
from worldtest.report.bootstrap import BOOTSTRAP_SEED, N_RESAMPLES

__all__ = ["Report"]


@dataclass
class Report:
    """Everything a rendering shows.

    Attributes:
        n_records: records read; ``n_episodes``: after de-duplication by key.
        summaries: leaderboard rows, best overall first.
        humans: one row per human participant (empty when there are none).
        behaviour: label -> :class:`Behaviour`, for every row of ``summaries`` and ``humans``.
        per_env: label -> environment -> family -> score (seeds averaged).
        stochastic: environment -> whether it is stochastic.
        media: label -> family -> the episodes drawn (see :mod:`worldtest.report.media`).
        seed, n_resamples: the bootstrap's seed and number of replicates.
        notes: problems met while building (episodes that could not be replayed).
    """

    n_records: int
    n_episodes: int
    summaries: list[AgentSummary]
    humans: list[AgentSummary]
    behaviour: dict[str, Behaviour]
    per_env: dict[str, dict[str, dict[str, float]]]
    stochastic: dict[str, bool]
    media: dict[str, dict[str, list]] = field(default_factory=dict)
    seed: int = BOOTSTRAP_SEED
    n_resamples: int = N_RESAMPLES
    notes: list[str] = field(default_factory=list)

    @property
    def envs(self) -> list[str]:
        """Every environment of the report, sorted by name."""
        return sorted(self.stochastic)
