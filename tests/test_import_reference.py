"""``worldtest import-reference``: a folder in the reference harness's layout (protocol section 5)
imports losslessly into our suite format.

The tests write a reference-layout folder from one of our shipped environments and its tasks,
with a colour table whose indices are a permutation of ours (so the mapping goes through the
names), import it, and compare the imported tasks with the originals field by field.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from worldtest.cli import main
from worldtest.errors import ConfigError
from worldtest.palette import COLOURS
from worldtest.suite import Suite
from worldtest.tasks.models import load_task
from worldtest.tasks.reference import import_reference
from worldtest.tasks.validate import validate_task

ROOT = Path(__file__).resolve().parent.parent
ENV = "ice"  # deterministic, so the recorded seed 0 replays the shipped tasks' frames
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
    """Write ``env`` and its shipped tasks in the reference harness's layout under ``folder``."""
    suite = Suite(ROOT)
    mfp, plan, cd = (suite.task(env, f) for f in ("mfp", "planning", "cd"))
    for sub in ("programs", "prompts", "answers"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(suite.spec(env).program, folder / "programs" / f"{env}.sexp")
    shutil.copyfile(ROOT / "tasks" / env / "cd_wrong.sexp",
                    folder / "programs" / f"{env}_change_detection_wrong_program.sexp")
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
                                   "wrong_program": f"{env}_change_detection_wrong_program"},
        f"answers/{env}_change_detection.json": {
            "condition": condition if condition is not None else cd.trigger.strip()[1:-1]},
    }
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    (folder / "color_dict.yaml").write_text(
        "".join(f"{name}: {index}\n" for name, index in REF_INDEX.items()), encoding="utf-8")
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
    mfp = shipped.task(ENV, "mfp")
    assert imported.task(ENV, "mfp") == mfp.model_copy(update={**provenance,
                                                               "option_sources": []})
    plan = shipped.task(ENV, "planning")
    got = imported.task(ENV, "planning")
    assert got == plan.model_copy(update={**provenance, "plan": got.plan})
    assert len(got.plan) == plan.optimal_actions  # a witness of the reference's length
    cd = shipped.task(ENV, "cd")
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
    trigger = Suite(ROOT).task(ENV, "cd").trigger
    import_reference(write_reference(tmp_path / "ref", condition=trigger), tmp_path / "suite")
    assert load_task(tmp_path / "suite" / "tasks" / ENV / "cd.json").trigger == trigger


def test_unknown_colour_is_named(tmp_path: Path) -> None:
    ref = write_reference(tmp_path / "ref")
    (ref / "color_dict.yaml").write_text("mask: 0\nblack: 1\nchartreuse: 2\n")
    with pytest.raises(ConfigError, match="chartreuse"):
        import_reference(ref, tmp_path / "suite")


def test_planning_without_a_witness_is_reported(tmp_path: Path, capsys) -> None:
    ref = write_reference(tmp_path / "ref")
    (ref / "answers" / f"{ENV}_planning.json").write_text('{"optimal_actions_count": 1}')
    code = main(["import-reference", str(ref), "--out", str(tmp_path / "suite")])
    assert code == 1
    err = capsys.readouterr().err
    assert f"{ENV}/planning: not imported: no witness plan of optimal_actions_count = 1" in err
    assert not (tmp_path / "suite" / "tasks" / ENV / "planning.json").exists()
    assert (tmp_path / "suite" / "tasks" / ENV / "mfp.json").exists()


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
