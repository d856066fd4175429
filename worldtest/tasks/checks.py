"""The cheap checks of a loaded task that need more than its own fields: one place used by both
``worldtest tasks validate`` and ``worldtest run``.

Loading a task (:func:`worldtest.tasks.models.load_task`) already checks everything that its
JSON fields alone decide (shapes, the mask, six distinct options, one known ``option_sources``
entry per option with the truth at ``answer``, a plan as long as ``optimal_actions`` ...).
:func:`check_task` adds what needs the default settings or the programs, without replaying
anything: a planning task's ``optimal_actions`` within the default horizon; a CD task's wrong
program present, compiling and differing from the environment's, its trigger compiling and not
holding at the test's frame 0 (one program start and the task's hidden prefix). The validator then proves the rest by replays and
searches; the runner calls :func:`check_task` on every task before any episode, so a defect the
validator finds statically also stops a run, with the same message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from worldtest.errors import AutumnError, TaskFileError
from worldtest.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.autumn.runtime import Program
    from worldtest.tasks.models import CdTask, Task

__all__ = ["check_task"]


def check_task(task: Task, program: Program) -> list[TaskFileError]:
    """The defects of a loaded task found without replays.

    Args:
        task: a loaded task (:class:`~worldtest.tasks.models.MfpTask`, ``PlanningTask`` or
            ``CdTask``); its ``path`` names the file in the errors (``<memory>`` without one).
        program: the environment's compiled program (:class:`worldtest.autumn.Program`).

    Returns:
        One :class:`~worldtest.errors.TaskFileError` per defect (file, field, message); empty
        for a sound task. Nothing is raised for a defect.
    """
    where = str(task.path) if task.path is not None else "<memory>"
    if task.family == "planning":

        horizon = Settings().horizon
        if task.optimal_actions > horizon:
            return [TaskFileError(where, "optimal_actions",
                                  f"{task.optimal_actions} exceeds the default horizon {horizon}")]
    if task.family == "cd":
        return _check_cd(task, program, where)
    return []


def _check_cd(task: CdTask, program: Program, where: str) -> list[TaskFileError]:
    from worldtest.autumn import load_program

    path = task.wrong_program_path() if task.path is not None else None
    if path is None or not path.exists():
        return [TaskFileError(where, "wrong_program", f"{task.wrong_program} is missing")]
    try:
        wrong = load_program(path)
    except AutumnError as err:
        return [TaskFileError(where, "wrong_program", str(err).splitlines()[0])]
    if wrong.source.text == program.source.text:
        return [TaskFileError(where, "wrong_program", "is identical to the environment's program")]
    from worldtest.env import start_world

    try:
        fires_now = start_world(wrong, task.seed, task.prefix_events()).condition(task.trigger)
    except AutumnError as err:
        return [TaskFileError(where, "trigger", str(err).splitlines()[0])]
    if fires_now:
        return [TaskFileError(where, "trigger",
                              "holds at frame 0: the change needs no interaction")]
    return []
