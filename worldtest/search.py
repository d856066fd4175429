"""Search in Autumn worlds: shortest action sequences to a goal, and to a divergence.

Used by task derivation and validation (``worldtest.tasks``) and by the oracle agent, which is
handed the program. A search node is a forked :class:`~worldtest.autumn.World`; states are
deduplicated by :meth:`World.state_key` (the last click position ignored), and a node's actions
are ``noop``, the four arrows and clicks on a candidate set of cells: every non-background cell
of its frame plus the caller's extra cells (goal cells, cells a witness plan clicked). The search
is breadth-first, so a plan it returns is the shortest within that action set; the budget bounds
the nodes it creates.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np

from worldtest.autumn import World
from worldtest.env import frame_of
from worldtest.errors import AutumnError
from worldtest.palette import index_of

__all__ = ["Event", "event_text", "candidate_events", "bfs", "bfs_layers", "SearchResult",
           "goal_test",
           "diverge_search", "frame_of"]

Event = None | str | tuple
ARROWS = ("left", "right", "up", "down")


def event_text(ev: Event) -> str:
    """The canonical action text of an interpreter event (``None`` -> ``"noop"``)."""
    if ev is None:
        return "noop"
    if isinstance(ev, tuple):
        return f"click {ev[1]} {ev[2]}"
    return ev


def candidate_events(world: World, extra_cells: Iterable[tuple[int, int]] = ()) -> list[Event]:
    """``noop``, the arrows, and clicks on non-background cells and ``extra_cells``.

    Clicks come in row-major order of the cell, so a search's tie-breaking is deterministic.
    """
    n = world.grid_size
    cells = {(x, y) for x, y, c in world.cells if 0 <= x < n and 0 <= y < n
             and c != world.background}
    cells.update((x, y) for x, y in extra_cells if 0 <= x < n and 0 <= y < n)
    return [None, *ARROWS] + [("click", x, y) for x, y in sorted(cells, key=lambda c: (c[1], c[0]))]


@dataclass
class SearchResult:
    """The outcome of a search.

    Attributes:
        plan: the events of the shortest plan found, or None.
        nodes: search nodes created.
        exhausted: True if every state within ``max_depth`` was explored (so no plan exists in
            this action set when ``plan`` is None, and a found plan is the shortest).
        depth_done: every state within this many actions was goal-tested (so no plan of at
            most ``depth_done`` actions exists in this action set); for a found plan, its
            length minus one.
    """

    plan: list[Event] | None
    nodes: int
    exhausted: bool
    depth_done: int = 0


def bfs(start: World, is_goal: Callable[[World], bool], *, max_depth: int,
        max_nodes: int = 20_000, extra_cells: Iterable[tuple[int, int]] = (),
        events: Callable[[World], list[Event]] | None = None,
        max_ticks: int | None = None) -> SearchResult:
    """Breadth-first search from ``start`` for the first state where ``is_goal`` holds.

    Args:
        start: the world to search from (not modified).
        is_goal: predicate on a world after a tick.
        max_depth: longest plan considered (actions = ticks).
        max_nodes: budget of search nodes (forked worlds).
        extra_cells: clicks to offer besides the non-background cells.
        events: override of the action set (a function of the world).
        max_ticks: budget of ticks stepped, duplicates included (None: no such budget); it
            bounds the cost where most actions lead back to known states.

    Returns:
        A :class:`SearchResult`; ``plan == []`` if ``start`` already satisfies ``is_goal``.
    """
    extra = list(extra_cells)
    actions = events or (lambda w: candidate_events(w, extra))
    if is_goal(start):
        return SearchResult([], 1, True)
    seen = {start.state_key(("click",))}
    frontier: deque[tuple[World, list[Event]]] = deque([(start, [])])
    nodes = ticks = 1
    tick_budget = max_ticks if max_ticks is not None else float("inf")
    while frontier:
        world, path = frontier.popleft()
        if len(path) >= max_depth:
            continue
        # Popping a node of depth d means every node of depth d - 1 was expanded: every state
        # within d actions has been goal-tested.
        for ev in actions(world):
            ticks += 1
            if ticks > tick_budget:
                return SearchResult(None, nodes, False, len(path))
            child = world.copy()
            try:
                child.step(ev)
            except AutumnError:
                continue
            # The goal is tested before deduplication: a goal that reads the tick's input (a CD
            # trigger such as "(clicked hawk)") can hold in a state reached before without it.
            if is_goal(child):
                return SearchResult(path + [ev], nodes + 1, True, len(path))
            key = child.state_key(("click",))
            if key in seen:
                continue
            seen.add(key)
            nodes += 1
            plan = path + [ev]
            if nodes >= max_nodes:
                return SearchResult(None, nodes, False, len(path))
            frontier.append((child, plan))
    return SearchResult(None, nodes, True, max_depth)


def bfs_layers(start: World, *, max_nodes: int, max_ticks: int | None = None, max_depth: int = 64,
               extra_cells: Iterable[tuple[int, int]] = ()
               ) -> tuple[list[list[tuple[World, list[Event]]]], int]:
    """Every distinct state reachable from ``start``, by depth, within a node budget.

    Args:
        start: the world to search from (not modified).
        max_nodes: budget of distinct states (forked worlds) kept.
        max_ticks: budget of ticks stepped (duplicates included), or None for no such budget;
            it bounds the cost in worlds where most actions lead back to known states.
        max_depth: deepest layer built.
        extra_cells: clicks to offer besides the non-background cells.

    Returns:
        ``(layers, complete)``: ``layers[d]`` holds ``(world, plan)`` for states first reached
        after ``d`` actions (``plan`` is one shortest plan); layers ``0..complete`` are complete,
        so every state in them is at exactly that shortest distance and no other state is.
    """
    extra = list(extra_cells)
    seen = {start.state_key(("click",))}
    layers: list[list[tuple[World, list[Event]]]] = [[(start, [])]]
    nodes = ticks = 1
    tick_budget = max_ticks if max_ticks is not None else float("inf")
    while len(layers) <= max_depth:
        nxt: list[tuple[World, list[Event]]] = []
        for world, path in layers[-1]:
            for ev in candidate_events(world, extra):
                ticks += 1
                if ticks > tick_budget:
                    return layers + [nxt], len(layers) - 1
                child = world.copy()
                try:
                    child.step(ev)
                except AutumnError:
                    continue
                key = child.state_key(("click",))
                if key in seen:
                    continue
                seen.add(key)
                nodes += 1
                nxt.append((child, path + [ev]))
                if nodes >= max_nodes:
                    # This layer is partial; the one before it is complete.
                    return layers + [nxt], len(layers) - 1
        if not nxt:
            return layers, len(layers) - 1
        layers.append(nxt)
    return layers, len(layers) - 1


def goal_test(goal: np.ndarray, mask: np.ndarray) -> Callable[[World], bool]:
    """The planning success test (protocol §3.2): every mask-1 cell equals the goal's colour."""
    where = mask.astype(bool)
    want = goal[where]
    return lambda w: bool(np.array_equal(frame_of(w)[where], want))


def diverge_search(original: World, wrong: World, *, max_depth: int, max_nodes: int = 20_000,
                   extra_cells: Iterable[tuple[int, int]] = ()) -> SearchResult:
    """Shortest action sequence after which the two worlds' frames differ (for CD).

    Both worlds are stepped in lock-step with the same events; the candidate actions are taken
    from the wrong world's frame (identical to the original's until the divergence).
    """
    extra = list(extra_cells)
    if not np.array_equal(frame_of(original), frame_of(wrong)):
        return SearchResult([], 1, True)
    seen = {(original.state_key(("click",)), wrong.state_key(("click",)))}
    frontier = deque([(original, wrong, [])])
    nodes = 1
    while frontier:
        a, b, path = frontier.popleft()
        if len(path) >= max_depth:
            continue
        for ev in candidate_events(b, extra):
            ca, cb = a.copy(), b.copy()
            try:
                ca.step(ev)
                cb.step(ev)
            except AutumnError:
                continue
            key = (ca.state_key(("click",)), cb.state_key(("click",)))
            if key in seen:
                continue
            seen.add(key)
            nodes += 1
            plan = path + [ev]
            if not np.array_equal(frame_of(ca), frame_of(cb)):
                return SearchResult(plan, nodes, True)
            if nodes >= max_nodes:
                return SearchResult(None, nodes, False)
            frontier.append((ca, cb, plan))
    return SearchResult(None, nodes, True)


def background_index(world: World) -> int:
    """Palette index of the world's background colour."""
    return index_of(world.background)
