"""The simulator agent and its particles: worlds of the true program consistent with frames."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from tiny_suite import DOT, make_suite

from worldtest.agents import make_agent
from worldtest.agents.base import Observation
from worldtest.agents.particles import (
    Particle,
    ParticleBelief,
    initial_worlds,
    outcomes,
    reconstruct,
    state_of,
)
from worldtest.agents.simulator import SimulatorAgent
from worldtest.autumn import compile_program
from worldtest.env import Frame, Suite, frame_of
from worldtest.protocol import Settings, run_episode

# A 4x4 world whose dot jumps to a random corner every tick (one draw of 4 per tick).
JUMPER = """(program
  (= GRID_SIZE 4)
  (object Dot (Cell 0 0 "red"))
  (: dot Dot)
  (= dot (initnext (Dot (Position 1 1))
    (Dot (uniformChoice (list (Position 0 0) (Position 3 0) (Position 0 3) (Position 3 3))))))
)
"""
# The same, but the dot also starts at a random corner (a draw while loading).
LOADER = JUMPER.replace("(Dot (Position 1 1))", "(Dot (uniformChoice (list (Position 0 0) "
                        "(Position 3 0) (Position 0 3) (Position 3 3))))")
RNG = np.random.default_rng(0)


def test_a_tick_with_free_draws_gives_every_outcome_with_its_probability():
    world = compile_program(JUMPER).start(7)
    worlds, exact = outcomes(world, None)
    assert exact and len(worlds) == 4 and {p for _, p in worlds} == {0.25}
    bg = frame_of(world)[0, 0]
    corners = {tuple(int(i) for i in np.argwhere(frame_of(w) != bg)[0]) for w, _ in worlds}
    assert corners == {(0, 0), (0, 3), (3, 0), (3, 3)}
    assert outcomes(compile_program(DOT).start(7), "right")[1] is True  # deterministic: one run
    assert len(outcomes(compile_program(DOT).start(7), "right")[0]) == 1
    sampled, exact = outcomes(world, None, cap=2, samples=40, rng=RNG)
    assert not exact and 1 <= len(sampled) <= 4
    assert world.tick == 0  # not modified


def test_initial_worlds_leave_the_loading_draws_free():
    assert len(initial_worlds(compile_program(LOADER), rng=RNG)) == 4
    assert len(initial_worlds(compile_program(JUMPER), rng=RNG)) == 1
    assert len(initial_worlds(compile_program(LOADER), cap=2, samples=12, rng=RNG)) <= 4


def test_reconstruction_finds_the_state_behind_a_hidden_prefix():
    program = compile_program(DOT)
    true = program.start(2**32 - 5)
    for ev in ["right", "down", "down", ("click", 3, 1), "left", None]:
        true.step(ev)
    found = list(reconstruct([program.start(1)], frame_of(true), max_runs=5_000, rng=RNG,
                             after_first=500))
    assert found and all(np.array_equal(frame_of(w), frame_of(true)) for w in found)
    # The dot's frame does not show the tick counter t: several states match, the true one too
    # (t = 6 here) unless the budget stopped first; all are kept as candidates.
    assert len({state_of(w) for w in found}) == len(found)


def test_the_belief_keeps_the_worlds_that_show_the_frames():
    program = compile_program(JUMPER)
    true = program.start(3_000_000_017)  # a 32-bit seed: no enumeration of seeds
    belief = ParticleBelief([Particle(w, 1.0) for w in initial_worlds(program, rng=RNG)], RNG)
    for _ in range(10):
        true.step(None)
        assert belief.step(None, frame_of(true))
        assert len(belief.particles) == 1 and belief.exact
        assert np.array_equal(frame_of(belief.best()), frame_of(true))
    wrong = frame_of(program.start(1))  # the dot is never in the middle again
    assert not belief.step(None, wrong) and belief.empty


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return Suite(make_suite(tmp_path_factory.mktemp("suite")))


class _Blindfolded(SimulatorAgent):
    """The simulator with the seed and task removed from what it is handed."""

    def reset(self, start):
        p = dataclasses.replace(start.privileged, seed=None, task=None)
        super().reset(dataclasses.replace(start, privileged=p))


@pytest.mark.parametrize("family", ["mfp", "planning", "cd"])
def test_simulator_needs_only_the_program(suite, family):
    agent = _Blindfolded()
    record = run_episode(agent, suite.spec("dot"), suite.program("dot"), suite.task("dot", family),
                         Settings(budget=40, horizon=60, ticks_per_action=2), 42,
                         rng=np.random.default_rng(0))
    assert record.status == "ok", record.error
    assert record.score >= (0.98 if family == "cd" else 1)
    assert record.interaction[0].action == "go-to-test"  # nothing to learn there
    assert record.usage["identified"] is True
    # CD: the change is the frame no world of the true program explains.
    assert record.usage["note"] == ("no world explains the frames seen" if family == "cd" else None)
    assert make_agent("simulator").id == "simulator"


def test_simulator_says_when_it_cannot_identify_the_world(suite):
    agent = SimulatorAgent()
    spec = suite.spec("dot")
    settings = Settings(budget=4, horizon=10, ticks_per_action=1)
    from worldtest.agents.base import EpisodeStart, Privileged

    agent.reset(EpisodeStart("dot", 4, 8, settings, np.random.default_rng(1),
                             Privileged(DOT, spec.program, 0, None)))
    impossible = np.full((4, 4), 3, dtype=np.uint8)  # no state of dot fills the grid
    goal = np.zeros((4, 4), dtype=np.uint8)
    obs = Observation("planning", [Frame(0, None, impossible)], impossible,
                      ["noop", "left", "right", "up", "down", "click X Y", "quit"], 10,
                      goal=goal, goal_mask=np.eye(4, dtype=np.uint8), first=True)
    text = agent.act(obs)
    assert text.split()[0] in {"noop", "left", "right", "up", "down", "click"}
    usage = agent.usage()
    assert usage["identified"] is False and usage["note"] == "no world shows the test's frame 0"


PREFIX = ["right", "down", "down", "noop"]  # the dot ends at (1, 2) with t = 4


@pytest.fixture(scope="module")
def prefixed(tmp_path_factory):
    """The tiny suite with every test behind a hidden prefix and a 32-bit task seed."""
    from tiny_suite import MFP_ACTIONS, MFP_ANSWER, MFP_MASK, cd_task, planning_task, run_frames

    from worldtest.tasks.models import MfpTask, save_task

    root = make_suite(tmp_path_factory.mktemp("prefixed"))
    frames = run_frames(PREFIX + MFP_ACTIONS)[len(PREFIX):]
    truth = np.array(MFP_MASK.region(frames[-1]))
    options = [np.full((2, 2), c, dtype=np.uint8) for c in (1, 10, 5, 9, 8)]
    options.insert(MFP_ANSWER, truth)
    shown = [f if i < MFP_MASK.from_frame else MFP_MASK.apply(f) for i, f in enumerate(frames)]
    seed = 3_987_654_321
    mfp = MfpTask(id="dot/mfp", env="dot", seed=seed, actions=MFP_ACTIONS,
                  derived_by="imported from the reference harness layout by hand (test fixture)",
                  frames=shown, mask=MFP_MASK, options=options, answer=MFP_ANSWER,
                  prefix=PREFIX)
    tasks = root / "tasks" / "dot"
    save_task(mfp, tasks / "mfp.json")
    save_task(planning_task().model_copy(update={"seed": seed, "prefix": PREFIX}),
              tasks / "planning.json")
    save_task(cd_task().model_copy(update={"seed": seed, "prefix": PREFIX}), tasks / "cd.json")
    return Suite(root)


@pytest.mark.parametrize("family", ["mfp", "planning", "cd"])
def test_simulator_finds_the_hidden_start(prefixed, family):
    task = prefixed.task("dot", family)
    assert task.prefix == PREFIX
    record = run_episode(_Blindfolded(), prefixed.spec("dot"), prefixed.program("dot"), task,
                         Settings(budget=40, horizon=60, ticks_per_action=2), 42,
                         rng=np.random.default_rng(0))
    assert record.status == "ok", record.error
    assert record.usage["identified"] is True
    assert record.usage["particles"] >= 1 or family == "cd"
    assert record.score >= (0.98 if family == "cd" else 1), (record.outcome, record.usage)
