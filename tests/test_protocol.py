"""One WorldTest episode end to end on the tiny ``dot`` suite (protocol sections 1-3)."""

from __future__ import annotations

import numpy as np
import pytest
from tiny_suite import MFP_ANSWER, ScriptAgent, make_suite

from worldtest.env import Suite
from worldtest.palette import from_letters
from worldtest.protocol import Settings, digest, run_episode
from worldtest.tasks.scoring import cd_decay

FAST = Settings(budget=10, horizon=30, ticks_per_action=1)


@pytest.fixture
def suite(tmp_path):
    return Suite(make_suite(tmp_path / "suite"))


def episode(suite, family, agent, settings=FAST, seed=42, rng_seed=0):
    return run_episode(
        agent,
        suite.spec("dot"),
        suite.program("dot"),
        suite.task("dot", family),
        settings,
        seed,
        rng=np.random.default_rng(rng_seed),
    )


# -- settings -------------------------------------------------------------------------------------


def test_settings_defaults_follow_the_protocol():
    s = Settings()
    assert (s.budget, s.horizon, s.ticks_per_action, s.reset_seed) == (200, 300, None, "same")
    assert s.resolved(8).ticks_per_action == 8
    assert Settings(ticks_per_action=1).resolved(8).ticks_per_action == 1
    with pytest.raises(ValueError):
        Settings(horizon=0)
    with pytest.raises(ValueError):
        Settings(reset_seed="sometimes")


# -- interaction phase ----------------------------------------------------------------------------


def test_budget_counts_every_action_including_reset_invalid_and_go_to_test(suite):
    agent = ScriptAgent(
        interaction=["right", "reset", "jump", "click 9 9", "down", "go-to-test"],
        test=["click 2 1"],
    )
    record = episode(suite, "planning", agent)
    assert [a.action for a in record.interaction] == [
        "right",
        "reset",
        "jump",
        "click 9 9",
        "down",
        "go-to-test",
    ]
    assert [a.valid for a in record.interaction] == [True, True, False, False, True, True]
    assert record.n_resets == 1 and record.n_invalid == 2
    remaining = [o.remaining for o in agent.observations if o.phase == "interaction"]
    assert remaining == [10, 9, 8, 7, 6, 5]
    assert record.outcome["interaction_actions"] == 6
    assert record.outcome["interaction_ended"] == "go-to-test"


def test_invalid_action_is_reported_in_the_next_observation(suite):
    agent = ScriptAgent(interaction=["jump", "click 9 9", "left"])
    record = episode(suite, "planning", agent)
    obs = agent.observations
    assert obs[0].message is None and obs[0].first
    assert "invalid action 'jump'" in obs[1].message and "expected one of" in obs[1].message
    assert obs[1].frames == []
    assert "outside the 4x4 grid" in obs[2].message
    assert obs[3].message is None
    assert record.interaction[0].message == obs[1].message


def test_budget_exhaustion_moves_to_the_test_phase(suite):
    agent = ScriptAgent(interaction=["noop"] * 50, test=["click 2 1"])
    record = episode(suite, "planning", agent, Settings(budget=5, horizon=5, ticks_per_action=1))
    assert len(record.interaction) == 5
    assert record.outcome["interaction_ended"] == "budget"
    assert record.score == 1.0


def test_zero_budget_goes_straight_to_test(suite):
    agent = ScriptAgent(test=["click 2 1"])
    record = episode(suite, "planning", agent, Settings(budget=0, horizon=5))
    assert record.interaction == [] and record.score == 1.0
    assert agent.observations[0].phase == "planning"


def test_ticks_per_action_defaults_to_the_frame_rate(suite):
    agent = ScriptAgent(interaction=["right"])
    record = episode(suite, "planning", agent, Settings(budget=3, horizon=1))
    assert record.settings["ticks_per_action"] == 8  # the stdlib's FRAME_RATE
    assert agent.start.settings.ticks_per_action == 8 and agent.start.frame_rate == 8
    frames = agent.observations[1].frames
    assert [f.tick for f in frames] == list(range(1, 9))
    assert [f.action for f in frames] == ["right"] + [None] * 7
    assert (record.interaction[0].tick, record.interaction[0].ticks) == (8, 8)
    assert record.interaction[0].digest == digest(frames[-1].grid)


def test_interaction_frames_show_the_program(suite):
    agent = ScriptAgent(interaction=["right", "down", "reset"])
    episode(suite, "planning", agent)
    obs = agent.observations
    assert obs[0].frames[0].tick == 0 and obs[0].frames[0].action is None
    assert np.array_equal(obs[2].frame, from_letters(["....", ".R..", "....", "...."]))
    assert obs[3].frames[0].action == "reset"
    assert np.array_equal(obs[3].frame, from_letters(["R...", "....", "....", "...."]))
    assert obs[0].offered == [
        "noop",
        "left",
        "right",
        "up",
        "down",
        "click X Y",
        "reset",
        "go-to-test",
    ]


def test_reset_uses_the_episode_seed_by_default(suite):
    record = episode(suite, "planning", ScriptAgent(interaction=["reset"]), seed=7)
    assert record.interaction[0].message == "reset with seed 7"


def test_fresh_reset_seeds_come_from_the_episode_rng(suite):
    settings = Settings(budget=5, horizon=1, ticks_per_action=1, reset_seed="fresh")
    runs = [
        episode(
            suite,
            "planning",
            ScriptAgent(interaction=["reset", "reset"]),
            settings,
            seed=7,
            rng_seed=3,
        )
        for _ in range(2)
    ]
    notes = [[a.message for a in r.interaction[:2]] for r in runs]
    assert notes[0] == notes[1]  # reproducible from the recorded seeds
    assert notes[0][0] != "reset with seed 7" and notes[0][0] != notes[0][1]


# -- planning -------------------------------------------------------------------------------------


def test_planning_success_after_the_right_click(suite):
    agent = ScriptAgent(test=["noop", "click 2 1"])
    record = episode(suite, "planning", agent)
    assert record.status == "ok" and record.score == 1.0
    out = record.outcome
    assert (out["success"], out["actions_used"], out["optimal_actions"], out["ended"]) == (
        True,
        2,
        1,
        "goal",
    )
    assert out["efficiency"] == pytest.approx(cd_decay(2.0))
    first = next(o for o in agent.observations if o.phase == "planning")
    assert first.goal is not None and first.goal_mask.sum() == 1
    assert first.offered == ["noop", "left", "right", "up", "down", "click X Y", "quit"]
    assert len(record.test) == 2 and record.test[-1].ticks == 1


def test_planning_invalid_test_action_costs_one_and_is_reported(suite):
    agent = ScriptAgent(test=["reset", "click 2 1"])
    record = episode(suite, "planning", agent)
    assert record.score == 1.0 and record.n_invalid == 1
    assert record.outcome["actions_used"] == 2
    planning = [o for o in agent.observations if o.phase == "planning"]
    assert planning[1].remaining == 29
    assert "reset is not offered now" in planning[1].message
    assert record.test[0].valid is False and record.test[0].ticks == 0


def test_horizon_ends_the_test_phase_with_zero(suite):
    record = episode(suite, "planning", ScriptAgent(after="noop"), Settings(budget=1, horizon=7))
    assert record.score == 0.0 and len(record.test) == 7
    assert record.outcome["ended"] == "horizon" and record.outcome["success"] is False
    assert record.outcome["efficiency"] == 0.0


def test_quit_ends_planning_without_success(suite):
    record = episode(suite, "planning", ScriptAgent(test=["quit"]))
    assert record.score == 0.0 and record.outcome["ended"] == "quit" and len(record.test) == 1


# -- masked-frame prediction ----------------------------------------------------------------------


def test_mfp_correct_choice_scores_one(suite):
    agent = ScriptAgent(test=["step"] * 4 + [f"choose {MFP_ANSWER}"])
    record = episode(suite, "mfp", agent)
    assert record.score == 1.0
    assert record.outcome["choice"] == MFP_ANSWER and record.outcome["correct"] is True
    mfp = [o for o in agent.observations if o.phase == "mfp"]
    assert [o.frame_index for o in mfp] == [0, 1, 2, 3, 4] and mfp[0].n_frames == 5
    assert mfp[0].offered == ["step"] and mfp[0].options is None
    assert mfp[3].options is None and (mfp[3].frame == 0).sum() == 4  # masked from frame 3 on
    assert mfp[4].offered == ["rewind", "choose N"] and len(mfp[4].options) == 6
    assert mfp[4].frames[0].action == "click 0 3"


def test_mfp_wrong_choice_scores_zero(suite):
    record = episode(suite, "mfp", ScriptAgent(test=["step"] * 4 + ["choose 0"]))
    assert record.score == 0.0 and record.outcome["correct"] is False


def test_mfp_choose_before_the_end_and_out_of_range_are_invalid(suite):
    agent = ScriptAgent(
        test=[
            "choose 2",
            "step",
            "rewind",
            "step",
            "step",
            "step",
            "step",
            "choose 6",
            "rewind",
            f"choose {MFP_ANSWER}",
        ]
    )
    record = episode(suite, "mfp", agent)
    assert [a.valid for a in record.test] == [False] + [True] * 6 + [False, True, True]
    assert record.n_invalid == 2 and record.score == 1.0
    mfp = [o for o in agent.observations if o.phase == "mfp"]
    assert mfp[3].frame_index == 0  # rewind goes back to frame 0
    assert mfp[9].options is not None  # options stay visible after a rewind
    assert "expected N in 0..5" in mfp[8].message


# -- change detection -----------------------------------------------------------------------------


def cd_record(suite, test, **kwargs):
    agent = ScriptAgent(test=test, after="quit")
    return agent, episode(suite, "cd", agent, **kwargs)


def test_cd_exact_first_defective_frame_scores_one(suite):
    agent, record = cd_record(suite, ["noop"] * 7 + ["found-change", "choose-frame 5", "submit"])
    out = record.outcome
    assert (out["trigger_time"], out["chosen_frame"], out["raw_score"]) == (6, 5, 1.0)
    assert record.score == 1.0
    cd = [o for o in agent.observations if o.phase == "cd"]
    assert cd[5].frame[0, 0] == 10 and cd[4].frame[0, 0] == 11  # blue from frame 5 on
    assert "found-change" not in cd[2].offered and "found-change" in cd[3].offered
    assert cd[8].offered == ["choose-frame K", "quit"]
    assert cd[9].offered == ["choose-frame K", "submit", "quit"] and cd[9].frame_index == 5
    assert cd[9].n_frames == 8


def test_cd_late_claim_decays(suite):
    _, record = cd_record(suite, ["noop"] * 13 + ["found-change", "choose-frame 12", "submit"])
    assert record.score == pytest.approx(0.710, abs=1e-3)
    assert record.outcome["raw_score"] == record.score


def test_cd_early_claim_is_zero_with_raw_minus_one(suite):
    _, record = cd_record(suite, ["noop"] * 7 + ["found-change", "choose-frame 3", "submit"])
    assert record.score == 0.0 and record.outcome["raw_score"] == -1.0


def test_cd_claim_before_the_trigger_is_zero(suite):
    _, record = cd_record(suite, ["noop"] * 3 + ["found-change", "choose-frame 3", "submit"])
    assert record.outcome["trigger_time"] is None
    assert record.score == 0.0 and record.outcome["raw_score"] == -1.0


def test_cd_frames_are_numbered_across_resets(suite):
    # frames 0-3 (ticks 0-3), reset -> frame 4 (tick 0), frames 5-10 (ticks 1-6): t >= 5 at frame 9
    agent, record = cd_record(
        suite,
        ["noop"] * 3 + ["reset"] + ["noop"] * 6 + ["found-change", "choose-frame 9", "submit"],
    )
    assert record.outcome["trigger_time"] == 10 and record.score == 1.0
    assert record.outcome["n_resets"] == 1 and record.n_resets == 0  # n_resets counts interaction
    cd = [o for o in agent.observations if o.phase == "cd"]
    assert (
        cd[4].frame_index == 4 and cd[4].frames[0].tick == 0 and cd[4].frames[0].action == "reset"
    )


def test_cd_found_change_needs_three_ticks_and_choice_needs_a_seen_frame(suite):
    _, record = cd_record(
        suite,
        [
            "noop",
            "found-change",
            "noop",
            "noop",
            "found-change",
            "choose-frame 4",
            "submit",
            "choose-frame 1",
            "submit",
        ],
    )
    assert [a.valid for a in record.test] == [
        True,
        False,
        True,
        True,
        True,
        False,
        False,
        True,
        True,
    ]
    assert record.outcome["chosen_frame"] == 1 and record.score == 0.0


def test_cd_quit_and_horizon_score_zero(suite):
    _, quit_record = cd_record(suite, ["noop", "quit"])
    assert quit_record.score == 0.0 and quit_record.outcome["ended"] == "quit"
    assert quit_record.outcome["raw_score"] == 0.0
    _, horizon = cd_record(suite, ["noop"] * 50, settings=Settings(budget=1, horizon=12))
    assert (
        horizon.outcome["ended"] == "horizon" and len(horizon.test) == 12 and horizon.score == 0.0
    )


# -- agents that misbehave ------------------------------------------------------------------------


class Raiser(ScriptAgent):
    def __init__(self, when="act", after_calls=3):
        super().__init__()
        self.when, self.after_calls, self.calls = when, after_calls, 0

    def reset(self, start):
        super().reset(start)
        if self.when == "reset":
            raise RuntimeError("cannot start")

    def act(self, obs):
        self.calls += 1
        if self.calls > self.after_calls:
            raise ValueError("model fell over")
        return "noop"


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("act", "raised in act(): ValueError: model fell over"),
        ("reset", "raised in reset(): RuntimeError: cannot start"),
    ],
)
def test_an_agent_that_raises_gives_a_failed_record(suite, when, message):
    record = episode(suite, "cd", Raiser(when))
    assert record.status == "failed" and record.score == 0.0
    assert message in record.error
    if when == "act":
        assert len(record.interaction) == 3


def test_non_text_actions_are_invalid_not_fatal(suite):
    agent = ScriptAgent(interaction=[None, 42], test=[["choose", 1], "click 2 1"])
    record = episode(suite, "planning", agent)
    assert record.status == "ok" and record.n_invalid == 3 and record.score == 1.0
    assert record.interaction[1].action == "42"


def test_only_privileged_agents_see_the_program(suite):
    plain = ScriptAgent()
    episode(suite, "mfp", plain)
    assert plain.start.privileged is None

    class Oracle(ScriptAgent):
        privileged = True

    oracle = Oracle()
    episode(suite, "cd", oracle, seed=9)
    p = oracle.start.privileged
    assert "(program" in p.program_source and p.seed == 9 and p.task.id == "dot/cd"
    assert p.task.wrong_program_path().name == "cd_wrong.sexp"


def test_record_fields(suite):
    record = episode(suite, "mfp", ScriptAgent(test=["step"] * 4 + ["choose 1"]), seed=5)
    assert (record.agent, record.agent_version, record.env, record.family) == (
        "script",
        "1",
        "dot",
        "mfp",
    )
    assert (record.task_id, record.task_version, record.seed, record.task_seed) == (
        "dot/mfp",
        1,
        5,
        42,
    )
    assert record.stochastic is False and record.key.startswith("script@1/dot/mfp@v1/s5/")
    assert record.settings == {
        "budget": 10,
        "horizon": 30,
        "ticks_per_action": 1,
        "reset_seed": "same",
    }
    assert all(len(a.digest) == 12 for a in record.interaction + record.test)
