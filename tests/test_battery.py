"""The model-free adversary battery (issue 15): the planning battery's greedy goal chaser and
open-loop members, on hand-made worlds."""

from __future__ import annotations

import numpy as np

from tests.tiny_suite import DOT
from worldtest.autumn import compile_program
from worldtest.env import frame_of
from worldtest.palette import from_letters
from worldtest.tasks.baselines import (GreedyGoalChaser, planning_battery,
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
    assert names[9:] == [f"random-{i}" for i in range(100)]
