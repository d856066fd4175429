"""The paper's reference rows: human and model scores on AutumnBench.

Source: Warrier et al. 2025, "Benchmarking World-Model Learning" (arXiv 2510.19788), the
results table of mean scores over the paper's 43 environments, as reproduced in
``worldtest-protocol.md`` section 4. They were measured on the paper's own environments and
tasks, not on this project's, so reports show them as a separately labelled block and never rank
them together with measured agents.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["REFERENCE_NOTE", "REFERENCE_ROWS", "ReferenceRow"]

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
