"""Task files: the JSON format round-trips byte for byte; bad files name the file and the field."""

from __future__ import annotations

import json

import numpy as np
import pytest
from tiny_suite import cd_task, mfp_task, planning_task

from worldtest.errors import TaskFileError
from worldtest.tasks.models import (
    CdTask,
    MfpMask,
    PlanningTask,
    load_task,
    save_task,
    task_json,
)


@pytest.mark.parametrize("make", [mfp_task, planning_task, cd_task])
def test_save_load_round_trip_is_byte_identical(tmp_path, make):
    task = make()
    path = tmp_path / "t" / f"{task.family}.json"
    save_task(task, path)
    loaded = load_task(path)
    assert loaded == task and loaded.path == path.resolve()
    save_task(loaded, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == path.read_bytes()
    assert path.read_text().endswith("}\n")


def test_grid_format_is_two_digit_rows_and_bit_rows():
    data = json.loads(task_json(planning_task()))
    assert data["goal"][1] == "01 01 11 01"
    assert data["mask"] == ["0000", "0010", "0000", "0000"]
    assert list(data)[:7] == [
        "schema_version",
        "id",
        "env",
        "family",
        "version",
        "seed",
        "derived_by",
    ]


def test_grids_are_read_only_uint8_arrays():
    task = planning_task()
    assert task.goal.dtype == np.uint8 and task.goal.shape == (4, 4)
    with pytest.raises(ValueError):
        task.goal[0, 0] = 3


def test_reference_style_integer_rows_are_accepted():
    data = json.loads(task_json(planning_task()))
    data["goal"] = [[int(c) for c in row.split()] for row in data["goal"]]
    data["mask"] = [[int(c) for c in row] for row in data["mask"]]
    assert PlanningTask.model_validate(data) == planning_task()


def test_actions_are_canonicalised():
    data = json.loads(task_json(planning_task()))
    data["plan"] = ["  CLICK 2   1"]
    assert PlanningTask.model_validate(data).plan == ["click 2 1"]


def test_mask_apply_and_region():
    mask = MfpMask(x=1, y=0, width=2, height=1, from_frame=0)
    frame = np.arange(1, 10, dtype=np.uint8).reshape(3, 3)
    assert mask.apply(frame).tolist() == [[1, 0, 0], [4, 5, 6], [7, 8, 9]]
    assert mask.region(frame).tolist() == [[2, 3]]
    assert frame[0, 1] == 2  # apply copies


def write(tmp_path, data):
    path = tmp_path / "task.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def mutated(make, **changes):
    data = json.loads(task_json(make()))
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target = data
        for p in parents:
            target = target[int(p)] if p.isdigit() else target[p]
        target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("make", "changes", "field", "message"),
    [
        (mfp_task, {"frames__2__1": "01 01 01"}, "frames.2", "row 1: expected 4 cells"),
        (
            mfp_task,
            {"frames__2__1": "01 01 01 77"},
            "frames.2",
            "row 1, cell 3: expected a palette index 0..39, got 77",
        ),
        (mfp_task, {"frames__4__3": "01 01 01 01"}, "frames.4", "must be 0 (mask)"),
        (
            mfp_task,
            {"frames__2__1": "01 01 xx 01"},
            "frames.2",
            "row 1, cell 2: expected a palette index 0..39, got 'xx'",
        ),
        (mfp_task, {"frames__2": []}, "frames.2", "expected a non-empty list of rows"),
        (mfp_task, {"mask__x": 3}, "mask", "leaves the 4x4 grid"),
        (mfp_task, {"mask__from_frame": 9}, "mask.from_frame", "expected 0..4"),
        (mfp_task, {"answer": 6}, "answer", "less than 6"),
        (mfp_task, {"options__1": ["01 01 01", "01 01 01"]}, "options.1", "expected shape (2, 2)"),
        (mfp_task, {"actions__1": "jump"}, "actions.1", "unknown action 'jump'"),
        (
            mfp_task,
            {"actions__1": "reset"},
            "actions.1",
            "expected noop, left, right, up, down or click",
        ),
        (mfp_task, {"actions__3": "click 4 0"}, "actions.3", "outside the 4x4 grid"),
        (mfp_task, {"id": "dot/cd"}, "id", "expected 'dot/mfp'"),
        (mfp_task, {"schema_version": 2}, "schema_version", "Input should be 1"),
        (mfp_task, {"colour": "red"}, "colour", "Extra inputs are not permitted"),
        (planning_task, {"mask__1": "0020"}, "mask", "row 1, cell 2: expected 0 or 1, got 2"),
        (planning_task, {"mask": ["0000"] * 4}, "mask", "at least one 1"),
        (planning_task, {"goal__1": "01 01 00 01"}, "goal", "no frame can match"),
        (
            planning_task,
            {"optimal_actions": 2},
            "plan",
            "expected optimal_actions = 2 actions, got 1",
        ),
        (planning_task, {"plan__0": "quit"}, "plan.0", "expected noop"),
        (cd_task, {"wrong_program": "../x.sexp"}, "wrong_program", "String should match pattern"),
        (cd_task, {"change": "one\ntwo"}, "change", "expected one line"),
        (cd_task, {"trigger": ""}, "trigger", "at least 1 character"),
    ],
)
def test_bad_fields_are_named(tmp_path, make, changes, field, message):
    path = write(tmp_path, mutated(make, **changes))
    with pytest.raises(TaskFileError) as err:
        load_task(path)
    assert err.value.field == field
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_missing_field_is_named(tmp_path):
    data = json.loads(task_json(cd_task()))
    del data["trigger"]
    with pytest.raises(TaskFileError, match="field 'trigger': Field required"):
        load_task(write(tmp_path, data))


@pytest.mark.parametrize(
    ("content", "field", "message"),
    [
        ("{not json", "", "not valid JSON"),
        ("[1, 2]", "", "expected a JSON object, got list"),
        ('{"family": "trivia"}', "family", "expected one of 'mfp', 'planning', 'cd', got 'trivia'"),
    ],
)
def test_unreadable_files(tmp_path, content, field, message):
    with pytest.raises(TaskFileError) as err:
        load_task(write(tmp_path, content))
    assert err.value.field == field and message in str(err.value)


def test_missing_file(tmp_path):
    with pytest.raises(TaskFileError, match="cannot read the task file"):
        load_task(tmp_path / "nope.json")


def test_wrong_program_path_needs_a_file(tmp_path):
    with pytest.raises(TaskFileError, match="not loaded from a file"):
        cd_task().wrong_program_path()
    save_task(cd_task(), tmp_path / "dot" / "cd.json")
    assert (
        load_task(tmp_path / "dot" / "cd.json").wrong_program_path()
        == (tmp_path / "dot" / "cd_wrong.sexp").resolve()
    )


def test_models_are_frozen():
    with pytest.raises(ValueError):
        cd_task().trigger = "true"  # type: ignore[misc]
    assert isinstance(cd_task(), CdTask) and cd_task() != planning_task()
