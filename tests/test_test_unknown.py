"""Nothing about the test before the test (issue 15): what an agent, a model or a person is
given during the interaction phase is the same whatever the task family to come."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from tiny_suite import ScriptAgent, make_suite

from worldtest.agents.base import EpisodeStart
from worldtest.env import Suite
from worldtest.human.agent import HumanAgent
from worldtest.human.cards import CardScreen, instructions
from worldtest.protocol import Settings, run_episode

FAMILIES = ("mfp", "planning", "cd")
SETTINGS = Settings(budget=8, horizon=5, ticks_per_action=2)
SCRIPT = ["right", "click 1 1", "noop", "reset", "left", "up", "bogus"]


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return Suite(make_suite(tmp_path_factory.mktemp("suite")))


def _episode(suite, family, agent):
    return run_episode(agent, suite.spec("dot"), suite.program("dot"), suite.task("dot", family),
                       SETTINGS, 42, rng=np.random.default_rng(7))


def _fields(obs) -> dict:
    out = {}
    for f in dataclasses.fields(obs):
        v = getattr(obs, f.name)
        if f.name == "frames":
            v = [(x.tick, x.action, x.grid.tobytes()) for x in v]
        elif isinstance(v, np.ndarray):
            v = v.tobytes()
        out[f.name] = v
    return out


def test_episode_start_has_no_family():
    assert "family" not in {f.name for f in dataclasses.fields(EpisodeStart)}


def test_interaction_phase_is_the_same_whatever_the_family(suite):
    seen = {}
    for family in FAMILIES:
        agent = ScriptAgent(SCRIPT)
        record = _episode(suite, family, agent)
        assert record.status == "ok" and record.family == family
        start = {f.name: getattr(agent.start, f.name) for f in dataclasses.fields(EpisodeStart)
                 if f.name != "rng"}
        inter = [o for o in agent.observations if o.phase == "interaction"]
        assert len(inter) == len(SCRIPT) + 1
        for obs in inter:  # nothing names or hints at the test to come
            assert obs.goal is None and obs.goal_mask is None and obs.options is None
            assert obs.frame_index is None and obs.n_frames is None
            assert not any(f in (obs.message or "") for f in FAMILIES)
        seen[family] = (start, [_fields(o) for o in inter], agent.start.rng.integers(1 << 30))
        test = [o for o in agent.observations if o.phase != "interaction"]
        assert test and test[0].phase == family and test[0].first  # first known here
    assert seen["mfp"] == seen["planning"] == seen["cd"]


class _Stop(Exception):
    pass


class _Window:
    """Stands in for the play window: records the cards, leaves the interaction at once."""

    def __init__(self) -> None:
        self.cards: list[CardScreen] = []

    def now(self) -> float:
        return 0.0

    def run(self, screen):
        if isinstance(screen, CardScreen):
            self.cards.append(screen)
            return True
        if getattr(screen, "kind", None) == "interaction":
            return "go-to-test", False
        raise _Stop  # the test's card has been shown: enough


def test_the_person_is_not_told_the_test_before_it_starts(suite):
    shown = {}
    for family in FAMILIES:
        window = _Window()
        record = _episode(suite, family, HumanAgent(window, "tester", tick_seconds=0))
        assert record.status == "failed"  # stopped on the test's first screen
        first, test = window.cards
        assert (first.name, test.name) == ("card-interaction", f"card-{family}")
        shown[family] = (first.title, first.paragraphs)
        own = instructions(family, env="dot", budget=8, horizon=5, frame_rate=8,
                           ticks_per_action=2, real_time=True)
        assert (test.title, test.paragraphs) == own  # the test's card comes with the test
    assert shown["mfp"] == shown["planning"] == shown["cd"]
    text = " ".join(shown["cd"][1]).lower()
    assert not any(f in text.split() for f in FAMILIES)
