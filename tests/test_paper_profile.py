"""The ``paper`` protocol profile (the reference harness's settings) and suite-qualified ids.

The profile's numbers come from BasisResearch/MARAProtocol (README "The paper profile"); here
they are pinned, and so is each behaviour that differs from ours: the step cap over both
phases, the ticks per interaction action, the MFP rewind, the seed, and the records and report
rows that keep a paper run and a suite apart.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from worldtest.cli import main
from worldtest.protocol import PAPER_SETTINGS, Settings
from worldtest.report.aggregate import summarise
from worldtest.results import load_records
from worldtest.runner import RunConfig
from worldtest.suite import Suite
from worldtest.tasks.mfp import start as start_mfp
from worldtest.tasks.models import MfpMask, MfpTask
from worldtest.authoring.reference import import_reference

EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "reference_example"


def test_paper_settings_are_the_reference_harness_numbers() -> None:
    paper = Settings.paper()
    assert (paper.profile, paper.budget, paper.step_cap, paper.mfp_rewind, paper.reset_seed) == \
        ("paper", 300, 501, "previous", "same")
    assert paper.resolved(8).ticks_per_action == 5  # the action's tick + FRAME_RATE // 2
    assert Settings().resolved(8).ticks_per_action == 8  # ours: FRAME_RATE
    assert RunConfig(profile="paper").episode_seed == 0 and RunConfig().episode_seed == 42
    assert RunConfig(profile="paper", budget=10).settings() == Settings.paper(budget=10)


def test_step_cap_leaves_the_test_phase_what_is_left() -> None:
    paper = Settings.paper()
    assert paper.test_horizon(0, "planning") == 499  # two transition steps
    assert paper.test_horizon(300, "cd") == 199
    assert paper.test_horizon(300, "mfp") == 201  # its MFP has no transition step
    assert paper.test_horizon(600, "cd") == 0
    assert Settings().test_horizon(300, "cd") == 300  # ours: a fixed horizon


def test_worldtest_settings_dump_as_before() -> None:
    """Records and resume keys of our profile do not change with the new fields."""
    assert Settings().model_dump() == {"budget": 200, "horizon": 300, "ticks_per_action": None,
                                       "reset_seed": "same"}
    assert Settings.paper().model_dump() == {**PAPER_SETTINGS, "ticks_per_action": None}


def _mfp() -> MfpTask:
    frames = [np.full((2, 2), i + 1, dtype=np.uint8) for i in range(4)]
    frames[3][0, 0] = 0  # the masked cell of the last frame
    options = [np.full((1, 1), v, dtype=np.uint8) for v in (4, 5, 6, 7, 8, 9)]
    return MfpTask(id="w/mfp", env="w", seed=0, actions=["noop"] * 3, frames=frames,
                   mask=MfpMask(x=0, y=0, width=1, height=1, from_frame=3), options=options,
                   answer=0, derived_by="imported from the reference harness (test recording)")


def test_mfp_rewind_as_the_reference_offers_it() -> None:
    ours = start_mfp(_mfp(), settings=Settings())
    ours.apply("step")
    assert ours.offered() == ["step", "rewind"]
    ours.apply("rewind")
    assert ours.index == 0
    paper = start_mfp(_mfp(), settings=Settings.paper())
    assert paper.offered() == ["step"]
    for _ in range(3):
        paper.apply("step")
    assert paper.offered() == ["step", "rewind", "choose N"]
    paper.apply("step")  # a no-op on the last frame, still offered
    assert paper.index == 3
    paper.apply("rewind")
    paper.apply("rewind")
    assert paper.index == 1 and "choose N" in paper.offered()


def test_paper_profile_is_recorded_and_reported_apart(tmp_path: Path) -> None:
    import_reference(EXAMPLE, tmp_path / "suite")
    results = tmp_path / "results"
    for profile in ("paper", "worldtest"):
        assert main(["run", "--suite", str(tmp_path / "suite"), "--agent", "oracle",
                     "--profile", profile, "--results", str(results), "--no-progress"]) == 0
    records = load_records([results / "episodes.jsonl"])
    assert sorted((r.settings.get("profile", "worldtest"), r.seed) for r in records) == \
        [("paper", 0)] * 3 + [("worldtest", 42)] * 3
    interaction = {r.settings.get("profile"): r for r in records if r.family == "planning"}
    assert interaction["paper"].settings["ticks_per_action"] == 1 + 8 // 2
    rows = summarise(records)
    assert len(rows) == 2 and any("paper" in row.agent for row in rows)
    assert all(row.overall == 1.0 for row in rows)


def test_two_suites_with_one_env_name_never_collide(tmp_path: Path) -> None:
    """``a:pebble`` and ``b:pebble``: distinct resume keys, distinct environments in a row."""
    for name in ("a", "b"):
        import_reference(EXAMPLE, tmp_path / name)
        assert Suite(tmp_path / name).id == name
    assert Suite().id is None
    results = tmp_path / "results"
    for name in ("a", "b"):
        assert main(["run", "--suite", str(tmp_path / name), "--agent", "oracle", "--family",
                     "mfp", "--results", str(results), "--no-progress"]) == 0
    lines = [json.loads(line) for line in (results / "episodes.jsonl").read_text().splitlines()]
    assert [r["suite"] for r in lines] == ["a", "b"]
    assert len({r["key"] for r in lines}) == 2 and "/a:pebble/mfp@v1/" in lines[0]["key"]
    (summary,) = summarise(load_records([results / "episodes.jsonl"]))
    assert summary.n_tasks == 2 and summary.max_episodes_per_task == 1


def test_builtin_records_carry_no_suite(tmp_path: Path) -> None:
    results = tmp_path / "results"
    assert main(["run", "--agent", "random", "--env", "ice", "--family", "mfp", "--budget", "2",
                 "--results", str(results), "--no-progress"]) == 0
    line = json.loads((results / "episodes.jsonl").read_text())
    assert "suite" not in line and "profile" not in line["settings"]


def test_profile_flag_is_validated(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--profile", "reference"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_reference_rows_name_their_version_and_mark_rows_that_do_not_add_up() -> None:
    from worldtest.report.reference import REFERENCE_CAVEATS, REFERENCE_SOURCE

    assert "ICML 2026" in REFERENCE_SOURCE and "2510.19788v4" in REFERENCE_SOURCE
    assert sorted(REFERENCE_CAVEATS) == ["Claude 4 Sonnet", "Qwen3-235B thinking"]
    assert "0.249" in REFERENCE_CAVEATS["Claude 4 Sonnet"]
    assert "0.167" in REFERENCE_CAVEATS["Qwen3-235B thinking"]


def test_the_step_cap_binds_a_whole_episode(tmp_path: Path) -> None:
    """Under the paper profile interaction + transition + test actions never pass 501."""
    import_reference(EXAMPLE, tmp_path / "suite")
    results = tmp_path / "results"
    assert main(["run", "--suite", str(tmp_path / "suite"), "--agent", "random", "--profile",
                 "paper", "--family", "cd", "--family", "mfp", "--results", str(results),
                 "--no-progress"]) == 0
    for record in load_records([results / "episodes.jsonl"]):
        transition = 2 if record.family == "cd" else 0
        assert len(record.interaction) + transition + len(record.test) <= 501
        assert len(record.interaction) <= 300


def test_report_labels_the_paper_row_and_qualifies_envs(tmp_path: Path) -> None:
    from worldtest.report.rows import group_rows

    import_reference(EXAMPLE, tmp_path / "autumnbench")
    results = tmp_path / "results"
    for profile in ("paper", "worldtest"):
        assert main(["run", "--suite", str(tmp_path / "autumnbench"), "--agent", "oracle",
                     "--family", "mfp", "--profile", profile, "--results", str(results),
                     "--no-progress"]) == 0
    rows = group_rows(load_records([results / "episodes.jsonl"]))
    assert sorted(row.label for row in rows) == ["oracle", "oracle [paper]"]
    assert main(["report", str(results), "--out", str(tmp_path / "rep"), "--episodes", "0"]) == 0
    board = (tmp_path / "rep" / "leaderboard.md").read_text()
    assert "| autumnbench:pebble | mfp | 1.000 | 1.000 |" in board
