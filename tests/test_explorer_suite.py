"""The explorer and the simulator on the suite's first six environments (slow: about two minutes).

The floors below were calibrated on these six (ice, particles, collector, gravity, ants, lamp),
one deterministic and stochastic mix; the whole 43-environment suite takes too long for the
default test run, so its figures are measured by ``worldtest run --agent explorer`` instead.
"""

from __future__ import annotations

import numpy as np
import pytest

from worldtest.agents import make_agent
from worldtest.env import FAMILIES, Suite
from worldtest.protocol import Settings, run_episode
from worldtest.runner import episode_rng

pytestmark = pytest.mark.slow

SEED = 1
ENVS = ("ice", "particles", "collector", "gravity", "ants", "lamp")


def family_means(agent_id: str) -> dict[str, float]:
    suite, agent = Suite(), make_agent(agent_id)
    scores: dict[str, list[float]] = {f: [] for f in FAMILIES}
    for env in ENVS:
        for family in FAMILIES:
            task = suite.task(env, family)
            record = run_episode(agent, suite.spec(env), suite.program(env), task, Settings(),
                                 SEED, rng=episode_rng(SEED, agent.id, task.id))
            assert record.status == "ok", record.error
            scores[family].append(record.score)
    return {f: float(np.mean(v)) for f, v in scores.items()}


def test_explorer_beats_chance_random_and_o3():
    explorer, random = family_means("explorer"), family_means("random")
    # Chance: MFP 1/6; random's planning and CD depend on luck (one seed, six tasks each).
    # Calibrated on derivation v3's tasks (issue 15: hidden starts, deeper goals), where the
    # explorer scores MFP 0.83, planning 0.50 and CD 0.41 on these six at seed 1 and random
    # 0, 0 and 0.03; the floors leave one task of slack per family.
    floors = {"mfp": 0.5, "planning": 0.33, "cd": 0.25}
    for family, floor in floors.items():
        assert explorer[family] >= floor, (family, explorer)
    overall = np.mean(list(explorer.values()))
    assert overall >= np.mean(list(random.values())) + 0.3, (explorer, random)
    assert overall > 0.275  # o3, the paper's best model overall (on its own environments)


def test_simulator_infers_the_test_world_and_beats_random():
    # The test's seed is 32-bit and its start hidden (issue 15): the simulator must find the
    # world from the test's frames; where it cannot it plays model-free, so no oracle floors.
    simulator, random = family_means("simulator"), family_means("random")
    assert simulator["mfp"] >= 0.5, simulator
    assert np.mean(list(simulator.values())) >= np.mean(list(random.values())) + 0.2, (
        simulator, random)
