"""The model-free adversary battery (issue 15): the planning battery's greedy goal chaser and
open-loop members on hand-made worlds; every member of the battery scoring high on a task made
weak for it (so the battery can fail), and the validator failing a weak suite."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from tests.tiny_suite import DOT
from worldtest.agents import make_agent
from worldtest.agents.adversaries import MfpScorer, known_adversaries
from worldtest.autumn import compile_program
from worldtest.env import AutumnEnv, frame_of
from worldtest.errors import ConfigError
from worldtest.palette import from_letters
from worldtest.protocol import Settings, run_episode
from worldtest.suite import Suite
from worldtest.authoring import battery
from worldtest.tasks.baselines import EXTRA_SCORERS, MFP_SCORERS
from worldtest.authoring.battery import battery_problems, battery_table, run_battery
from worldtest.tasks.models import CdTask, MfpMask, MfpTask, PlanningTask, save_task
from worldtest.authoring.validate import validate
from worldtest.tasks.policies import (GreedyGoalChaser, planning_battery,
                                      planning_battery_reaches, run_member)

# A red dot on 5x5 that only the arrows move (clicks do nothing).
PUSH = """(program
  (= GRID_SIZE 5)
  (object Dot (Cell 0 0 "red"))
  (: dot Dot)
  (= dot (initnext (Dot (Position 0 0)) (prev dot)))
  (on left (= dot (moveLeft dot)))
  (on right (= dot (moveRight dot)))
  (on up (= dot (moveUp dot)))
  (on down (= dot (moveDown dot)))
)
"""

# A tile at (1, 1) whose colour a click on it cycles red -> blue -> green -> red.
CYCLE = """(program
  (= GRID_SIZE 3)
  (object Tile (: c String) (Cell 0 0 c))
  (: tile Tile)
  (= tile (initnext (Tile "red" (Position 1 1)) (prev tile)))
  (on (clicked tile) (= tile (updateObj tile "c"
      (if (== (.. tile c) "red") then "blue" else (if (== (.. tile c) "blue") then "green"
       else "red")))))
)
"""



NO_SOURCES = "imported from the reference harness layout by hand (weak test options)"
"""Hand-made weak MFP options have no recorded sources, as an imported task's (the models
accept that only for imported tasks)."""

def _goal(rows: list[str]) -> tuple[np.ndarray, np.ndarray]:
    goal = from_letters(rows)
    return goal, np.ones_like(goal)


def test_the_greedy_chaser_pushes_the_dot_to_its_place_when_clicks_do_nothing():
    world = compile_program(PUSH).start(1)
    goal, mask = _goal([".....", ".....", ".....", "..R..", "....."])
    ticks = run_member(world, GreedyGoalChaser(0), goal, mask, 30)
    # Two clicks find that clicking changes nothing, then 2 rights and 3 downs.
    assert ticks == 7
    assert world.tick == 0  # the caller's world is not touched


def test_the_greedy_chaser_clicks_a_wrong_cell_until_its_colour_is_right():
    world = compile_program(CYCLE).start(1)
    goal, mask = _goal(["...", ".G.", "..."])
    assert run_member(world, GreedyGoalChaser(0), goal, mask, 10) == 2


def test_the_greedy_chaser_is_deterministic_given_its_seed():
    goal, mask = _goal([".....", ".....", ".....", "..R..", "....."])
    runs = []
    for _ in range(2):
        world, chaser, events = compile_program(PUSH).start(1), GreedyGoalChaser(5), []
        for _ in range(12):
            events.append(chaser(frame_of(world), goal, mask))
            world.step(events[-1])
        runs.append(events)
    assert runs[0] == runs[1]


def test_battery_reports_the_first_member_that_reaches_the_goal():
    dot = compile_program(DOT).start(42)
    goal = from_letters(["....", "..R.", "....", "...."])
    mask = (goal == goal[1, 2]).astype(np.uint8)
    assert planning_battery_reaches(dot, goal, mask, 20, seed=0) == "click-goal-cells"
    push = compile_program(PUSH).start(1)
    goal, mask = _goal([".....", ".....", ".....", ".....", "R...."])
    assert planning_battery_reaches(push, goal, mask, 20, seed=0) == "hold-down"
    assert push.tick == 0


def test_battery_returns_none_for_a_goal_no_member_reaches():
    push = compile_program(PUSH).start(1)
    goal, mask = _goal([".....", "..B..", ".....", ".....", "....."])  # no blue ever
    assert planning_battery_reaches(push, goal, mask, 15, seed=0) is None


def test_battery_orders_fixed_sequences_then_the_chaser_then_random_ones():
    mask = np.zeros((4, 4), np.uint8)
    mask[1, 2] = 1
    names = list(planning_battery(4, mask, 5, seed=0))
    assert names[:9] == ["noop", "hold-left", "hold-right", "hold-up", "hold-down",
                         "click-goal-cells", "greedy-0", "greedy-1", "greedy-2"]
    assert names[9:12] == ["repeat-0", "repeat-1", "repeat-2"]
    assert names[12:] == [f"random-{i}" for i in range(100)]


# -- the battery's members on deliberately weak tasks -------------------------------------------
# A red dot on 16x16 at (8, 8): the arrows move it, a click teleports it, ``t`` counts ticks.
DOT16 = """(program
  (= GRID_SIZE 16)
  (object Dot (: c String) (Cell 0 0 c))
  (: t Number)
  (= t (initnext 0 (+ (prev t) 1)))
  (: dot Dot)
  (= dot (initnext (Dot "red" (Position 8 8)) (prev dot)))
  (on left (= dot (moveLeft dot)))
  (on right (= dot (moveRight dot)))
  (on up (= dot (moveUp dot)))
  (on down (= dot (moveDown dot)))
  (on clicked (= dot (Dot (.. dot c) click)))
)
"""


# A 2x2 block of four colours at (8, 8) on 16x16 that the arrows move (MFP recordings).
BLOCK16 = """(program
  (= GRID_SIZE 16)
  (object Block (list (Cell 0 0 "red") (Cell 1 0 "blue") (Cell 0 1 "green") (Cell 1 1 "yellow")))
  (: block Block)
  (= block (initnext (Block (Position 8 8)) (prev block)))
  (on left (= block (moveLeft block)))
  (on right (= block (moveRight block)))
)
"""


def _wrong(k: int) -> str:
    """DOT16 whose dot turns blue from tick ``k`` on (trigger ``(>= t k)``, T = k + 1)."""
    return DOT16.replace('(= dot (initnext (Dot "red" (Position 8 8)) (prev dot)))',
                         '(= dot (initnext (Dot "red" (Position 8 8)) (if (>= t %d) then '
                         '(updateObj (prev dot) "c" "blue") else (prev dot))))' % k)


def _frames(actions: list[str], program: str = DOT16) -> list[np.ndarray]:
    env = AutumnEnv(compile_program(program), 1)
    return [env.frame] + [env.step(a)[0] for a in actions]


def _dot_at(x: int, y: int, colour: str = "R") -> np.ndarray:
    rows = [["."] * 16 for _ in range(16)]
    rows[y][x] = colour
    return from_letters(["".join(r) for r in rows])


def _planning(name: str, goal: np.ndarray, mask: np.ndarray | None = None) -> PlanningTask:
    return PlanningTask(id=f"{name}/planning", env=name, seed=1, derived_by="tests", goal=goal,
                        mask=np.ones_like(goal) if mask is None else mask, optimal_actions=1,
                        plan=["noop"])


def _cd(name: str) -> CdTask:
    return CdTask(id=f"{name}/cd", env=name, seed=1, derived_by="tests",
                  wrong_program="cd_wrong.sexp", trigger="(>= t 1000)", change="tests")


def _write_suite(root: Path, envs: dict[str, dict], program: str = DOT16) -> Suite:
    """A suite of ``program`` copies; ``envs[name]`` holds tasks and ``k`` (a DOT16 CD
    change's tick)."""
    (root / "environments").mkdir(parents=True)
    toml = ["schema_version = 1"]
    for name, tasks in envs.items():
        toml += [f"\n[{name}]", 'description = "a dot"', "grid_size = 16", "stochastic = false",
                 'mechanics = ["movement"]', "version = 1"]
        (root / "environments" / f"{name}.sexp").write_text(program)
        for task in tasks.get("tasks", []):
            save_task(task, root / "tasks" / name / f"{task.family}.json")
        if "k" in tasks:
            cd = _cd(name).model_copy(update={"trigger": f"(>= t {tasks['k']})"})
            save_task(cd, root / "tasks" / name / "cd.json")
            (root / "tasks" / name / "cd_wrong.sexp").write_text(_wrong(tasks["k"]))
    (root / "environments" / "environments.toml").write_text("\n".join(toml) + "\n")
    return Suite(root)


PLANNING_GOALS = {  # member -> a goal it reaches and random rarely does
    "noop": _frames([])[0],                      # already met: one noop shows it
    "hold-left": _dot_at(0, 8), "hold-right": _dot_at(15, 8),
    "hold-up": _dot_at(8, 0), "hold-down": _dot_at(8, 15),
    "click-goal-cells": _dot_at(3, 12),          # a click teleports the dot
}


@pytest.mark.parametrize("member", [*PLANNING_GOALS, "greedy", "repeat-best",
                                    "random-sequences"])
def test_each_planning_member_passes_a_goal_made_for_it(tmp_path, member):
    goal, mask = PLANNING_GOALS.get(member, _dot_at(15, 8)), None
    if member == "random-sequences":  # the dot has left its cell: any move does it
        goal, mask = from_letters(["." * 16] * 16), (_dot_at(8, 8) != 0).astype(np.uint8) * 0
        mask[8, 8] = 1
    suite = _write_suite(tmp_path, {"w": {"tasks": [_planning("w", goal, mask)]}})
    result = run_battery(suite, n_seeds=2, n_random=10)
    assert result.scores["planning"][member]["w/planning"] >= 0.8


@pytest.mark.parametrize("member, k", [("replay-diff", 5), ("first-motion", 5),
                                       ("claim-at-10", 9), ("claim-at-40", 39),
                                       ("claim-late", 290)])
def test_each_cd_member_passes_a_change_made_for_it(tmp_path, member, k):
    suite = _write_suite(tmp_path, {"w": {"k": k}})
    result = run_battery(suite, n_seeds=2)
    assert result.scores["cd"][member]["w/cd"] >= 0.95
    assert result.random["cd"]["w/cd"] < 0.95 - 0.05  # so the check can fail


def _mfp_for(scorer: str, rng: np.random.Generator) -> MfpTask:
    """An MFP task on a moving dot whose distractors make ``scorer`` pick the truth alone.

    The candidates are mutations of the truth (every two-cell variant among them), mutations of
    one other patch and random patches;
    a scorer that rates each option on its own gets five candidates it rates below the truth,
    the set scorers (consensus ...) a random five until one works.
    """
    from worldtest.tasks.baselines import expected_score, extra_option_scores, option_scores
    actions = ["right", "right", "right"]
    frames = _frames(actions, BLOCK16)  # the block's corner at x = 8, 9, 10, 11 on row 8
    colours = np.unique(from_letters(["RBGY."]))
    for _ in range(200):
        x, y = int(rng.integers(8, 13)), int(rng.integers(6, 10))
        mask = MfpMask(x=x, y=y, width=3, height=3, from_frame=2)
        rect = (x, y, 3, 3)
        shown = [f if i < 2 else mask.apply(f) for i, f in enumerate(frames)]
        truth = np.array(mask.region(frames[-1]))

        def mutate(base: np.ndarray) -> np.ndarray:
            out = base.copy()
            for _ in range(int(rng.integers(1, 4))):
                out[rng.integers(3), rng.integers(3)] = rng.choice(colours)
            return out

        other = rng.choice(colours, size=(3, 3)).astype(np.uint8)
        pool = ([mutate(truth) for _ in range(60)] + [mutate(other) for _ in range(60)] +
                [rng.choice(colours, size=(3, 3)).astype(np.uint8) for _ in range(60)])
        pairs = [] if "consensus" in scorer else itertools.combinations(range(9), 2)
        for a, b in pairs:  # every two-cell variant of the truth
            for ca, cb in itertools.product(colours, colours):
                variant = truth.copy()
                variant.flat[a], variant.flat[b] = ca, cb
                pool.append(variant)
        seen, unique = {truth.tobytes()}, []
        for o in pool:
            if o.tobytes() not in seen:
                seen.add(o.tobytes())
                unique.append(o)

        def score(options: list[np.ndarray]) -> list[float]:
            return {**option_scores(shown, rect, 2, options),
                    **extra_option_scores(shown, rect, 2, options)}[scorer]

        if "consensus" in scorer:
            for _ in range(300):
                pick = [unique[i] for i in rng.choice(len(unique), size=5, replace=False)]
                if expected_score(score([truth] + pick), 0) == 1.0:
                    break
            else:
                continue
        else:
            rated = score([truth] + unique)
            pick = [o for o, v in zip(unique, rated[1:]) if v < rated[0]][:5]
            if len(pick) < 5:
                continue
        options = [truth] + pick
        assert expected_score(score(options), 0) == 1.0
        return MfpTask(id="w/mfp", env="w", seed=1, derived_by=NO_SOURCES, actions=actions,
                       frames=shown, mask=mask, options=options, answer=0)
    raise AssertionError(f"no weak MFP task found for {scorer}")


@pytest.mark.parametrize("scorer", MFP_SCORERS + EXTRA_SCORERS)
def test_each_mfp_member_passes_options_made_for_it(tmp_path, scorer):
    task = _mfp_for(scorer, np.random.default_rng(sorted(MFP_SCORERS + EXTRA_SCORERS)
                                                  .index(scorer)))
    suite = _write_suite(tmp_path, {"w": {"tasks": [task]}}, BLOCK16)
    result = run_battery(suite, n_seeds=1)
    assert result.scores["mfp"][scorer]["w/mfp"] == 1.0
    assert result.random["mfp"]["w/mfp"] == pytest.approx(1 / 6)
    # The agent, playing the real test phase, picks the truth as the expectation says.
    record = run_episode(MfpScorer(scorer), suite.spec("w"), suite.program("w"),
                         suite.task("w", "mfp"), Settings(), 42, rng=np.random.default_rng(0))
    assert record.score == 1.0


def test_the_battery_check_fails_a_weak_suite(tmp_path):
    """Every test of the weak suite starts where the interaction did, its goal is reached by
    holding right, its distractors all resemble the last unmasked patch: validation fails."""
    frames = _frames(["right", "right", "right"], BLOCK16)  # (the MFP phase reads no program)
    mask = MfpMask(x=11, y=8, width=2, height=2, from_frame=2)
    truth = np.array(mask.region(frames[-1]))
    before = np.array(mask.region(frames[1]))
    like_before = [before.copy() for _ in range(5)]
    for i, colour in enumerate((2, 3, 4, 5, 6)):
        like_before[i][0, 0] = colour  # one cell off the last unmasked patch, never the truth
    options = like_before[:3] + [truth] + like_before[3:]
    shown = [f if i < 2 else mask.apply(f) for i, f in enumerate(frames)]
    mfp = MfpTask(id="w/mfp", env="w", seed=1, derived_by=NO_SOURCES, actions=["right"] * 3,
                  frames=shown, mask=mask, options=options, answer=3)
    envs = {f"w{i}": {"tasks": [mfp.model_copy(update={"id": f"w{i}/mfp", "env": f"w{i}"}),
                                _planning(f"w{i}", _dot_at(15, 8))], "k": 5} for i in range(3)}
    suite = _write_suite(tmp_path, envs)
    result = run_battery(suite, n_seeds=2, n_random=5)
    problems = battery_problems(result, min_tasks=1)
    flagged = {p.check for p in problems}
    assert {"battery anti-persistence", "battery hold-right", "battery replay-diff"} <= flagged
    assert {p.task for p in problems} == {"suite/mfp", "suite/planning", "suite/cd"}
    assert battery_problems(result) == []  # three tasks a family: too few to judge by default
    table = battery_table(result)
    assert "planning/hold-right" in table and "random" in table and "battery run time" in table


def test_validate_runs_the_battery_and_reports_its_problems(tmp_path, monkeypatch):
    suite = _write_suite(tmp_path, {"w": {"tasks": [_planning("w", _dot_at(15, 8))]}})
    monkeypatch.setattr(battery, "BATTERY_MIN_TASKS", 1)
    lines: list[str] = []
    problems = validate(suite.root, oracle=False, echo=lines.append, battery_seeds=1)
    assert any(p.check == "battery hold-right" for p in problems)
    assert any("adversary battery" in line for line in lines)
    problems = validate(suite.root, oracle=False, battery_seeds=0)
    assert not any(p.check.startswith("battery") for p in problems)


def test_adversaries_are_made_by_id_and_never_read_the_family():
    for agent_id in known_adversaries():
        agent = make_agent(agent_id)
        assert agent.id == agent_id
    with pytest.raises(ConfigError, match="unknown adversary"):
        make_agent("adversary/psychic")


@pytest.mark.slow
def test_the_shipped_suite_keeps_every_member_near_random():
    result = run_battery(Suite(None))
    assert battery_problems(result) == [], battery_table(result)


def test_motion_patch_carries_the_last_motion_on_to_the_final_frame():
    from worldtest.tasks.baselines import motion_patch
    frames = _frames(["right"] * 4)  # the dot at x = 8 .. 12 on row 8
    # Mask over x 11..12 from frame 3 on: the last unmasked motion is +1 per frame, two frames
    # to go from frame 2 (dot at 10): the dot at 12.
    patch = motion_patch(frames, (11, 8, 2, 1), 3)
    assert patch.tolist() == [[frames[0][0, 0], frames[0][8, 8]]]


def test_goal_distance_counts_wrong_cells_and_how_far_the_wanted_colour_is():
    from worldtest.tasks.policies import goal_distance
    frame, goal = _dot_at(8, 8), _dot_at(15, 8)
    mask = np.ones_like(goal)
    assert goal_distance(frame, goal, mask) == 2 + 7  # two wrong cells; the red one 7 away
    assert goal_distance(goal, goal, mask) == 0
