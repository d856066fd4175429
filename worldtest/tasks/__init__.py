"""The three AutumnBench task families: task models, test phases and scores.

Source: Warrier et al. 2025, "Benchmarking World-Model Learning" (arXiv 2510.19788), as fixed
by ``worldtest-protocol.md`` section 3. Each task is one episode's test phase, run after a fresh
interaction phase (section 1); every test action is exactly one tick (section 2).

- **mfp** (masked-frame prediction, 3.1): step through a recording of the same program whose last
  frames are masked in a rectangle; then choose which of 6 patches fills the mask in the final
  frame. Score 1 if right, else 0 (chance 1/6). Module :mod:`worldtest.tasks.mfp`.
- **planning** (3.2): act in the same program from the task's start until the frame matches a
  goal on the masked cells; score 1 on success, else 0; the efficiency credit
  f(actions_used / optimal_actions) is recorded beside it. Module :mod:`worldtest.tasks.planning`.
- **cd** (change detection, 3.3): act in a "wrong program" (one rule changed) and claim
  ``found-change``, then pick the first defective frame; scored by the decay f of
  :mod:`worldtest.tasks.scoring`. Module :mod:`worldtest.tasks.cd`.

Task files: :mod:`worldtest.tasks.models`. The test phases share :class:`TestPhase`
(:mod:`worldtest.tasks.phase`); :func:`start_phase` picks the family's ``start``.

Submodules are imported lazily so that ``import worldtest.tasks.models`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.autumn.runtime import Program
    from worldtest.settings import Settings
    from worldtest.tasks.models import Task
    from worldtest.tasks.phase import TestPhase

__all__ = ["start_phase"]


def start_phase(
    task: Task, program: Program, settings: Settings, seed: int | None = None, **kwargs: Any
) -> TestPhase:
    """Start the test phase of ``task`` (any family): ``<family module>.start(...)``.

    Args:
        task: an ``MfpTask``, ``PlanningTask`` or ``CdTask``.
        program: the environment's compiled program.
        settings: the episode's :class:`~worldtest.settings.Settings` (resolved).
        seed: None (what the protocol passes): every family's test runs with the task's seed,
            after its hidden prefix (``docs/protocol.md`` section 2); an int overrides the
            seed (tools and tests only).
        **kwargs: passed on (``wrong_program=`` for CD).

    Returns:
        The family's :class:`~worldtest.tasks.phase.TestPhase`, ready for its first action.
    """
    from importlib import import_module

    module = import_module(f"worldtest.tasks.{task.family}")
    return module.start(task, program, settings, seed, **kwargs)
