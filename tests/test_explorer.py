"""The explorer's learned model and its three test families (the simulator: test_simulator.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from tiny_suite import DOT, DOT_WRONG, make_suite

from worldtest.agents import make_agent
from worldtest.agents.explorer import ExplorerAgent
from worldtest.agents.explorer.detect import surprise
from worldtest.agents.explorer.experiments import components
from worldtest.agents.explorer.features import (
    COARSENS,
    LEVELS,
    action_code,
    motion_codes,
)
from worldtest.agents.explorer.model import History, LocalRuleModel
from worldtest.agents.simulator import SimulatorAgent
from worldtest.autumn import compile_program
from worldtest.env import AutumnEnv, Suite, frame_of
from worldtest.palette import from_letters
from worldtest.protocol import Settings, run_episode

SMALL = Settings(budget=40, horizon=60, ticks_per_action=2)

# A 4x4 world whose dot jumps to a random corner every tick (one draw per tick).
JUMPER = """(program
  (= GRID_SIZE 4)
  (object Dot (Cell 0 0 "red"))
  (: dot Dot)
  (= dot (initnext (Dot (Position 1 1))
    (Dot (uniformChoice (list (Position 0 0) (Position 3 0) (Position 0 3) (Position 3 3))))))
)
"""


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    return Suite(make_suite(tmp_path_factory.mktemp("suite")))


def play(suite, agent, family, settings=SMALL, seed=42, rng_seed=0):
    return run_episode(agent, suite.spec("dot"), suite.program("dot"), suite.task("dot", family),
                       settings, seed, rng=np.random.default_rng(rng_seed))


def learn(model, program_source, actions, seed=42):
    """Run a program on action texts (one tick each), teaching ``model`` every tick."""
    env = AutumnEnv(compile_program(program_source), seed)
    history = History.start(env.frame)
    for text in actions:
        event = None if text == "noop" else (
            ("click", *map(int, text.split()[1:])) if text.startswith("click") else text)
        (frame,) = env.step(text)
        model.observe(history, event, frame)
        history = model.advance(history, event, frame)
    return history


# -- features -----------------------------------------------------------------------------------
def test_motion_codes_say_where_a_colour_came_from():
    prev = from_letters(["R...", "....", "....", "...."])[None]
    cur = from_letters([".R..", "....", "....", "...."])[None]
    codes = motion_codes(prev, cur)[0]
    assert codes[0, 1] == 1  # red came from the left neighbour: moving right
    assert codes[0, 0] == 2  # black came from the right neighbour
    assert codes[2, 2] == 0  # unchanged


def test_click_feature_names_colour_and_offset():
    frame = from_letters(["R...", "....", "....", "...."])
    act = action_code(("click", 0, 0), frame)
    assert act[0, 0] == 8 + 11 * 16 + 4  # the clicked cell itself: offset (0, 0)
    assert act[1, 1] == 8 + 11 * 16 + 0  # clicked up-left of it
    assert act[3, 3] == 8 + 11 * 16 + 9  # far
    assert action_code("left", frame)[2, 2] == 1


def test_levels_coarsen_consistently():
    assert LEVELS[-1] == ("c",)
    for i in range(len(LEVELS)):
        assert COARSENS[i][i] and COARSENS[i][-1]
    n9 = LEVELS.index(("n9", "d9"))
    assert not COARSENS[LEVELS.index(("c", "d", "act", "g"))][n9]


# -- the model ------------------------------------------------------------------------------------
def test_model_learns_a_local_rule_and_generalises_it():
    model = LocalRuleModel()
    learn(model, DOT, ["right", "right", "left", "left"] * 3)
    history = History.start(from_letters(["....", "....", ".R..", "...."]))
    pred = model.predict([history], ["right"])
    assert np.array_equal(pred.frame[0], from_letters(["....", "....", "..R.", "...."]))
    assert pred.confidence[0, 2, 2] > 0.5


def test_unseen_context_keeps_its_colour():
    model = LocalRuleModel()
    frame = from_letters(["R...", "....", "....", "...."])
    pred = model.predict([History.start(frame)], ["down"])
    assert np.array_equal(pred.frame[0], frame) and pred.n.max() == 0


def test_inert_inputs_are_predicted_as_noop():
    model = LocalRuleModel()
    source = DOT.replace("(on up (= dot (moveUp dot)))", "")
    env = AutumnEnv(compile_program(source), 42)
    history = History.start(env.frame)
    for text in ["noop", "noop", "down", "noop", "noop", "up", "noop", "up", "right"]:
        event = None if text == "noop" else text
        (frame,) = env.step(text)
        model.note_effect(history, event, frame)
        model.observe(history, event, frame)
        history = model.advance(history, event, frame)
    assert model.inert(history, "up") and not model.inert(history, "down")


def test_streaks_ignore_arrows_and_flashing_buttons():
    frame = from_letters(["R...", "....", "....", "...."])
    flash = from_letters(["O...", "....", "....", "...."])
    h = History.start(frame)
    assert h.streak(("click", 0, 0)) == 1
    h = h.then(("click", 0, 0), flash).then("left", flash)
    assert h.streak(("click", 0, 0)) == 2  # same cell, now orange; the arrow did not break it
    h = h.then(("click", 0, 0), frame).then(("click", 3, 3), frame)
    assert h.streak(("click", 0, 0)) == 1  # a click elsewhere breaks it
    assert h.streak(None) == 0


def test_stochasticity_separates_random_from_deterministic_worlds():
    det, rnd = LocalRuleModel(), LocalRuleModel()
    learn(det, DOT, ["noop", "right", "down", "left", "up"] * 10)
    learn(rnd, JUMPER, ["noop"] * 60)
    assert det.stochasticity() < 1e-3 < rnd.stochasticity()


def test_surprise_flags_a_broken_rule_but_not_chance():
    model = LocalRuleModel()
    learn(model, DOT, ["right", "left"] * 10)
    history = History.start(from_letters(["R...", "....", "....", "...."]))
    broken = from_letters(["B...", "....", "....", "...."])  # the dot turned blue
    fine = from_letters([".R..", "....", "....", "...."])
    assert surprise(model, history, "right", fine).min() == 0.0
    assert surprise(model, history, None, broken).min() < np.log(1e-3)
    rnd = LocalRuleModel()
    h = learn(rnd, JUMPER, ["noop"] * 80)
    corner = np.zeros((4, 4), dtype=np.uint8) + 1
    corner[0, 0] = 11
    assert surprise(rnd, h, None, corner).min() > np.log(1e-2)


def test_components_find_objects_by_colour():
    frame = from_letters(["RR..", "...B", "...B", "R..."])
    comps = components(frame, background=1)
    assert [(c, len(cells)) for c, cells in comps] == [(11, 2), (10, 2), (11, 1)]


# -- the explorer on the tiny suite ----------------------------------------------------------------
@pytest.mark.parametrize("family", ["mfp", "planning", "cd"])
def test_explorer_solves_the_tiny_tasks_reproducibly(suite, family):
    a, b = play(suite, ExplorerAgent(), family), play(suite, ExplorerAgent(), family)
    assert a.status == "ok" and a.n_invalid == 0 and a.score >= (0.98 if family == "cd" else 1)
    assert [x.action for x in a.interaction + a.test] == [x.action for x in b.interaction + b.test]


def test_explorer_experiments_reset_and_repeat(suite):
    record = play(suite, ExplorerAgent(), "mfp", Settings(budget=60, ticks_per_action=2))
    actions = [x.action for x in record.interaction]
    assert actions[:2] == ["noop", "noop"] and {"left", "right", "up", "down"} <= set(actions)
    assert "click 0 0" in actions and record.n_resets >= 2  # the dot was clicked; repeated


def test_explorer_claims_the_first_deviating_frame(suite):
    record = play(suite, ExplorerAgent(), "cd", Settings(budget=30, horizon=60,
                                                          ticks_per_action=2))
    # Replay its test actions on the true program: the claim is the first frame that differs.
    env = AutumnEnv(suite.program("dot"), 42)
    wrong = AutumnEnv(compile_program(DOT_WRONG), 42)
    first = None
    for index, log in enumerate(record.test, start=1):
        if log.action in ("found-change", "submit") or log.action.startswith("choose"):
            break
        if log.action == "reset":
            env.reset(), wrong.reset()
        else:
            env.step(log.action), wrong.step(log.action)
        if first is None and not np.array_equal(env.frame, wrong.frame):
            first = index
    assert first is not None and record.outcome["chosen_frame"] == first


def test_registry_knows_the_new_agents():
    assert isinstance(make_agent("explorer"), ExplorerAgent)
    assert isinstance(make_agent("simulator"), SimulatorAgent)
