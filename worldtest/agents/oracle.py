"""The oracle: the one agent that is handed the true program, the seed and the task.

It exists to prove tasks solvable (a task the oracle cannot solve is a broken task) and to give
the leaderboard its ceiling. It skips the interaction phase (``go-to-test`` at once), then:

- MFP: replays the recording's actions through the true program with the task seed and chooses
  the option equal to the true content of the mask in the final frame;
- planning: plans by breadth-first search in the true program from the test phase's initial
  state (``worldtest.search``), then executes the plan while simulating the program in
  lock-step; if the observed frames ever differ from the simulation it searches again from the
  simulated state, and as a last resort follows the task's validated witness plan;
- CD: runs the true program in lock-step with what it observes; to provoke the change it plays
  the task's validated witness (a plan that fires the trigger) or, for a task without one or a
  test started from another seed, searches the shortest action sequence after which the true and
  the wrong program's frames differ (it is handed the task, so the wrong program too); it claims
  the first frame that differs from its simulation of the true program.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from worldtest.agents.base import EpisodeStart, Observation
from worldtest.autumn import World, compile_program, load_program
from worldtest.env import frame_of, parse_action, start_world
from worldtest.errors import AutumnError
from worldtest.search import Event, bfs, diverge_search, event_text, goal_test

__all__ = ["OracleAgent"]

_MAX_NODES = 60_000


class OracleAgent:
    """Privileged reference agent; see the module docstring. Id ``oracle``."""

    id = "oracle"
    version = "1"
    privileged = True

    def __init__(self) -> None:
        self._start: EpisodeStart | None = None

    def reset(self, start: EpisodeStart) -> None:
        """Take the episode's privileged data (program, seed, task)."""
        if start.privileged is None:
            raise RuntimeError("the oracle needs privileged data (program, seed, task)")
        self._start = start
        p = start.privileged
        self._program = compile_program(p.program_source, str(p.program_path or "<program>"))
        self._task = p.task
        self._seed = p.seed
        self._plan: list[Event] = []
        self._sim: World | None = None
        self._claim: int | None = None
        self._claimed = False

    # -- dispatch -----------------------------------------------------------------------------
    def act(self, obs: Observation) -> str:
        """The next action for the observation's phase."""
        if obs.phase == "interaction":
            return "go-to-test"
        return getattr(self, "_" + obs.phase)(obs)

    # -- MFP ----------------------------------------------------------------------------------
    def _mfp(self, obs: Observation) -> str:
        if obs.options is None:
            return "step"
        task = self._task
        world = start_world(self._program, task.seed, task.prefix_events())
        for text in task.actions:
            world.step(parse_action(text).event)
        m = task.mask
        truth = frame_of(world)[m.y:m.y + m.height, m.x:m.x + m.width]
        for i, option in enumerate(obs.options):
            if np.array_equal(option, truth):
                return f"choose {i}"
        return "choose 0"  # no option matches: the task is broken, and the score will say so

    # -- planning -----------------------------------------------------------------------------
    def _planning(self, obs: Observation) -> str:
        if obs.first or self._sim is None:
            self._sim = self._sync_start(obs.frame)
            # The task's witness plan reaches the goal from the task's start; search only when
            # the test started elsewhere (another seed) or the world leaves the plan.
            at_start = np.array_equal(frame_of(start_world(
                self._program, self._task.seed, self._task.prefix_events())), obs.frame)
            self._plan = ([parse_action(t).event for t in self._task.plan] if at_start
                          else self._search(self._sim, obs))
        elif not np.array_equal(frame_of(self._sim), obs.frame):
            self._plan = self._search(self._sim, obs)
        if not self._plan:
            return "quit"
        ev = self._plan.pop(0)
        try:
            self._sim.step(ev)
        except AutumnError:
            pass
        return event_text(ev)

    def _sync_start(self, frame: np.ndarray) -> World:
        """The world the test phase started from: the task's seed and hidden prefix (a caller
        that overrode the seed, e.g. to the episode's, is matched too)."""
        prefix = self._task.prefix_events()
        for seed in (self._task.seed, self._seed):
            w = start_world(self._program, seed, prefix)
            if np.array_equal(frame_of(w), frame):
                return w
        return start_world(self._program, self._task.seed, prefix)

    def _search(self, world: World, obs: Observation) -> list[Event]:
        task = self._task
        clicks = [(a.x, a.y) for a in map(parse_action, task.plan) if a.kind == "click"]
        clicks += [(int(x), int(y)) for y, x in zip(*np.nonzero(obs.goal_mask))]
        depth = min(obs.remaining, task.optimal_actions + 4)
        found = bfs(world, goal_test(obs.goal, obs.goal_mask), max_depth=depth,
                    max_nodes=_MAX_NODES, extra_cells=clicks)
        if found.plan:
            return list(found.plan)
        return [parse_action(t).event for t in task.plan]

    # -- CD -----------------------------------------------------------------------------------
    def _cd(self, obs: Observation) -> str:
        if obs.first:
            prefix = self._task.prefix_events()
            self._sim = self._sync_start(obs.frame)
            witness = self._task.witness_events()
            if witness is not None and self._sim.seed == self._task.seed:
                self._plan = witness  # validated: the change shows on it
            else:
                wrong = load_program(str(self._task.wrong_program_path()))
                found = diverge_search(self._sim.copy(),
                                       start_world(wrong, self._sim.seed, prefix),
                                       max_depth=min(obs.remaining - 3, 60),
                                       max_nodes=_MAX_NODES)
                self._plan = list(found.plan or [])
        if self._claimed:
            return "submit"
        if self._claim is None and not np.array_equal(frame_of(self._sim), obs.frame):
            self._claim = obs.frame_index
        if self._claim is not None:
            if "found-change" in obs.offered:
                return "found-change"
            if any(o.startswith("choose-frame") for o in obs.offered):
                self._claimed = True
                return f"choose-frame {self._claim}"
        ev = self._plan.pop(0) if self._plan else None
        if not self._plan and self._claim is None and obs.remaining <= 1:
            return "quit"
        self._sim.step(ev)
        return event_text(ev)

    def usage(self) -> dict[str, Any]:
        """Nothing to report (no model calls)."""
        return {}
