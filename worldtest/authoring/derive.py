"""Make task instances from an environment's program (``worldtest tasks derive``).

Deterministic: every random choice comes from a generator seeded by the task id, so deriving
twice writes the same bytes. The protocol's task data (section 3) is produced as follows.

MFP (3.1): a recording of a rule-exercising policy (noops, arrows, clicks on objects and on
random cells), ending with a *key* action (a click on an object, or an arrow) followed by noops
while its consequences unfold; the mask covers the bounding box of the cells that change after
the key action (where the dynamics decide the outcome), and the masked frames start with the key
action's frame, as in the reference example ("the last 6 of 73 frames, starting at the last
click"). The five distractors are mask regions of frames the program can produce: other ticks of
the recording, the same actions under other seeds, other key actions or continuations, small
rule perturbations (one integer literal of the program moved by one, :func:`perturbation_sites`)
and the CD wrong program (a one-rule change); each option records its source, so the validator
can re-derive it. The distractors are chosen so that the similarity-only baselines of
:mod:`worldtest.tasks.baselines` cannot single out the truth where the candidates allow it: at
least one distractor continues the unmasked border as well as the truth does, and at least one
is as close to the last unmasked frame.

Planning (3.2): the goal is a state at a drawn depth of the breadth-first layers from the start
(or, where the world branches too fast, the end of a short rule-exercising rollout), masked to
the cells the actions changed (at most an 8x8 window of them); ``optimal_actions`` is the
length of the shortest plan breadth-first search finds (``worldtest.search``), which is stored
as the witness.

CD (3.3): the wrong program and its trigger are written by hand (one rule changed), in
``tasks/<env>/cd_wrong.sexp`` and ``tasks/<env>/cd.json``; derive leaves them as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from worldtest.authoring.derive_common import (
    CD_PREFIX_TRIES, DERIVE_LAYER_NODES, DERIVE_LAYER_TICKS, DERIVE_PLAN_NODES,
    DERIVE_PLAN_TICKS, DERIVE_VERSION, FAMILIES_DERIVED, GOAL_WINDOW, MAX_MASK, MAX_PLAN_NODES,
    PLAN_MIN_ACTIONS, PLAN_ROLLOUT, PLAN_ROUNDS, PLANNING_HORIZON, PREFIX_ACTIONS, TASK_SEED_KEY,
    TASK_VERSION, hidden_prefix, parse_events, patch, perturbation_sites, perturbed_program,
    policy_event, replay, rollout, task_rng, task_seed, trigger_plan,
)
from worldtest.authoring.derive_mfp import (
    MFP_SUBSETS, derive_mfp, mfp_targets, source_frame, source_patch,
)
from worldtest.authoring.derive_planning import derive_cd_start, derive_planning
from worldtest.suite import Suite
from worldtest.tasks.models import save_task

# The derivation lives in derive_common (seeds, policy, rollouts, perturbations, hidden
# prefix), derive_mfp and derive_planning (planning and the CD start); this module is the
# entry point and re-exports their names.
__all__ = ["derive", "derive_env", "derive_mfp", "derive_planning", "derive_cd_start",
           "hidden_prefix", "mfp_targets", "task_seed", "task_rng",
           "DERIVE_VERSION",
           "replay", "patch", "perturbation_sites", "perturbed_program", "parse_events",
           "trigger_plan"]
_REEXPORTED = (CD_PREFIX_TRIES, DERIVE_LAYER_NODES, DERIVE_LAYER_TICKS, DERIVE_PLAN_NODES,
               DERIVE_PLAN_TICKS, GOAL_WINDOW, MAX_MASK, MAX_PLAN_NODES, PLAN_MIN_ACTIONS,
               PLAN_ROLLOUT, PLAN_ROUNDS, PLANNING_HORIZON, PREFIX_ACTIONS, TASK_SEED_KEY,
               TASK_VERSION, MFP_SUBSETS, policy_event, rollout, source_frame, source_patch)


def derive_env(suite: Suite, env: str, families: tuple[str, ...] = FAMILIES_DERIVED
               ) -> list[tuple[Path, Any]]:
    """Derive the tasks of one environment of ``suite`` (a :class:`worldtest.suite.Suite`).

    Returns:
        ``(path, task)`` for each task made, in ``families`` order; CD only where its
        hand-written ``cd.json`` and ``cd_wrong.sexp`` exist.

    Raises:
        WorldtestError: a task could not be derived.
    """
    from worldtest.autumn import load_program
    program = suite.program(env)
    wrong_path = suite.task_path(env, "cd").parent / "cd_wrong.sexp"
    wrong = load_program(str(wrong_path)) if wrong_path.exists() else None
    out = []
    for family in families:
        if family == "mfp":
            task = derive_mfp(env, program, wrong=wrong,
                              targets=mfp_targets(env, list(suite.envs)))
        elif family == "planning":
            task = derive_planning(env, program)
        else:
            if wrong is None or not suite.task_path(env, "cd").exists():
                continue
            task = derive_cd_start(env, program, wrong, suite.task(env, "cd"))
        out.append((suite.task_path(env, family), task))
    return out


def derive(root: Path, envs: list[str] | None = None, *,
           families: tuple[str, ...] = FAMILIES_DERIVED, echo: Any = print,
           workers: int = 1) -> list[Path]:
    """Derive and write the tasks of every environment (or ``envs``): MFP and planning from the
    program, and the test start (seed and hidden prefix) of each hand-written CD task.

    Args:
        workers: processes deriving environments at once (``worldtest.parallel``); the files
            written and the echoed lines are the same, in the same order, for any number.

    Returns:
        The task files written.
    """
    from worldtest.parallel import imap_ordered
    suite = Suite(root)
    names = envs or sorted(suite.envs)
    written = []
    items = [(suite.root, env, families) for env in names]
    for paths, lines in imap_ordered(_derive_env, items, workers,
                                     preload=("worldtest.authoring.derive",)):
        written += paths
        for line in lines:
            echo(line)
    return written


def _derive_env(item: tuple[Path, str, tuple[str, ...]]) -> tuple[list[Path], list[str]]:
    """Derive and write the tasks of one environment: (files written, lines to echo)."""
    root, env, families = item
    suite = Suite(root)
    written, lines = [], []
    for path, task in derive_env(suite, env, families):
        save_task(task, path)
        written.append(path)
        lines.append(f"{path}: derived ({_summary(task)})")
    if not (suite.task_path(env, "cd").parent / "cd_wrong.sexp").exists():
        lines.append(f"{env}: no CD task yet: write tasks/{env}/cd_wrong.sexp (the program with "
                     "one rule changed) and tasks/{env}/cd.json (its trigger) by hand")
    return written, lines


def _summary(task: Any) -> str:
    if task.family == "mfp":
        m = task.mask
        return (f"{len(task.actions)} actions, mask {m.width}x{m.height} at ({m.x},{m.y}) from "
                f"frame {m.from_frame}, answer {task.answer}")
    if task.family == "cd":
        return f"hidden prefix of {len(task.prefix)} actions"
    bound = "" if task.lower_bound is None else f" (at least {task.lower_bound})"
    return (f"optimal_actions {task.optimal_actions}{bound}, {int(task.mask.sum())} goal "
            f"cells, prefix {len(task.prefix)}")
