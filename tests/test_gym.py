"""The Gymnasium interface: registration, the environment checker, layouts, rewards, wrappers."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

gym = pytest.importorskip("gymnasium")
from gymnasium.utils.env_checker import check_env
from tiny_suite import PLAN_GOAL, make_suite

import worldtest.gym as wg
from worldtest.env import Suite
from worldtest.protocol import Settings, run_episode

SHIPPED = list(Suite().envs)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = make_suite(tmp_path_factory.mktemp("suite"))
    ids = wg.register_all(root)
    return root, ids


def test_importing_registers_every_world_and_test_phase():
    ids = wg.env_ids()
    for name in SHIPPED:
        assert f"worldtest/{name}-v0" in ids
        for family in ("mfp", "planning", "cd"):
            assert f"worldtest/{name}-{family}-v0" in ids
    assert gym.spec("worldtest/ice-planning-v0").kwargs["family"] == "planning"


@pytest.mark.parametrize("env_id", [f"worldtest/{n}{f}-v0" for n in SHIPPED
                                    for f in ("", "-mfp", "-planning", "-cd")])
def test_every_registered_env_passes_the_checker(env_id):
    env = gym.make(env_id)
    check_env(env.unwrapped)
    rgb = gym.make(env_id, obs_mode="rgb")
    check_env(rgb.unwrapped)
    obs, _ = rgb.reset(seed=1)
    n = Suite().spec(env_id.split("/")[1].split("-")[0]).grid_size
    assert obs.shape == (n, n, 3) and obs.dtype == np.uint8


def test_layout_indices():
    layout = wg.ActionLayout("interaction", 16)
    assert layout.n == 5 + 256 + 2
    assert layout.texts[:5] == ["noop", "left", "right", "up", "down"]
    assert layout.text(5 + 4 * 16 + 3) == "click 3 4" == layout.text(layout.click(3, 4))
    assert layout.texts[-2:] == ["reset", "go-to-test"]
    assert layout.index(" LEFT") == 1
    cd = wg.ActionLayout("cd", 4, horizon=10)
    assert cd.texts[5 + 16:5 + 16 + 4] == ["reset", "quit", "found-change", "submit"]
    assert cd.texts[-1] == "choose-frame 10" and cd.n == 5 + 16 + 4 + 11
    mfp = wg.ActionLayout("mfp", 4)
    assert mfp.texts == ["step", "rewind"] + [f"choose {n}" for n in range(6)]
    mask = cd.mask(["choose-frame K", "submit"], n_frames=3)
    assert mask.sum() == 4 and mask[cd.index("choose-frame 2")] and not mask[cd.index("quit")]
    with pytest.raises(ValueError, match="outside 0..35"):
        cd.text(36)


def test_interaction_env_follows_the_protocol(tiny):
    env = gym.make("worldtest/dot-v0", budget=3, ticks_per_action=2, program_seed=42)
    obs, info = env.reset(seed=0)
    assert obs.dtype == np.uint8 and obs.shape == (4, 4) and obs[0, 0] == 11  # the red dot
    layout = env.unwrapped.layout
    obs, reward, term, trunc, info = env.step(layout.index("right"))
    assert reward == 0.0 and not term and not trunc
    assert info["frames"].shape == (2, 4, 4) and info["tick"] == 2 and obs[0, 1] == 11
    obs, *_, info = env.step(layout.index("reset"))
    assert obs[0, 0] == 11 and info["tick"] == 0
    obs, _, term, trunc, info = env.step(layout.click(3, 3))
    assert obs[3, 3] == 11 and trunc and not term and info["remaining"] == 0
    env.reset()
    assert env.step(layout.index("go-to-test"))[2] is True


def test_test_phases_reward_the_task_score(tiny):
    root, _ = tiny
    suite = Suite(root)
    plan = gym.make("worldtest/dot-planning-v0")
    plan.reset(seed=0)
    layout = plan.unwrapped.layout
    _, reward, term, _, info = plan.step(layout.index("click 2 1"))
    assert reward == 1.0 and term and info["outcome"]["success"]
    assert np.array_equal(info["goal"], PLAN_GOAL)

    mfp = gym.make("worldtest/dot-mfp-v0")
    _, info = mfp.reset(seed=0)
    ml = mfp.unwrapped.layout
    assert info["action_mask"].tolist() == [1, 0, 0, 0, 0, 0, 0, 0]
    for _ in range(4):
        _, reward, term, _, info = mfp.step(ml.index("step"))
    assert reward == 0.0 and not term and info["options"].shape == (6, 2, 2)
    answer = suite.task("dot", "mfp").answer
    _, reward, term, _, _ = mfp.step(ml.index(f"choose {answer}"))
    assert reward == 1.0 and term

    cd = gym.make("worldtest/dot-cd-v0", horizon=12, program_seed=42)
    cd.reset(seed=0)
    cl = cd.unwrapped.layout
    _, _, _, _, info = cd.step(cl.index("found-change"))  # not offered before 3 ticks: invalid
    assert "invalid" in info
    for _ in range(6):
        cd.step(cl.index("noop"))
    cd.step(cl.index("found-change"))
    cd.step(cl.index("choose-frame 5"))
    _, reward, term, trunc, info = cd.step(cl.index("submit"))
    assert reward == 1.0 and term and not trunc and info["outcome"]["trigger_time"] == 6


def test_horizon_truncates_with_score_zero(tiny):
    env = gym.make("worldtest/dot-planning-v0", horizon=2)
    env.reset(seed=0)
    env.step(0)
    _, reward, term, trunc, info = env.step(0)
    assert (reward, term, trunc) == (0.0, False, True) and info["outcome"]["ended"] == "horizon"


def test_count_novelty_bonus(tiny):
    env = wg.CountNovelty(gym.make("worldtest/dot-v0", ticks_per_action=1), scale=2.0)
    env.reset(seed=0)
    layout = env.unwrapped.layout
    bonuses = [env.step(layout.index(a))[1] for a in ("right", "left", "right", "left")]
    assert bonuses == pytest.approx([2.0, 2.0, 2 / np.sqrt(2), 2 / np.sqrt(2)])


def test_prediction_error_bonus_fades_as_the_model_learns(tiny):
    env = wg.PredictionError(gym.make("worldtest/dot-v0", ticks_per_action=2, budget=100))
    env.reset(seed=0)
    layout = env.unwrapped.layout
    bonuses = []
    for _ in range(6):
        env.step(layout.index("reset"))
        bonuses.append(env.step(layout.index("right"))[1])
    assert bonuses[0] > 0 and bonuses[-1] == 0.0
    assert env.step(layout.index("go-to-test"))[1] == 0.0


def test_policy_explorer_is_scored_through_the_protocol(tiny):
    root, _ = tiny
    suite = Suite(root)
    layout = wg.ActionLayout("interaction", 4)
    agent = wg.policy_explorer(lambda obs: layout.index("right"), agent_id="always-right")
    record = run_episode(agent, suite.spec("dot"), suite.program("dot"), suite.task("dot", "mfp"),
                         Settings(budget=5, ticks_per_action=2), 42,
                         rng=np.random.default_rng(0))
    assert record.status == "ok" and record.agent == "always-right"
    assert [a.action for a in record.interaction] == ["right"] * 5
    assert record.score == 1.0


def test_the_training_example_runs_tiny(tiny):
    root, _ = tiny
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "examples"))
    try:
        import train_gym
    finally:
        sys.path.pop(0)
    learner = train_gym.train("dot", episodes=2, seed=3, budget=15)
    assert len(learner.q) > 1
    policy = lambda obs: learner.act(train_gym.state_key(obs), greedy=True)
    agents = {"q": wg.policy_explorer(policy, agent_id="q")}
    table = train_gym.score(agents, "dot", [42], suite=Suite(root),
                            settings=Settings(budget=10, horizon=40, ticks_per_action=2))
    assert set(table["q"]) == {"mfp", "planning", "cd"}
    assert all(0.0 <= v <= 1.0 for v in table["q"].values())
