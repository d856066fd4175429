"""One failed check of task validation (shared by :mod:`~worldtest.authoring.validate` and
:mod:`~worldtest.authoring.battery`)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem"]


@dataclass(frozen=True)
class Problem:
    """One failed check: which task, which field or check, and what is wrong."""

    task: str
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.task}: {self.check}: {self.message}"
