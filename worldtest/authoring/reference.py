"""Import a folder in the reference harness's layout (protocol section 5) into a suite.

The reference layout (BasisResearch/MARAProtocol, ``python_examples/autumnbench/
example_benchmark/`` and what ``scripts/download_dataset.sh`` fetches) is:

- ``color_dict.yaml``: one ``INDEX: name`` line per colour (``0: transparent``, ``1: black``,
  ...); index 0 is the masked cell of MFP grids;
- ``prompts/<task>.json``: ``{"type": ..., "program": ENV, ...}`` with ``type`` one of
  ``masked_frame_prediction`` (``observations`` = ``[{"masked_grid": G0}, {"action": A,
  "masked_grid": G1}, ...]``, ``choices`` = 6 patches), ``planning`` (``goal``, ``mask``) or
  ``change_detection`` (``wrong_program``: a program id);
- ``answers/<task>.json``: ``{"correct_idx": k}`` (MFP), ``{"optimal_actions_count": n}``
  (planning), ``{"condition": "<Autumn expression>"}`` (CD). The example folder names its CD
  answer ``answers/<env>_condition.json`` (the file the reference harness reads), so that name
  is used when ``answers/<task>.json`` has no condition;
- ``programs/<env>.sexp`` and ``programs/<wrong_program>.sexp`` (CD; ``<env>_wrong`` when the
  prompt names none).

Tasks are found by reading every ``prompts/*.json`` and dispatching on ``type``, as the
reference harness does; a prompt of any other type (the example's old ``defect_detection``)
is named and skipped. An import writes, under the suite:

- ``environments/<env>.sexp`` and an ``environments.toml`` table (``grid_size`` and
  ``frame_rate`` from the loaded program; ``stochastic`` = the program text uses
  ``uniformChoice`` or ``randomPositions``);
- ``tasks/<env>/mfp.json``: each observation's ``masked_grid`` is a frame and its ``action``
  the action before it; the mask rectangle is the bounding box of the 0 cells, ``from_frame``
  the first frame with a 0 cell; ``choices`` -> ``options``, ``correct_idx`` -> ``answer``;
- ``tasks/<env>/planning.json``: ``goal`` and ``mask``; the reference checks the goal on the
  cells where the mask is 1 after every tick, and that is all it checks. ``optimal_actions_count``
  is kept as ``reference_optimal_actions`` (authors' metadata: the reference harness never reads
  it, and it is not a proven shortest plan). Reachability is shown by search, up to
  ``plan_depth`` ticks: first breadth-first (:func:`worldtest.search.bfs`, ``plan_nodes``
  states: its plan is a shortest one), then, when that budget runs out, greedy best-first
  (:func:`reachable`: fewest goal cells still wrong first, deeper first on ties, another
  ``plan_nodes`` states), which finds long waits (water that falls for 14 ticks) that
  breadth-first search over ~260 actions per tick cannot. The plan found is the task's witness
  ``plan`` and its length ``optimal_actions`` (an upper bound when the greedy search found it;
  ``worldtest tasks validate`` then says the shortest length is unproven). When neither search
  reaches the goal the task is *not* imported and the reason names the budget: an unreachable
  goal would score every agent 0, and the oracle would have no plan;
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
from worldtest.palette import COLOURS, MASK, index_of

__all__ = ["PLAN_DEPTH", "PLAN_NODES", "REFERENCE_SEED", "ImportReport", "ReferenceTask",
           "colour_map", "colour_table_text", "import_reference", "reachable", "reference_tasks",
           "require_yaml"]

REFERENCE_SEED = 0
"""The reference harness's default seed (its ``conf/config.yaml``), recorded in every task."""

PLAN_DEPTH = 300
"""Deepest plan (ticks) the reachability search of an imported planning task considers."""

PLAN_NODES = 5_000
"""States each reachability search of an imported planning task may create (breadth-first,
then greedy). Measured: about 6 ms a state on the shipped 16 x 16 ``ice``, so at most about a
minute per task whose goal is not reached."""

_STOCHASTIC = re.compile(r"\b(uniformChoice|randomPositions)\b")
_ACTIONS = ("noop", "left", "right", "up", "down")
_TYPES = {"masked_frame_prediction": "mfp", "planning": "planning", "change_detection": "cd"}
_ENV_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass
class ImportReport:
    """What an import did.

    Attributes:
        written: the files written.
        skipped: ``(task, reason)`` of each task that could not be imported (``task`` is
            ``env/family`` or the prompt file's name).
    """

    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ReferenceTask:
    """One task of a reference folder, as its prompt names it.

    Attributes:
        name: the task id, the prompt's file stem (``ice_mfp``).
        env: the prompt's ``program``; family: ``mfp``, ``planning`` or ``cd``.
        prompt: the prompt's path; data: its parsed JSON object.
    """

    name: str
    env: str
    family: str
    prompt: Path
    data: dict[str, Any]


def require_yaml() -> Any:
    """The ``yaml`` module (PyYAML, the ``reference`` extra), which reads the reference
    harness's ``color_dict.yaml``.

    Raises:
        ConfigError: PyYAML is not installed (says how to install it).
    """
    try:
        import yaml
    except ImportError:
        raise ConfigError("reading the reference harness's colour table (color_dict.yaml) needs "
                          "PyYAML: pip install 'worldtest[reference]'") from None
    return yaml


def colour_map(path: Path) -> np.ndarray:
    """Read ``color_dict.yaml`` (``INDEX: name`` lines) into reference index -> our index.

    Returns:
        ``int16`` array indexed by the reference's index; -1 where the reference has no
        colour; index 0 maps to our mask (0) whatever its name.

    Raises:
        ConfigError: unreadable or malformed file (e.g. ``name: index`` lines), a colour
            name our palette lacks (named), or PyYAML missing (the ``reference`` extra).
    """
    yaml = require_yaml()

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the colour table: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict) or not data or not all(
            isinstance(k, int) and not isinstance(k, bool) and k >= 0 and isinstance(v, str)
            for k, v in data.items()):
        raise ConfigError(f"{path}: expected lines 'INDEX: name' (index >= 0, then a colour "
                          "name, e.g. '1: black'), as the reference harness writes it")
    table = np.full(max(data) + 1, -1, dtype=np.int16)
    for index, name in data.items():
        if index == 0:
            continue
        try:
            table[index] = index_of(name.strip().lower())
        except ConfigError:
            raise ConfigError(f"{path}: colour {name.strip()!r} (index {index}) is not in "
                              "worldtest's palette (worldtest/palette.py)") from None
    table[0] = MASK
    return table


def colour_table_text() -> str:
    """Our palette in the reference's ``color_dict.yaml`` layout (``INDEX: name`` lines).

    Index 0 is written ``transparent``, the reference's name for it (our palette calls it
    ``mask``); the other 39 names and indices are ``worldtest.palette.COLOURS``.
    """
    return "".join(f"{i}: {'transparent' if i == 0 else name}\n"
                   for i, name in enumerate(COLOURS))


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


def reference_tasks(folder: Path) -> tuple[list[ReferenceTask], list[tuple[str, str]]]:
    """The tasks of a reference folder: every ``prompts/*.json`` whose ``type`` is a family.

    Returns:
        ``(tasks, skipped)``: tasks in file-name order; ``skipped`` names each prompt that is
        not a task (unknown type, no ``program``, unreadable) with the reason.
    """
    tasks, skipped = [], []
    for path in sorted((Path(folder) / "prompts").glob("*.json")):
        try:
            data = _json(path)
        except TaskFileError as err:
            skipped.append((path.name, str(err).splitlines()[0]))
            continue
        kind, env = data.get("type"), data.get("program")
        if kind not in _TYPES:
            skipped.append((path.name, f"prompt type {kind!r} is not one the reference harness "
                            f"runs ({', '.join(_TYPES)})"))
        elif not isinstance(env, str) or not _ENV_ID.fullmatch(env):
            skipped.append((path.name, f"program {env!r} is not an environment id (lowercase "
                            "letters, digits, '_' and '-')"))
        else:
            tasks.append(ReferenceTask(path.stem, env, _TYPES[kind], path, data))
    return tasks, skipped


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


def _mfp(task: ReferenceTask, folder: Path, colours: np.ndarray, common: dict[str, Any]) -> Any:
    from worldtest.tasks.models import MfpTask

    path, prompt = task.prompt, task.data
    answer = _json(folder / "answers" / f"{task.name}.json")
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
    return _build(MfpTask, {**common, "id": f"{task.env}/mfp", "family": "mfp",
                            "actions": actions, "frames": frames, "mask": mask,
                            "options": options, "answer": answer.get("correct_idx")}, path)


def _planning(task: ReferenceTask, folder: Path, colours: np.ndarray, common: dict[str, Any],
              program: Any, seed: int, depth: int, nodes: int) -> Any:
    from worldtest.search import bfs, event_text, goal_test
    from worldtest.tasks.models import PlanningTask

    path, prompt = task.prompt, task.data
    answer_path = folder / "answers" / f"{task.name}.json"
    answer = _json(answer_path) if answer_path.is_file() else {}
    goal = np.array(_grid(prompt.get("goal"), colours, path, "goal"), dtype=np.uint8)
    try:
        mask = np.array(prompt.get("mask"), dtype=np.uint8)
    except (TypeError, ValueError, OverflowError):
        raise TaskFileError(path, "mask", "expected a grid of 0/1") from None
    if mask.shape != goal.shape:
        raise TaskFileError(path, "mask", f"expected the goal's shape {goal.shape}, got "
                            f"{mask.shape}")
    n = answer.get("optimal_actions_count")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        raise TaskFileError(answer_path, "optimal_actions_count",
                            f"expected an integer >= 1, got {n!r}")
    cells = [(int(x), int(y)) for y, x in zip(*np.nonzero(mask))]
    start = program.start(seed)
    result = bfs(start, goal_test(goal, mask), max_depth=depth, max_nodes=nodes,
                 extra_cells=cells)
    if result.plan is None and not result.exhausted:
        result = reachable(start, goal, mask, max_depth=depth, max_nodes=nodes,
                           extra_cells=cells)
    if result.plan is None:
        why = (f"no plan of at most {depth} ticks exists" if result.exhausted else
               f"not found within the search budget ({nodes} states breadth-first, then "
               f"{nodes} greedy; plans up to {depth} ticks)")
        raise WorldtestError(f"goal not shown reachable: {why}; the reference's "
                             f"optimal_actions_count ({n}) is authors' metadata, not a plan")
    if not result.plan:
        raise TaskFileError(path, "goal", "the goal is already met at tick 0")
    plan = [event_text(e) for e in result.plan]
    return _build(PlanningTask, {**common, "id": f"{task.env}/planning", "family": "planning",
                                 "goal": goal.tolist(), "mask": mask.tolist(),
                                 "optimal_actions": len(plan), "plan": plan,
                                 "reference_optimal_actions": n}, path)


def reachable(start: Any, goal: np.ndarray, mask: np.ndarray, *, max_depth: int, max_nodes: int,
              extra_cells: list[tuple[int, int]]) -> Any:
    """Greedy best-first search for a plan that meets the goal on the mask-1 cells.

    States are expanded fewest wrong goal cells first, the deeper state first on ties (so a
    world that only needs time keeps being stepped); actions are ``noop``, the arrows and clicks
    on non-background and ``extra_cells`` cells (:func:`worldtest.search.candidate_events`);
    states are deduplicated as in :func:`worldtest.search.bfs`.

    Args:
        start: the world to search from (not modified); goal, mask: ``uint8`` (H, W).
        max_depth: longest plan (ticks); max_nodes: states created at most.

    Returns:
        A :class:`worldtest.search.SearchResult`; its plan is a witness, not a shortest one.
    """
    import heapq
    from itertools import count

    from worldtest.search import SearchResult, candidate_events, frame_of

    where = mask.astype(bool)
    want = goal[where]

    def wrong(world: Any) -> int:
        return int(np.count_nonzero(frame_of(world)[where] != want))

    if wrong(start) == 0:
        return SearchResult([], 1, True)
    order = count()
    heap = [(wrong(start), 0, next(order), start, [])]
    seen = {start.state_key(("click",))}
    nodes = 1
    while heap:
        _, _, _, world, path = heapq.heappop(heap)
        if len(path) >= max_depth:
            continue
        for ev in candidate_events(world, extra_cells):
            child = world.copy()
            try:
                child.step(ev)
            except AutumnError:
                continue
            miss = wrong(child)
            if miss == 0:
                return SearchResult(path + [ev], nodes + 1, True)
            key = child.state_key(("click",))
            if key in seen:
                continue
            seen.add(key)
            nodes += 1
            if nodes >= max_nodes:
                return SearchResult(None, nodes, False)
            heapq.heappush(heap, (miss, -(len(path) + 1), next(order), child, path + [ev]))
    return SearchResult(None, nodes, False)  # greedy with deduplication proves nothing


def _trigger(text: str) -> str:
    """The condition with outer parentheses (the reference may omit them)."""
    from worldtest.autumn.reader import SList, Source, read

    text = text.strip()
    forms = read(Source(text, "<condition>"))
    return text if len(forms) == 1 and isinstance(forms[0], SList) else f"({text})"


def _condition(task: ReferenceTask, folder: Path) -> tuple[str, Path]:
    """The CD condition and the answer file it came from (see the module docstring)."""
    answers = folder / "answers"
    names = [task.name, f"{task.env}_condition", f"{task.env}_change_detection"]
    for name in dict.fromkeys(names):
        path = answers / f"{name}.json"
        if path.is_file():
            condition = _json(path).get("condition")
            if condition is not None:
                if not isinstance(condition, str) or not condition.strip():
                    raise TaskFileError(path, "condition", "expected a non-empty Autumn "
                                                           "expression")
                return condition, path
    tried = ", ".join(f"answers/{n}.json" for n in dict.fromkeys(names))
    raise TaskFileError(answers, "condition", f"no CD condition in any of {tried}")


def wrong_program_path(task: ReferenceTask, folder: Path) -> Path:
    """``programs/<wrong_program>.sexp`` named by a CD prompt (``<env>_wrong`` if unnamed)."""
    name = task.data.get("wrong_program") or f"{task.env}_wrong"
    if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
        raise TaskFileError(task.prompt, "wrong_program", f"expected a program id, got {name!r}")
    return Path(folder) / "programs" / f"{name}.sexp"


def _cd(task: ReferenceTask, folder: Path, common: dict[str, Any], target: Path) -> Any:
    from worldtest.autumn import load_program
    from worldtest.tasks.models import CdTask

    wrong = wrong_program_path(task, folder)
    if not wrong.is_file():
        raise TaskFileError(wrong, "", "missing: the CD wrong program the prompt names")
    load_program(str(wrong))
    condition, path = _condition(task, folder)
    try:
        trigger = _trigger(condition)
    except AutumnError as err:
        raise TaskFileError(path, "condition", str(err).splitlines()[0]) from None
    built = _build(CdTask, {**common, "id": f"{task.env}/cd", "family": "cd",
                            "wrong_program": "cd_wrong.sexp", "trigger": trigger,
                            "change": "imported from the reference harness, which does not "
                                      "describe the change"}, path)
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(wrong, target / "cd_wrong.sexp")
    return built


def _toml_table(env: str, source: str, grid_size: int, frame_rate: int, folder: Path) -> str:
    stochastic = "true" if _STOCHASTIC.search(source) else "false"
    description = json.dumps(f"Imported from the reference harness folder {folder.name}.")
    return (f"\n[{env}]\ndescription = {description}\ngrid_size = {grid_size}\n"
            f"stochastic = {stochastic}\nframe_rate = {frame_rate}\nmechanics = []\nversion = 1\n")


def import_reference(folder: Path | str, suite_root: Path | str, *, seed: int = REFERENCE_SEED,
                     plan_depth: int = PLAN_DEPTH, plan_nodes: int = PLAN_NODES,
                     echo: Any = None) -> ImportReport:
    """Import every task of a reference-layout folder into the suite at ``suite_root``.

    Args:
        folder: the reference folder (protocol section 5; the module docstring).
        suite_root: the suite to write into (created; an existing ``environments.toml`` is
            appended to). It may be ``folder`` itself: the raw files stay beside the suite.
        seed: the seed recorded in the tasks and used by the planning reachability search.
        plan_depth, plan_nodes: that search's budget (ticks, states).
        echo: called with one line per file written (None: silent); skipped tasks are in the
            returned report.

    Returns:
        The files written and the tasks skipped, with reasons.

    Raises:
        ConfigError: no task prompts, a bad ``color_dict.yaml``, or an environment already in
            the suite. AutumnError: an environment's program does not load.
    """
    from worldtest.autumn import load_program
    from worldtest.tasks.models import save_task

    folder, root = Path(folder), Path(suite_root)
    tasks, skipped = reference_tasks(folder)
    if not tasks:
        raise ConfigError(f"{folder}: no prompts/<task>.json of a known type: not a "
                          "reference-layout folder")
    colours = colour_map(folder / "color_dict.yaml")
    toml = root / "environments" / "environments.toml"
    known = toml.read_text(encoding="utf-8") if toml.exists() else ""
    envs = list(dict.fromkeys(t.env for t in tasks))
    for env in envs:
        if re.search(rf"^\[{re.escape(env)}\]", known, re.MULTILINE):
            raise ConfigError(f"{toml}: environment {env!r} is already in the suite; remove it "
                              "first")
    report = ImportReport(skipped=list(skipped))
    say = echo or (lambda line: None)
    for env in envs:
        source_path = folder / "programs" / f"{env}.sexp"
        mine = [t for t in tasks if t.env == env]
        if not source_path.is_file():
            for t in mine:
                report.skipped.append((f"{env}/{t.family}", f"missing program {source_path}"))
            continue
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
        out_dir, done = root / "tasks" / env, set()
        for task in mine:
            label = f"{env}/{task.family}"
            if task.family in done:
                reason = f"a second {task.family} prompt ({task.prompt.name}) for {env}"
                report.skipped.append((label, reason))
                continue
            try:
                if task.family == "mfp":
                    built: Any = _mfp(task, folder, colours, common)
                elif task.family == "planning":
                    built = _planning(task, folder, colours, common, program, seed,
                                      plan_depth, plan_nodes)
                else:
                    built = _cd(task, folder, common, out_dir)
                    report.written.append(out_dir / "cd_wrong.sexp")
            except WorldtestError as err:
                report.skipped.append((label, str(err).splitlines()[0]))
                continue
            done.add(task.family)
            save_task(built, out_dir / f"{task.family}.json")
            report.written.append(out_dir / f"{task.family}.json")
            say(f"{out_dir / f'{task.family}.json'}: imported")
    return report
