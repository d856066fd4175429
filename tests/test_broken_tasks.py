"""`tasks validate` fails with a clear message on deliberately broken tasks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from worldtest.cli import main
from worldtest.suite import Suite
from worldtest.authoring.validate import validate_task

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "environments", tmp_path / "environments")
    for env in ("lamp", "gravity"):
        shutil.copytree(ROOT / "tasks" / env, tmp_path / "tasks" / env)
    return tmp_path


def edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2))


def problems(root: Path, env: str, family: str) -> list[str]:
    return [f"{p.check}: {p.message}" for p in validate_task(Suite(root), env, family,
                                                              oracle=False)]


def _move_answer(d):
    """Point answer (and the truth's source) at another option, whose patch is not the truth."""
    old, new = d["answer"], (d["answer"] + 1) % 6
    src = d["option_sources"]
    src[old], src[new] = src[new], src[old]
    d["answer"] = new


def test_mfp_wrong_answer(suite):
    edit(suite / "tasks/lamp/mfp.json", _move_answer)
    found = problems(suite, "lamp", "mfp")
    assert any(p.startswith("answer: option") for p in found)


def test_mfp_recording_not_reproducible(suite):
    def change(d):
        row = d["frames"][3][0].split()
        row[0] = "11" if row[0] != "11" else "10"
        d["frames"][3][0] = " ".join(row)
    edit(suite / "tasks/lamp/mfp.json", change)
    assert any(p.startswith("frames.3: differs from the replay") for p in problems(suite, "lamp",
                                                                                 "mfp"))


def test_mfp_unplausible_distractor(suite):
    def change(d):
        other = (d["answer"] + 1) % 6
        rows = [r.split() for r in d["options"][other]]
        rows[0][0] = "11" if rows[0][0] != "11" else "10"
        d["options"][other] = [" ".join(r) for r in rows]
    edit(suite / "tasks/lamp/mfp.json", change)
    found = problems(suite, "lamp", "mfp")
    assert any("is not reproduced by its source" in p for p in found)


def test_planning_plan_longer_than_needed(suite):
    # lamp's plan is proven shortest (no lower_bound), so a longer one is caught by search.
    def change(d):
        d["plan"] = d["plan"] + ["noop"]
        d["optimal_actions"] += 1
    edit(suite / "tasks/lamp/planning.json", change)
    found = problems(suite, "lamp", "planning")
    assert any(p.startswith("plan: meets the goal after") for p in found)
    assert any(p.startswith("optimal_actions: a plan of") for p in found)


def test_planning_plan_that_misses_the_goal(suite):
    def change(d):
        d["plan"] = ["noop"] * len(d["plan"])
    edit(suite / "tasks/gravity/planning.json", change)
    assert "plan: does not reach the goal" in problems(suite, "gravity", "planning")


def test_cd_trigger_off_by_some_ticks(suite):
    edit(suite / "tasks/lamp/cd.json",
         lambda d: d.update(trigger="(& (clicked button) (== presses 0))"))
    found = problems(suite, "lamp", "cd")
    # Along the hidden prefix too the programs differ without the trigger holding.
    # The task's witness fired the old trigger; the new one it never fires.
    assert found and all(p.startswith(("trigger:", "prefix:", "witness:")) for p in found)
    assert any(p.startswith("trigger:") and "first differ at frame" in p for p in found)


def test_cd_witness_that_never_fires_the_trigger(suite):
    edit(suite / "tasks/lamp/cd.json", lambda d: d.update(witness=["noop"]))
    assert problems(suite, "lamp", "cd") == [
        "witness: the task's witness (1 action) never fires the trigger"]


def test_cd_witness_that_is_not_an_action_names_the_field(suite):
    edit(suite / "tasks/lamp/cd.json", lambda d: d.update(witness=["noop", "jump"]))
    found = problems(suite, "lamp", "cd")
    assert len(found) == 1 and "witness.1" in found[0]


def test_cd_trigger_that_never_fires(suite):
    # Without a witness (as in imported tasks) the validator searches for a firing plan.
    edit(suite / "tasks/lamp/cd.json", lambda d: (d.update(trigger="false"), d.pop("witness")))
    assert any(p.startswith("trigger: no plan of at most") for p in problems(suite, "lamp", "cd"))


def test_cd_trigger_that_does_not_parse(suite):
    edit(suite / "tasks/lamp/cd.json", lambda d: d.update(trigger="(+ presses"))
    found = problems(suite, "lamp", "cd")
    assert found and "never closed" in found[0]


def test_cd_wrong_program_that_does_not_parse_names_file_line_col(suite):
    path = suite / "tasks/lamp/cd_wrong.sexp"
    path.write_text(path.read_text().replace("(on (== presses 2)", "(on (== presses 2 3)"))
    found = problems(suite, "lamp", "cd")
    assert found and "cd_wrong.sexp:" in found[0] and "exactly two operands" in found[0]


def test_task_file_with_a_missing_field_names_it(suite):
    edit(suite / "tasks/lamp/mfp.json", lambda d: d.pop("answer"))
    found = problems(suite, "lamp", "mfp")
    assert len(found) == 1 and "field 'answer'" in found[0]


def test_task_file_with_a_bad_value_names_the_field(suite):
    edit(suite / "tasks/gravity/planning.json", lambda d: d["goal"].__setitem__(2, "99"))
    found = problems(suite, "gravity", "planning")
    assert len(found) == 1 and "field 'goal'" in found[0]


def test_cli_validate_exits_1_and_prints_each_problem(suite, capsys):
    edit(suite / "tasks/lamp/mfp.json", _move_answer)
    code = main(["tasks", "validate", "--suite", str(suite), "--env", "lamp", "--no-oracle"])
    out = capsys.readouterr()
    assert code == 1
    assert "lamp/mfp: answer: option" in out.out
    assert "lamp/planning: ok" in out.out and "problem(s)" in out.err


def test_our_mfp_task_without_distractor_sources_is_rejected(suite):
    edit(suite / "tasks/lamp/mfp.json", lambda d: d.update(option_sources=[]))
    found = problems(suite, "lamp", "mfp")
    assert len(found) == 1 and "field 'option_sources': missing: distractors cannot be shown " \
        "plausible" in found[0]


# -- every defect validate finds statically also stops `worldtest run`, with the same message --
def _drop_sources(d):
    d.pop("option_sources")


def _cut_sources(d):
    d["option_sources"] = d["option_sources"][:2]


def _duplicate_option(d):
    d["options"][(d["answer"] + 1) % 6] = d["options"][d["answer"]]


def _unknown_source(d):
    d["option_sources"][(d["answer"] + 1) % 6] = {"kind": "dream"}


def _truth_elsewhere(d):
    d["option_sources"][(d["answer"] + 1) % 6] = {"kind": "truth"}


def _long_plan(d):
    d["plan"] = ["noop"] * 301
    d["optimal_actions"] = 301


def _identical_wrong_program(root):
    (root / "tasks/lamp/cd_wrong.sexp").write_text(
        (root / "environments/lamp.sexp").read_text())


def _missing_wrong_program(root):
    (root / "tasks/lamp/cd_wrong.sexp").unlink()


STATIC_DEFECTS = [
    ("mfp", lambda d: d.update(frames=[]), "frames", "at least 1 item"),
    ("mfp", _drop_sources, "option_sources", "missing: distractors cannot be shown"),
    ("mfp", _cut_sources, "option_sources", "expected 6 entries, one per option, got 2"),
    ("mfp", _duplicate_option, "options", "two options are identical"),
    ("mfp", _unknown_source, "option_sources.", "expected one of 'truth'"),
    ("mfp", _truth_elsewhere, "option_sources.", "the truth must be the answer"),
    ("planning", _long_plan, "optimal_actions", "exceeds the default horizon 300"),
    ("cd", lambda d: d.update(trigger="true"), "trigger", "holds at frame 0"),
    ("cd", lambda d: d.update(trigger="(+ presses"), "trigger", "never closed"),
    ("cd", _identical_wrong_program, "wrong_program", "identical to the environment's"),
    ("cd", _missing_wrong_program, "wrong_program", "cd_wrong.sexp is missing"),
]


@pytest.mark.parametrize("family, change, field, words", STATIC_DEFECTS,
                         ids=[f"{f}-{c.__name__}" for f, c, *_ in STATIC_DEFECTS])
def test_static_defect_stops_validate_and_run_with_the_same_message(
        suite, tmp_path, capsys, family, change, field, words):
    if change.__code__.co_varnames[:1] == ("root",):
        change(suite)
    else:
        edit(suite / f"tasks/lamp/{family}.json", change)
    found = problems(suite, "lamp", family)
    assert len(found) == 1, found
    assert f"lamp/{family}.json: field '{field}" in found[0] and words in found[0]
    results = tmp_path / "results"
    code = main(["run", "--suite", str(suite), "--env", "lamp", "--env", "gravity",
                 "--results", str(results), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1
    assert found[0].removeprefix("file: ") in err  # validate's message, file and field
    assert not (results / "episodes.jsonl").exists()  # stopped before any episode


def test_mfp_rule_perturbation_that_no_longer_matches_the_program(suite):
    def change(d):
        i = next(i for i, s in enumerate(d["option_sources"]) if s["kind"] == "perturbed")
        d["option_sources"][i]["line"] += 1
    edit(suite / "tasks/lamp/mfp.json", change)
    found = problems(suite, "lamp", "mfp")
    assert any(p.startswith("option_sources.") and "expected the literal" in p for p in found)


def test_prefix_that_shows_the_change_before_the_test(suite):
    # Two presses in a row toggle the wrong lamp (every second press) before the test starts.
    edit(suite / "tasks/lamp/cd.json", lambda d: d.update(prefix=["click 7 13"] * 2))
    found = problems(suite, "lamp", "cd")
    assert any(p.startswith("prefix: the trigger holds") for p in found), found


def test_prefix_that_leaves_the_initial_frame(suite):
    edit(suite / "tasks/lamp/planning.json", lambda d: d.update(prefix=["noop"]))
    found = problems(suite, "lamp", "planning")
    assert any(p.startswith("prefix: leaves the initial frame") for p in found), found
