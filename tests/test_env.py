"""AutumnEnv (ticks per action, frames) and the Suite on disk (metadata, programs, tasks)."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_suite import DOT, make_suite

from worldtest.autumn import compile_program
from worldtest.env import Action, AutumnEnv, Suite, default_suite_root
from worldtest.errors import ActionError, ConfigError, TaskFileError
from worldtest.palette import from_letters


@pytest.fixture
def program():
    return compile_program(DOT)


def test_step_injects_the_action_then_runs_no_input_ticks(program):
    env = AutumnEnv(program, 42, ticks_per_action=3)
    assert np.array_equal(env.frame, from_letters(["R...", "....", "....", "...."]))
    frames = env.step(Action("down"))
    assert len(frames) == 3 and env.tick == 3
    assert all(np.array_equal(f, from_letters(["....", "R...", "....", "...."])) for f in frames)
    assert env.frame is frames[-1]
    assert env.world.evaluate("t") == 3


def test_frames_are_read_only_uint8(program):
    env = AutumnEnv(program, 42)
    (frame,) = env.step("click 2 3")
    assert frame.dtype == np.uint8 and frame.shape == (4, 4) and frame[3, 2] == 11
    with pytest.raises(ValueError):
        frame[0, 0] = 5


def test_reset_returns_frame_zero_and_can_change_seed(program):
    env = AutumnEnv(program, 42)
    env.step("right")
    frame = env.reset()
    assert env.tick == 0 and frame[0, 0] == 11 and env.seed == 42
    env.reset(seed=9)
    assert env.seed == 9


def test_step_rejects_non_program_actions_and_off_grid_clicks(program):
    env = AutumnEnv(program, 42)
    with pytest.raises(ActionError, match="not a program input"):
        env.step(Action("reset"))
    with pytest.raises(ActionError, match="outside the 4x4 grid"):
        env.step(Action("click", 4, 0))
    with pytest.raises(ActionError, match="unknown action"):
        env.step("fly")
    assert env.tick == 0


def test_ticks_per_action_must_be_positive(program):
    with pytest.raises(ConfigError, match="ticks_per_action must be an integer >= 1"):
        AutumnEnv(program, 42, ticks_per_action=0)


def test_suite_reads_metadata_programs_and_tasks(tmp_path):
    suite = Suite(make_suite(tmp_path))
    spec = suite.envs["dot"]
    assert (spec.grid_size, spec.stochastic, spec.frame_rate, spec.mechanics, spec.version) == (
        4,
        False,
        8,
        ["movement"],
        1,
    )
    assert spec.program == tmp_path.resolve() / "environments" / "dot.sexp"
    assert suite.program("dot") is suite.program("dot")
    assert suite.task("dot", "planning").optimal_actions == 1
    assert suite.task_path("dot", "cd") == tmp_path.resolve() / "tasks" / "dot" / "cd.json"


def test_suite_errors_name_what_is_wrong(tmp_path):
    suite = Suite(make_suite(tmp_path))
    with pytest.raises(ConfigError, match="unknown environment 'mars': expected one of dot"):
        suite.program("mars")
    with pytest.raises(ConfigError, match="unknown task family 'trivia'"):
        suite.task_path("dot", "trivia")
    (tmp_path / "tasks" / "dot" / "mfp.json").replace(tmp_path / "tasks" / "dot" / "x.json")
    (tmp_path / "tasks" / "dot" / "cd.json").replace(tmp_path / "tasks" / "dot" / "mfp.json")
    with pytest.raises(TaskFileError, match="field 'family': expected 'mfp'"):
        suite.task("dot", "mfp")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[dot]\ngrid_size = 4\n", "environment 'dot', field 'stochastic': Field required"),
        ("[dot]\ngrid_size = 'big'\nstochastic = false\n", "field 'grid_size'"),
        ("[Dot]\ngrid_size = 4\nstochastic = false\n", "field 'name'"),
        ("[dot\n", "not valid TOML"),
    ],
)
def test_bad_metadata_is_a_config_error_naming_env_and_field(tmp_path, toml, message):
    (tmp_path / "environments").mkdir()
    (tmp_path / "environments" / "environments.toml").write_text(toml)
    with pytest.raises(ConfigError, match=message):
        _ = Suite(tmp_path).envs


def test_metadata_may_be_nested_and_missing_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the environment metadata"):
        _ = Suite(tmp_path).envs
    (tmp_path / "environments").mkdir()
    (tmp_path / "environments" / "environments.toml").write_text(
        "[environments.dot]\ngrid_size = 4\nstochastic = true\n"
        'program = "other.sexp"\nmechanics = "gravity"\n'
    )
    spec = Suite(tmp_path).envs["dot"]
    assert spec.stochastic and spec.program.name == "other.sexp" and spec.mechanics == ["gravity"]


def test_default_suite_root(tmp_path, monkeypatch):
    monkeypatch.setenv("WORLDTEST_HOME", str(tmp_path))
    assert default_suite_root() == tmp_path.resolve()
    monkeypatch.delenv("WORLDTEST_HOME")
    (tmp_path / "environments").mkdir()
    (tmp_path / "tasks").mkdir()
    monkeypatch.chdir(tmp_path)
    assert default_suite_root() == tmp_path
    monkeypatch.chdir(tmp_path / "tasks")
    assert (default_suite_root() / "worldtest" / "env.py").is_file()
