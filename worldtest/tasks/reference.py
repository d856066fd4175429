"""Import a folder in the reference harness's layout (protocol section 5) into a suite.

The folder holds ``programs/<env>.sexp``, ``programs/<env>_change_detection_wrong_program.sexp``,
``prompts/<env>_{mfp,planning,cd}.json``, ``answers/<env>_{mfp,planning,change_detection}.json``
and ``color_dict.yaml`` (colour name -> index; 0 = mask). An import writes, under the suite:

- ``environments/<env>.sexp`` and an ``environments.toml`` table: ``grid_size`` and
  ``frame_rate`` read from the loaded program, ``stochastic`` = the program text uses
  ``uniformChoice`` or ``randomPositions``;
- ``tasks/<env>/mfp.json``: each observation's ``masked_grid`` is a frame and its ``action`` the
  action before it; the mask rectangle is the bounding box of the 0 cells of the masked frames,
  ``from_frame`` the first frame with a 0 cell; ``choices`` -> ``options``, ``correct_idx`` ->
  ``answer``; no ``option_sources`` (the reference records no provenance);
- ``tasks/<env>/planning.json``: ``goal``, ``mask``, ``optimal_actions_count`` ->
  ``optimal_actions``, and a witness plan of that length found by breadth-first search
  (:func:`worldtest.search.bfs`); a task without one is not imported (it is reported);
- ``tasks/<env>/cd.json`` + ``cd_wrong.sexp``: the condition becomes the ``trigger``, given its
  outer parentheses when the reference omitted them.

Colour indices are mapped through ``color_dict.yaml``'s names to ours (``worldtest.palette``).
Every task records the seed the reference harness uses by default, 0.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from worldtest.errors import AutumnError, ConfigError, TaskFileError, WorldtestError
from worldtest.palette import MASK, index_of
from worldtest.tasks.models import CdTask, MfpTask, PlanningTask, save_task

__all__ = ["REFERENCE_SEED", "ImportReport", "colour_map", "import_reference", "reference_envs"]

REFERENCE_SEED = 0
"""The reference harness's default seed, recorded in every imported task."""

_STOCHASTIC = re.compile(r"\b(uniformChoice|randomPositions)\b")
_WRONG = "_change_detection_wrong_program"
_ACTIONS = ("noop", "left", "right", "up", "down")


@dataclass
class ImportReport:
    """What an import did.

    Attributes:
        written: the files written.
        skipped: ``(task id, reason)`` of each task that could not be imported.
    """

    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def colour_map(path: Path) -> np.ndarray:
    """Read ``color_dict.yaml`` into a lookup table: reference index -> our palette index.

    Returns:
        ``int16`` array indexed by the reference's index; -1 where the reference has no colour.

    Raises:
        ConfigError: unreadable or malformed file, or a colour name our palette lacks (named).
    """
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the colour table: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in data.items()):
        raise ConfigError(f"{path}: expected lines 'name: index' (index >= 0)")
    table = np.full(max(data.values(), default=0) + 1, -1, dtype=np.int16)
    for name, index in data.items():
        try:
            table[index] = MASK if index == 0 else index_of(name)
        except ConfigError:
            raise ConfigError(f"{path}: colour {name!r} (index {index}) is not in worldtest's "
                              "palette (worldtest/palette.py)") from None
    table[0] = MASK
    return table


def reference_envs(folder: Path) -> list[str]:
    """The environments of a reference folder: ``programs/<env>.sexp`` minus wrong programs."""
    return sorted(p.stem for p in (folder / "programs").glob("*.sexp")
                  if not p.stem.endswith(_WRONG))


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise TaskFileError(path, "", f"cannot read: {err.strerror}") from None
    except json.JSONDecodeError as err:
        raise TaskFileError(path, "", f"not valid JSON: {err.msg} at line {err.lineno}") from None
    if not isinstance(data, dict):
        raise TaskFileError(path, "", f"expected a JSON object, got {type(data).__name__}")
    return data


def _grid(value: Any, colours: np.ndarray, path: Path, where: str) -> list[list[int]]:
    try:
        arr = np.array(value, dtype=np.int64)
    except (TypeError, ValueError):
        raise TaskFileError(path, where, "expected a grid: a list of rows of integers") from None
    if arr.ndim != 2 or arr.size == 0:
        raise TaskFileError(path, where, f"expected a non-empty 2-D grid, got shape {arr.shape}")
    bad = (arr < 0) | (arr >= len(colours))
    if not bad.any():
        bad = colours[arr] < 0
    if bad.any():
        y, x = (int(v[0]) for v in np.nonzero(bad))
        raise TaskFileError(path, where, f"cell ({x},{y}) has index {int(arr[y, x])}, which "
                            "color_dict.yaml does not name")
    return colours[arr].tolist()


def _action(value: Any, path: Path, where: str) -> str:
    kind = value.get("type") if isinstance(value, dict) else None
    if kind in _ACTIONS:
        return kind
    if kind == "click" and isinstance(value.get("x"), int) and isinstance(value.get("y"), int):
        return f"click {value['x']} {value['y']}"
    raise TaskFileError(path, where, f"expected an action {{'type': noop|left|right|up|down|click,"
                        f" 'x', 'y'}}, got {value!r}")


def _build(model: type, data: dict[str, Any], path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        cause = first.get("ctx", {}).get("error")
        where = getattr(cause, "field", None) or ".".join(str(p) for p in first["loc"])
        message = getattr(cause, "message", None) or first["msg"]
        raise TaskFileError(path, where, message) from None


def _mfp(env: str, folder: Path, colours: np.ndarray, common: dict[str, Any]) -> MfpTask:
    path = folder / "prompts" / f"{env}_mfp.json"
    prompt, answer = _json(path), _json(folder / "answers" / f"{env}_mfp.json")
    obs = prompt.get("observations")
    if not isinstance(obs, list) or len(obs) < 2 or not all(isinstance(o, dict) for o in obs):
        raise TaskFileError(path, "observations", "expected a list of at least 2 objects")
    frames = [_grid(o.get("masked_grid"), colours, path, f"observations.{i}.masked_grid")
              for i, o in enumerate(obs)]
    actions = [_action(o.get("action"), path, f"observations.{i}.action")
               for i, o in enumerate(obs) if i > 0]
    zero = [np.array(f) == MASK for f in frames]
    masked = [i for i, z in enumerate(zero) if z.any()]
    if not masked:
        raise TaskFileError(path, "observations", "no masked (0) cell in any masked_grid")
    ys, xs = np.nonzero(np.logical_or.reduce([zero[i] for i in masked]))
    mask = {"x": int(xs.min()), "y": int(ys.min()), "width": int(xs.max() - xs.min() + 1),
            "height": int(ys.max() - ys.min() + 1), "from_frame": masked[0]}
    choices = prompt.get("choices")
    if not isinstance(choices, list):
        raise TaskFileError(path, "choices", "expected a list of 6 grids")
    options = [_grid(c, colours, path, f"choices.{i}") for i, c in enumerate(choices)]
    return _build(MfpTask, {**common, "id": f"{env}/mfp", "family": "mfp", "actions": actions,
                            "frames": frames, "mask": mask, "options": options,
                            "answer": answer.get("correct_idx")}, path)


def _planning(env: str, folder: Path, colours: np.ndarray, common: dict[str, Any],
              program: Any, seed: int) -> PlanningTask:
    from worldtest.search import bfs, event_text, goal_test
    from worldtest.tasks.derive import MAX_PLAN_NODES

    path = folder / "prompts" / f"{env}_planning.json"
    prompt, answer = _json(path), _json(folder / "answers" / f"{env}_planning.json")
    goal = np.array(_grid(prompt.get("goal"), colours, path, "goal"), dtype=np.uint8)
    try:
        mask = np.array(prompt.get("mask"), dtype=np.uint8)
    except (TypeError, ValueError):
        raise TaskFileError(path, "mask", "expected a grid of 0/1") from None
    n = answer.get("optimal_actions_count")
    if not isinstance(n, int) or n < 1:
        raise TaskFileError(folder / "answers" / f"{env}_planning.json", "optimal_actions_count",
                            f"expected an integer >= 1, got {n!r}")
    if mask.shape != goal.shape:
        raise TaskFileError(path, "mask", f"expected the goal's shape {goal.shape}, got "
                            f"{mask.shape}")
    cells = [(int(x), int(y)) for y, x in zip(*np.nonzero(mask))]
    result = bfs(program.start(seed), goal_test(goal, mask), max_depth=n,
                 max_nodes=MAX_PLAN_NODES, extra_cells=cells)
    if result.plan is None:
        why = "no plan exists" if result.exhausted else \
            f"the search budget ({MAX_PLAN_NODES} nodes) ran out"
        raise WorldtestError(f"no witness plan of optimal_actions_count = {n} actions: {why}")
    if len(result.plan) != n:
        raise WorldtestError(f"optimal_actions_count is {n}, but a plan of {len(result.plan)} "
                             "actions reaches the goal")
    return _build(PlanningTask, {**common, "id": f"{env}/planning", "family": "planning",
                                 "goal": goal.tolist(), "mask": mask.tolist(),
                                 "optimal_actions": n,
                                 "plan": [event_text(e) for e in result.plan]}, path)


def _trigger(text: str) -> str:
    """The condition with outer parentheses (the reference may omit them)."""
    from worldtest.autumn.reader import SList, Source, read

    text = text.strip()
    forms = read(Source(text, "<condition>"))
    return text if len(forms) == 1 and isinstance(forms[0], SList) else f"({text})"


def _cd(env: str, folder: Path, common: dict[str, Any]) -> CdTask:
    path = folder / "answers" / f"{env}_change_detection.json"
    _json(folder / "prompts" / f"{env}_cd.json")
    condition = _json(path).get("condition")
    if not isinstance(condition, str) or not condition.strip():
        raise TaskFileError(path, "condition", "expected a non-empty Autumn expression")
    try:
        trigger = _trigger(condition)
    except AutumnError as err:
        raise TaskFileError(path, "condition", str(err).splitlines()[0]) from None
    return _build(CdTask, {**common, "id": f"{env}/cd", "family": "cd",
                           "wrong_program": "cd_wrong.sexp", "trigger": trigger,
                           "change": "imported from the reference harness, which does not "
                                     "describe the change"}, path)


def _toml_table(env: str, source: str, grid_size: int, frame_rate: int, folder: Path) -> str:
    stochastic = "true" if _STOCHASTIC.search(source) else "false"
    description = json.dumps(f"Imported from the reference harness folder {folder.name}.")
    return (f"\n[{env}]\ndescription = {description}\ngrid_size = {grid_size}\n"
            f"stochastic = {stochastic}\nframe_rate = {frame_rate}\nmechanics = []\nversion = 1\n")


def import_reference(folder: Path | str, suite_root: Path | str, *, seed: int = REFERENCE_SEED,
                     echo: Any = None) -> ImportReport:
    """Import every environment of a reference-layout folder into the suite at ``suite_root``.

    Args:
        folder: the reference folder (protocol section 5).
        suite_root: the suite to write into (created; an existing ``environments.toml`` is
            appended to).
        seed: the seed recorded in the tasks and used to search the planning witness.
        echo: called with one line per file written or task skipped (None: silent).

    Returns:
        The files written and the tasks skipped, with reasons.

    Raises:
        ConfigError: no programs, a bad ``color_dict.yaml``, an environment name that is not an
            id, or an environment already in the suite. AutumnError: a program does not load.
    """
    from worldtest.autumn import load_program

    folder, root = Path(folder), Path(suite_root)
    envs = reference_envs(folder)
    if not envs:
        raise ConfigError(f"{folder}: no programs/<env>.sexp: not a reference-layout folder")
    colours = colour_map(folder / "color_dict.yaml")
    toml = root / "environments" / "environments.toml"
    known = toml.read_text(encoding="utf-8") if toml.exists() else ""
    for env in envs:
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", env):
            raise ConfigError(f"{folder}: environment name {env!r} is not an id "
                              "(lowercase letters, digits, '_' and '-')")
        if re.search(rf"^\[{re.escape(env)}\]", known, re.MULTILINE):
            raise ConfigError(f"{toml}: environment {env!r} is already in the suite; remove it "
                              "first")
    report = ImportReport()
    say = echo or (lambda line: None)
    for env in envs:
        source_path = folder / "programs" / f"{env}.sexp"
        program = load_program(str(source_path))
        world = program.start(seed)
        target = root / "environments" / f"{env}.sexp"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_path, target)
        with toml.open("a", encoding="utf-8") as out:
            out.write(_toml_table(env, source_path.read_text(encoding="utf-8"),
                                  world.grid_size, world.frame_rate, folder))
        report.written += [target, toml]
        say(f"{target}: imported")
        common = {"env": env, "seed": seed, "derived_by": f"imported from the reference harness "
                                                          f"folder {folder.name}"}
        tasks = root / "tasks" / env
        for family in ("mfp", "planning", "cd"):
            try:
                if family == "mfp":
                    task: Any = _mfp(env, folder, colours, common)
                elif family == "planning":
                    task = _planning(env, folder, colours, common, program, seed)
                else:
                    wrong = folder / "programs" / f"{env}{_WRONG}.sexp"
                    if not wrong.is_file():
                        raise TaskFileError(wrong, "", "missing: the CD wrong program")
                    load_program(str(wrong))
                    task = _cd(env, folder, common)
                    tasks.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(wrong, tasks / "cd_wrong.sexp")
                    report.written.append(tasks / "cd_wrong.sexp")
            except WorldtestError as err:
                report.skipped.append((f"{env}/{family}", str(err).splitlines()[0]))
                say(f"{env}/{family}: not imported: {str(err).splitlines()[0]}")
                continue
            save_task(task, tasks / f"{family}.json")
            report.written.append(tasks / f"{family}.json")
            say(f"{tasks / f'{family}.json'}: imported")
    return report
