"""The agent registry and the random agent."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from tiny_suite import ScriptAgent, make_suite

from worldtest.agents import AGENTS, make_agent
from worldtest.agents.base import Agent
from worldtest.agents.random import RandomAgent
from worldtest.env import Suite
from worldtest.errors import ConfigError
from worldtest.protocol import Settings, run_episode


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return Suite(make_suite(tmp_path_factory.mktemp("suite")))


SMALL = Settings(budget=6, horizon=30, ticks_per_action=1)


def play(suite, family, rng_seed, settings=SMALL):
    return run_episode(
        make_agent("random"),
        suite.spec("dot"),
        suite.program("dot"),
        suite.task("dot", family),
        settings,
        42,
        rng=np.random.default_rng(rng_seed),
    )


def test_registry():
    agent = make_agent("random")
    assert isinstance(agent, RandomAgent) and isinstance(agent, Agent)
    assert (agent.id, agent.version) == ("random", "1")
    assert AGENTS["oracle"] == "worldtest.agents.oracle:OracleAgent"
    assert isinstance(make_agent("tiny_suite:ScriptAgent"), ScriptAgent)
    with pytest.raises(ConfigError, match="unknown agent 'gpt': expected one of explorer, oracle, random, simulator"):
        make_agent("gpt")
    with pytest.raises(ConfigError, match="cannot import 'tiny_suite:Nobody'"):
        make_agent("tiny_suite:Nobody")


@pytest.mark.parametrize("family", ["mfp", "planning", "cd"])
def test_random_agent_is_always_valid_and_reproducible(suite, family):
    a, b = play(suite, family, 5), play(suite, family, 5)
    assert a.status == "ok" and a.n_invalid == 0 and a.n_resets == 0
    assert [x.action for x in a.interaction + a.test] == [x.action for x in b.interaction + b.test]
    assert len(a.interaction) == 6 and a.outcome["interaction_ended"] == "budget"
    assert not {"reset", "go-to-test", "quit"} & {x.action for x in a.interaction + a.test}


def test_random_agent_varies_with_the_rng(suite):
    traces = {tuple(x.action for x in play(suite, "planning", s).interaction) for s in range(5)}
    assert len(traces) > 1


def test_random_mfp_steps_to_the_end_then_chooses_uniformly(suite):
    records = [play(suite, "mfp", s) for s in range(120)]
    assert all([x.action for x in r.test[:4]] == ["step"] * 4 and len(r.test) == 5 for r in records)
    counts = Counter(r.outcome["choice"] for r in records)
    assert set(counts) == set(range(6)) and max(counts.values()) < 40


def test_random_cd_claims_then_chooses_a_seen_frame_and_submits(suite):
    records = [play(suite, "cd", s) for s in range(30)]
    for r in records:
        actions = [x.action for x in r.test]
        assert r.outcome["ended"] == "submit" and len(actions) <= 30
        assert (
            actions[-3] == "found-change"
            and actions[-2].startswith("choose-frame ")
            and actions[-1] == "submit"
        )
        assert 0 <= r.outcome["chosen_frame"] < r.outcome["frames_seen"]
    assert len({len(r.test) for r in records}) > 5  # the claim time varies
