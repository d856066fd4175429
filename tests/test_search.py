"""Breadth-first search in worlds: shortest plans and divergence between two programs."""

from __future__ import annotations

import numpy as np

from tiny_suite import DOT, DOT_WRONG, PLAN_GOAL
from worldtest.autumn import compile_program
from worldtest.search import bfs, candidate_events, diverge_search, event_text, goal_test


def test_candidate_events_are_noop_arrows_and_object_clicks():
    world = compile_program(DOT).start(42)
    assert candidate_events(world) == [None, "left", "right", "up", "down", ("click", 0, 0)]
    assert candidate_events(world, [(3, 1), (9, 9)])[-1] == ("click", 3, 1)


def test_bfs_finds_the_shortest_plan_and_proves_it():
    world = compile_program(DOT).start(42)
    mask = (PLAN_GOAL == 11).astype(np.uint8)
    # Arrows only: the dot must walk right twice and down once.
    walk = bfs(world, goal_test(PLAN_GOAL, mask), max_depth=5,
               events=lambda w: [None, "left", "right", "up", "down"])
    assert walk.exhausted and [event_text(e) for e in walk.plan] in (
        ["right", "right", "down"], ["right", "down", "right"], ["down", "right", "right"])
    # With the goal cell as a click candidate, one click teleports it there.
    click = bfs(world, goal_test(PLAN_GOAL, mask), max_depth=5, extra_cells=[(2, 1)])
    assert [event_text(e) for e in click.plan] == ["click 2 1"]
    # Too shallow: no plan, and the search says it looked everywhere.
    none = bfs(world, goal_test(PLAN_GOAL, mask), max_depth=2,
               events=lambda w: [None, "left", "right", "up", "down"])
    assert none.plan is None and none.exhausted


def test_bfs_budget_is_reported():
    world = compile_program(DOT).start(42)
    r = bfs(world, lambda w: False, max_depth=10, max_nodes=5)
    assert r.plan is None and not r.exhausted and r.nodes == 5


def test_diverge_search_finds_the_first_tick_the_programs_differ():
    a, b = compile_program(DOT).start(42), compile_program(DOT_WRONG).start(42)
    found = diverge_search(a, b, max_depth=8)
    assert found.plan is not None and len(found.plan) == 5  # the dot turns blue at tick 5
