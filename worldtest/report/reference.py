"""The paper's reference rows: human and model scores on AutumnBench.

Source (:data:`REFERENCE_SOURCE`): Warrier et al., "Benchmarking World-Model Learning with
Environment-Level Queries", ICML 2026, arXiv 2510.19788v4 (revised 7 May 2026): its results
table of mean scores over the paper's 43 environments, as reproduced in
``worldtest-protocol.md`` section 4. These five model rows are the v4 ones: the 2025 versions
(v1-v3, "Benchmarking World-Model Learning") report three models (o3, Claude 4 Sonnet, Gemini
2.5 Pro). The table's number in v4 could not be checked here (its text was not available to
this project), so it is not given. They were measured on the paper's own environments and
tasks, not on this project's, so reports show them as a separately labelled block and never rank
them together with measured agents.

Two rows do not add up (:data:`REFERENCE_CAVEATS`): their overall is not the mean of their
three family scores. The paper's overall is the mean over environments of per-environment
means, which equals the mean of the family means only when every environment has all three
scores; the source could not be consulted to tell a typo from missing episodes, so the numbers
are kept as printed and marked.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["REFERENCE_CAVEATS", "REFERENCE_NOTE", "REFERENCE_ROWS", "REFERENCE_SOURCE",
           "ReferenceRow", "caveat_lines"]

REFERENCE_SOURCE = (
    'Warrier et al., "Benchmarking World-Model Learning with Environment-Level Queries", '
    "ICML 2026 (arXiv 2510.19788v4)"
)
"""The paper version the rows come from (see the module docstring)."""

REFERENCE_NOTE = "measured on the paper's environments, not comparable"
"""The caption every report puts on the reference rows."""


class ReferenceRow(NamedTuple):
    """One reference row: mean task scores in [0, 1] over the paper's 43 environments.

    Attributes:
        name: who was measured (a participant group, a model, or the simulator agent).
        cd, mfp, planning: the family scores (change detection, masked-frame prediction,
            planning).
        overall: the paper's overall score.
    """

    name: str
    cd: float
    mfp: float
    planning: float
    overall: float

    def family(self, family: str) -> float:
        """The score of a family by its id (``"mfp"``, ``"planning"``, ``"cd"``)."""
        return {"mfp": self.mfp, "planning": self.planning, "cd": self.cd}[family]

    @property
    def family_mean(self) -> float:
        """The mean of the three family scores (equal to ``overall`` when the row adds up)."""
        return (self.cd + self.mfp + self.planning) / 3


REFERENCE_ROWS: tuple[ReferenceRow, ...] = (
    ReferenceRow("humans", 0.914, 0.938, 0.953, 0.935),
    ReferenceRow("o3", 0.222, 0.279, 0.326, 0.275),
    ReferenceRow("Claude 4 Sonnet", 0.095, 0.302, 0.349, 0.256),
    ReferenceRow("Gemini 2.5 Pro", 0.116, 0.256, 0.209, 0.194),
    ReferenceRow("Gemini 2.5 Flash", 0.203, 0.256, 0.140, 0.199),
    ReferenceRow("Qwen3-235B thinking", 0.077, 0.214, 0.209, 0.159),
    ReferenceRow("simulator with the true program", 0.349, 0.814, 0.186, 0.450),
)
"""The paper's rows, in the paper's order (CD / MFP / planning / overall)."""

REFERENCE_CAVEATS: dict[str, str] = {
    row.name: (f"overall {row.overall:.3f} as printed, but the mean of its family scores is "
               f"{row.family_mean:.3f}")
    for row in REFERENCE_ROWS
    if abs(row.family_mean - row.overall) > 0.0015
}
"""Rows whose overall differs from the mean of their family scores (beyond rounding): today
Claude 4 Sonnet (0.249 vs 0.256) and Qwen3-235B thinking (0.167 vs 0.159)."""


def caveat_lines() -> list[str]:
    """One ``"† name: reason"`` line per row in :data:`REFERENCE_CAVEATS`."""
    return [f"† {name}: {why}" for name, why in REFERENCE_CAVEATS.items()]
