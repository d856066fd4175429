"""worldtest.interaction.InteractionPhase: the interaction phase's rules, written once."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_suite import ScriptAgent, make_suite

from worldtest.env import Suite
from worldtest.errors import ActionError, ConfigError
from worldtest.interaction import InteractionPhase, fresh_seed
from worldtest.protocol import Settings, run_episode
from worldtest.results import ResultsStore


@pytest.fixture
def suite(tmp_path):
    return Suite(make_suite(tmp_path / "suite"))


def test_budget_actions_ticks_and_go_to_test(suite):
    phase = InteractionPhase(suite.program("dot"), 42, Settings(budget=4, ticks_per_action=2))
    assert phase.frames[0].tick == 0 and phase.remaining == 4 and not phase.done
    shown = phase.apply("right")
    assert [f.tick for f in shown] == [1, 2] and shown[0].action == "right" and shown[1].action is None
    assert phase.last_ticks == 2 and phase.tick == 2
    with pytest.raises(ActionError, match="not offered in the interaction phase"):
        phase.apply("choose 1")
    assert phase.frames == [] and phase.n_actions == 2  # an invalid action costs one action
    assert phase.apply("reset")[0].tick == 0 and phase.last_reset_seed == 42
    assert phase.apply("go-to-test") == [] and phase.done and phase.ended == "go-to-test"
    with pytest.raises(ActionError, match="interaction phase is over"):
        phase.apply("noop")
    assert phase.outcome() == {"interaction_actions": 5, "interaction_ended": "go-to-test"}


def test_the_budget_ends_the_phase(suite):
    phase = InteractionPhase(suite.program("dot"), 1, Settings(budget=1))
    assert phase.settings.ticks_per_action == suite.program("dot").frame_rate
    phase.apply("noop")
    assert phase.done and phase.outcome()["interaction_ended"] == "budget"


def test_fresh_reset_seeds_are_drawn_or_given(suite):
    fresh = Settings(budget=5, ticks_per_action=1, reset_seed="fresh")
    with pytest.raises(ConfigError, match="needs a generator"):
        InteractionPhase(suite.program("dot"), 1, fresh)
    drawn = InteractionPhase(suite.program("dot"), 1, fresh, rng=np.random.default_rng(5))
    drawn.apply("reset")
    assert drawn.last_reset_seed == fresh_seed(np.random.default_rng(5))
    given = InteractionPhase(suite.program("dot"), 1, fresh, fresh_seeds=iter([77]))
    given.apply("reset")
    assert given.last_reset_seed == 77
    with pytest.raises(ConfigError, match="no fresh reset seed left"):
        given.apply("reset")


def test_a_reset_records_its_seed_in_the_action_log(suite, tmp_path):
    settings = Settings(budget=3, horizon=1, ticks_per_action=1, reset_seed="fresh")
    record = run_episode(ScriptAgent(interaction=["reset", "noop"]), suite.spec("dot"),
                         suite.program("dot"), suite.task("dot", "planning"), settings, 7,
                         rng=np.random.default_rng(3))
    first, second = record.interaction[:2]
    assert first.reset_seed is not None and first.message == f"reset with seed {first.reset_seed}"
    assert second.reset_seed is None
    store = ResultsStore(tmp_path / "episodes.jsonl")
    store.append(record)
    line = store.path.read_text()
    assert line.count('"reset_seed":') == 1 + 1  # the reset's, and settings.reset_seed
    assert store.load() == [record]
