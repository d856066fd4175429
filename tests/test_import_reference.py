"""``worldtest import-reference``: a folder in the reference harness's layout (protocol section 5)
imports losslessly into our suite format.

The tests write a reference-layout folder from one of our shipped environments and its tasks,
with a colour table whose indices are a permutation of ours (so the mapping goes through the
names), import it, and compare the imported tasks with the originals field by field. The file
names and formats are those of the reference example folder (BasisResearch/MARAProtocol,
``python_examples/autumnbench/example_benchmark``): ``color_dict.yaml`` as ``INDEX: name`` lines,
the CD answer in ``answers/<env>_condition.json``, the wrong program ``programs/<env>_wrong.sexp``
named by the CD prompt. ``tests/fixtures/reference_example`` is a world of our own written in
exactly that layout; ``WORLDTEST_REFERENCE_DIR`` may point at a real downloaded folder.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from worldtest.cli import main
from worldtest.errors import ConfigError
from worldtest.palette import COLOURS
from worldtest.suite import Suite
from worldtest.tasks.models import load_task
from worldtest.authoring.reference import colour_map, colour_table_text, import_reference
from worldtest.authoring.validate import validate_task

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "fixtures" / "reference_example"
ENV = "ice"  # deterministic, so the recorded seed 0 replays the fixture tasks' frames
INITIAL_START = ROOT / "tests" / "fixtures" / "ice_initial_start"
"""ice's tasks as derivation v2 made them (tests at the initial state, no hidden prefix): the
reference layout has no prefix, so these, not the shipped tasks, are what it can carry."""


def _fixture_task(family: str):
    return load_task(INITIAL_START / f"{family}.json")
REF_INDEX = {name: (0 if i == 0 else len(COLOURS) - i) for i, name in enumerate(COLOURS)}
"""Our colour name -> the reference folder's index: a reversed palette (0 stays the mask)."""


def _ref_grid(grid: np.ndarray) -> list[list[int]]:
    return [[REF_INDEX[COLOURS[int(v)]] for v in row] for row in grid]


def _ref_action(text: str) -> dict:
    if text.startswith("click"):
        _, x, y = text.split()
        return {"type": "click", "x": int(x), "y": int(y)}
    return {"type": text}


def write_reference(folder: Path, env: str = ENV, *, condition: str | None = None) -> Path:
    """Write ``env`` and its initial-start tasks in the reference harness's layout."""
    suite = Suite(ROOT)
    mfp, plan, cd = (_fixture_task(f) for f in ("mfp", "planning", "cd"))
    for sub in ("programs", "prompts", "answers"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(suite.spec(env).program, folder / "programs" / f"{env}.sexp")
    shutil.copyfile(ROOT / "tasks" / env / "cd_wrong.sexp",
                    folder / "programs" / f"{env}_wrong.sexp")
    observations = [{"masked_grid": _ref_grid(mfp.frames[0])}]
    observations += [{"action": _ref_action(a), "masked_grid": _ref_grid(f)}
                     for a, f in zip(mfp.actions, mfp.frames[1:])]
    files = {
        f"prompts/{env}_mfp.json": {"type": "masked_frame_prediction", "program": env,
                                    "observations": observations,
                                    "choices": [_ref_grid(o) for o in mfp.options]},
        f"answers/{env}_mfp.json": {"correct_idx": mfp.answer},
        f"prompts/{env}_planning.json": {"type": "planning", "program": env,
                                         "goal": _ref_grid(plan.goal),
                                         "mask": plan.mask.tolist()},
        f"answers/{env}_planning.json": {"optimal_actions_count": plan.optimal_actions},
        f"prompts/{env}_cd.json": {"type": "change_detection", "program": env,
                                   "wrong_program": f"{env}_wrong"},
        f"answers/{env}_condition.json": {
            "condition": condition if condition is not None else cd.trigger.strip()[1:-1]},
    }
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    (folder / "color_dict.yaml").write_text(
        "".join(f"{index}: {'transparent' if index == 0 else name}\n"
                for name, index in sorted(REF_INDEX.items(), key=lambda kv: kv[1])),
        encoding="utf-8")
    return folder


def test_import_is_lossless_and_valid(tmp_path: Path) -> None:
    ref = write_reference(tmp_path / "ref")
    report = import_reference(ref, tmp_path / "suite")
    assert report.skipped == []
    imported, shipped = Suite(tmp_path / "suite"), Suite(ROOT)
    spec, original = imported.spec(ENV), shipped.spec(ENV)
    assert (spec.grid_size, spec.frame_rate, spec.stochastic) == \
        (original.grid_size, original.frame_rate, original.stochastic)
    assert spec.program.read_text() == original.program.read_text()
    provenance = {"seed": 0, "derived_by": "imported from the reference harness folder ref"}
    mfp = _fixture_task("mfp")
    assert imported.task(ENV, "mfp") == mfp.model_copy(update={**provenance,
                                                               "option_sources": []})
    plan = _fixture_task("planning")
    got = imported.task(ENV, "planning")
    assert got == plan.model_copy(update={**provenance, "plan": got.plan,
                                          "reference_optimal_actions": plan.optimal_actions})
    assert len(got.plan) == plan.optimal_actions  # BFS: as short as our shipped plan
    cd = _fixture_task("cd")
    assert imported.task(ENV, "cd") == cd.model_copy(update={**provenance,
                                                             "change": imported.task(ENV,
                                                                                     "cd").change})
    assert (tmp_path / "suite" / "tasks" / ENV / "cd_wrong.sexp").read_bytes() == \
        (ROOT / "tasks" / ENV / "cd_wrong.sexp").read_bytes()
    # Imported tasks validate, and the oracle solves them. The reference format carries no
    # provenance for MFP distractors, so that one check is skipped for imported tasks only.
    for family in ("mfp", "planning", "cd"):
        assert validate_task(imported, ENV, family) == []


def test_trigger_with_parentheses_is_kept(tmp_path: Path) -> None:
    trigger = _fixture_task("cd").trigger
    import_reference(write_reference(tmp_path / "ref", condition=trigger), tmp_path / "suite")
    assert load_task(tmp_path / "suite" / "tasks" / ENV / "cd.json").trigger == trigger


def test_unknown_colour_is_named(tmp_path: Path) -> None:
    ref = write_reference(tmp_path / "ref")
    (ref / "color_dict.yaml").write_text("0: transparent\n1: black\n2: chartreuse\n")
    with pytest.raises(ConfigError, match="chartreuse"):
        import_reference(ref, tmp_path / "suite")


def test_name_first_colour_table_is_refused(tmp_path: Path) -> None:
    """``name: index`` (the layout an earlier protocol page wrongly described) is an error."""
    (tmp_path / "color_dict.yaml").write_text("transparent: 0\nblack: 1\n")
    with pytest.raises(ConfigError, match="INDEX: name"):
        colour_map(tmp_path / "color_dict.yaml")


def test_colour_table_reads_the_reference_layout() -> None:
    """Our shipped table: ``0: transparent``, then our palette, index first (one line each)."""
    lines = colour_table_text().splitlines()
    assert lines[:3] == ["0: transparent", "1: black", "2: gray"] and len(lines) == len(COLOURS)
    assert colour_map(EXAMPLE / "color_dict.yaml").tolist() == list(range(len(COLOURS)))


def test_optimal_actions_count_is_metadata(tmp_path: Path) -> None:
    """A count the search does not confirm is kept as the authors' metadata, not rejected."""
    ref = write_reference(tmp_path / "ref")
    (ref / "answers" / f"{ENV}_planning.json").write_text('{"optimal_actions_count": 1}')
    report = import_reference(ref, tmp_path / "suite")
    assert report.skipped == []
    task = load_task(tmp_path / "suite" / "tasks" / ENV / "planning.json")
    assert task.reference_optimal_actions == 1 and task.optimal_actions > 1


def test_unreachable_goal_is_reported(tmp_path: Path, capsys) -> None:
    ref = write_reference(tmp_path / "ref")
    path = ref / "prompts" / f"{ENV}_planning.json"
    prompt = json.loads(path.read_text())
    prompt["goal"][0][0] = REF_INDEX["maroon"]  # a colour the ice world never shows
    prompt["mask"][0][0] = 1
    path.write_text(json.dumps(prompt))
    report = import_reference(ref, tmp_path / "suite", plan_nodes=500)
    assert [task for task, _ in report.skipped] == [f"{ENV}/planning"]
    assert ("goal not shown reachable: not found within the search budget (500 states "
            "breadth-first, then 500 greedy") in report.skipped[0][1]
    assert not (tmp_path / "suite" / "tasks" / ENV / "planning.json").exists()
    assert (tmp_path / "suite" / "tasks" / ENV / "mfp.json").exists()


def _example_run(suite: Path, results: Path, *extra: str) -> list[dict]:
    assert main(["run", "--suite", str(suite), "--agent", "oracle", "--results", str(results),
                 "--no-progress", *extra]) == 0
    return [json.loads(line) for line in (results / "episodes.jsonl").read_text().splitlines()]


def test_example_layout_imports_all_three_tasks(tmp_path: Path, capsys) -> None:
    """The example folder's layout: its three tasks import, its defect prompt is named, and
    the oracle scores 1.0 on every task."""
    code = main(["import-reference", str(EXAMPLE), "--out", str(tmp_path / "suite")])
    assert code == 1  # one prompt not imported, and named
    assert ("pebble_defect.json: not imported: prompt type 'defect_detection'"
            in capsys.readouterr().err)
    plan = load_task(tmp_path / "suite" / "tasks" / "pebble" / "planning.json")
    assert (plan.optimal_actions, plan.reference_optimal_actions) == (3, 5)
    for family in ("mfp", "planning", "cd"):  # our validator finds the imported tasks sound
        assert validate_task(Suite(tmp_path / "suite"), "pebble", family) == []
    records = _example_run(tmp_path / "suite", tmp_path / "results")
    assert sorted(r["task_id"] for r in records) == ["pebble/cd", "pebble/mfp", "pebble/planning"]
    assert all(r["status"] == "ok" and r["score"] == 1.0 for r in records)


@pytest.mark.skipif(not os.environ.get("WORLDTEST_REFERENCE_DIR"),
                    reason="WORLDTEST_REFERENCE_DIR does not name a downloaded reference folder")
def test_a_real_reference_folder_imports(tmp_path: Path) -> None:
    """A real folder (``worldtest download autumnbench``) imports; every skip has a reason."""
    folder = Path(os.environ["WORLDTEST_REFERENCE_DIR"])
    report = import_reference(folder, tmp_path / "suite")
    assert any(p.name.endswith(".json") for p in report.written)
    assert all(reason for _, reason in report.skipped)


def test_import_twice_is_refused(tmp_path: Path) -> None:
    ref = write_reference(tmp_path / "ref")
    import_reference(ref, tmp_path / "suite")
    with pytest.raises(ConfigError, match="already in the suite"):
        import_reference(ref, tmp_path / "suite")


def test_run_plays_an_imported_folder(tmp_path: Path) -> None:
    import_reference(write_reference(tmp_path / "ref"), tmp_path / "suite")
    summary = tmp_path / "summary.json"
    assert main(["run", "--suite", str(tmp_path / "suite"), "--agent", "oracle", "--results",
                 str(tmp_path / "results"), "--summary-json", str(summary),
                 "--no-progress"]) == 0
    records = [json.loads(line) for line in
               (tmp_path / "results" / "episodes.jsonl").read_text().splitlines()]
    assert sorted(r["task_id"] for r in records) == [f"{ENV}/{f}" for f in ("cd", "mfp",
                                                                            "planning")]
    assert all(r["status"] == "ok" and r["score"] == 1.0 for r in records)


def test_a_goal_that_needs_a_long_wait_is_found_greedily(tmp_path: Path) -> None:
    """Water that must fall for many ticks: breadth-first search over every click gives up
    within the budget; the greedy search finds a witness plan, which reaches the goal."""
    from worldtest.env import AutumnEnv, parse_action
    from worldtest.tasks.planning import goal_reached

    ref = write_reference(tmp_path / "ref")
    env = AutumnEnv(Suite(ROOT).program(ENV), 0, ticks_per_action=1)
    first = env.frame.copy()
    for action in ["right", "right", "click 9 1"] + ["noop"] * 14:
        env.step(parse_action(action, env.grid_size))
    path = ref / "prompts" / f"{ENV}_planning.json"
    prompt = json.loads(path.read_text())
    prompt["goal"] = _ref_grid(env.frame)
    prompt["mask"] = (env.frame != first).astype(int).tolist()
    path.write_text(json.dumps(prompt))
    report = import_reference(ref, tmp_path / "suite", plan_nodes=300)
    assert report.skipped == []
    task = load_task(tmp_path / "suite" / "tasks" / ENV / "planning.json")
    assert task.optimal_actions == len(task.plan) >= 15
    replay = AutumnEnv(Suite(tmp_path / "suite").program(ENV), 0, ticks_per_action=1)
    for action in task.plan:
        replay.step(parse_action(action, replay.grid_size))
    assert goal_reached(replay.frame, task.goal, task.mask)
