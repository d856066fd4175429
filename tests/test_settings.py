"""worldtest.settings: one place resolves an episode's settings; FRAME_RATE has one source."""

from __future__ import annotations

import pytest

from worldtest.autumn import compile_program
from worldtest.env import Suite
from worldtest.settings import PAPER_SETTINGS, Settings, episode_settings


def test_program_frame_rate_equals_the_loaded_world_and_environments_toml():
    # environments.toml keeps a copy (read by the gallery without loading programs): it must
    # equal the program's static FRAME_RATE, which must equal what loading binds.
    suite = Suite()
    for env in suite.envs:
        program = suite.program(env)
        assert program.frame_rate == suite.spec(env).frame_rate, env
        assert program.frame_rate == program.start(3).frame_rate, env


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ("(= FRAME_RATE 5)", 5),
        ("(= FRAME_RATE (+ 2 3))", 5),  # not a literal: evaluated by loading
        ("", 8),  # unset: the default the runtime binds
        ("(= FRAME_RATE 4) (= FRAME_RATE 6)", 6),  # the last definition wins
    ],
)
def test_program_frame_rate_is_what_loading_binds(definition, expected):
    source = f"(program (= GRID_SIZE 4) {definition} (object A (Cell 0 0 \"red\")))"
    program = compile_program(source, "<t>")
    assert program.frame_rate == expected == program.start(0).frame_rate


def test_episode_settings_fill_ticks_per_action_from_the_program_and_profile():
    program = compile_program("(program (= GRID_SIZE 4) (= FRAME_RATE 10))", "<t>")
    assert episode_settings(Settings(), program).ticks_per_action == 10
    assert episode_settings(Settings.paper(), program).ticks_per_action == 1 + 10 // 2
    assert episode_settings(Settings(ticks_per_action=3), program).ticks_per_action == 3
    assert Settings.paper().budget == PAPER_SETTINGS["budget"]


def test_protocol_re_exports_the_settings():
    from worldtest import protocol, settings

    assert protocol.Settings is settings.Settings
    assert protocol.PAPER_SETTINGS is settings.PAPER_SETTINGS
