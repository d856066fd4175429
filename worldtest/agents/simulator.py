"""The simulator: the paper's reference agent that knows the true program but not the seed.

Id ``simulator``; ``privileged = True``, but of :class:`~worldtest.agents.base.Privileged` it
reads **only** ``program_source`` (and ``program_path``, for error messages): never
``privileged.seed``, never ``privileged.task`` (no task seed, prefix, answer, goal plan, wrong
program or trigger). Everything else it gets as any agent does, from observations.

**What it cannot know.** Each test starts after a hidden prefix of program actions, run with a
32-bit task seed (``docs/protocol.md``): the start state and the random stream are unknown,
and the interaction phase (another seed, the initial state) says nothing about either. So it
skips the interaction phase (``go-to-test``: knowing the program, it has nothing to learn
there) and infers the test's world from the test's own frames
(:mod:`worldtest.agents.particles`):

1. **Reconstruction.** From the program's initial world (every draw made while loading left
   free), a best-first search over one-tick actions with free draws finds worlds whose frame
   equals the test's frame 0 (at most :data:`MATCHES`, within :data:`SEARCH_RUNS` tick runs).
   In a deterministic world such a match behaves exactly like the truth when the frame shows
   the whole state; several matches are kept when it does not.
2. **Filtering.** The matches are particles; every observed frame keeps those that show it,
   each tick's draws enumerated (uniform values), or sampled when a tick has too many.
3. **Acting.** MFP: the option the surviving particles produce with the most probability.
   Planning: breadth-first search (:func:`worldtest.search.bfs`) in the most probable particle,
   executed and searched again whenever the observed frame differs from the plan's. CD: runs the
   explorer's battery of experiments (one tick each, a noop after each) and claims the first
   frame no particle explains, but only while the belief is exact (no sampled draws, no dropped
   particles): an empty inexact belief proves nothing.

**Limits** (recorded in ``usage()``: ``identified``, ``exact``, ``particles``, ``note``): when
no match is found (a long prefix through many states, or draws that shaped the visible state
and are too many to enumerate), it falls back to model-free behaviour: MFP a uniformly random
option, planning random actions among arrows, noop and clicks on objects (after one more
search from the current frame), CD a claim of the last frame seen when the horizon nears. The
random stream itself is not inferred (why: :mod:`worldtest.agents.particles`); its draws are
treated as uniform.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from worldtest.agents.base import EpisodeStart, Observation
from worldtest.agents.explorer.experiments import Experimenter, object_cells
from worldtest.agents.explorer.features import event_of
from worldtest.agents.particles import Particle, ParticleBelief, initial_worlds, reconstruct
from worldtest.autumn import World, compile_program
from worldtest.env import frame_of
from worldtest.errors import AutumnError
from worldtest.palette import MASK
from worldtest.search import bfs, event_text, goal_test

__all__ = ["MATCHES", "SEARCH_RUNS", "SimulatorAgent"]

SEARCH_RUNS = 20_000
"""Tick runs a reconstruction may spend (about 5-10 s of one core on the suite's programs)."""
MATCHES = 16
"""Most matching worlds a reconstruction collects."""
_AFTER_FIRST = 3_000  # tick runs spent looking for other matches after the first one
_RESERVE = 3  # found-change, choose-frame K, submit


class SimulatorAgent:
    """Knows the true program, not the seed nor the task (module docstring). Id ``simulator``."""

    id = "simulator"
    version = "2"
    privileged = True

    def reset(self, start: EpisodeStart) -> None:
        """Compile the program (the only privileged field it reads)."""
        if start.privileged is None:
            raise RuntimeError("the simulator needs the program (privileged = True)")
        p = start.privileged
        self.program = compile_program(p.program_source, str(p.program_path or "<program>"))
        self.start = start
        self.rng = start.rng
        self.belief: ParticleBelief | None = None
        self.initial: list[World] = []
        self.identified = False
        self.note: str | None = None
        self.frames: dict[int, tuple[str | None, np.ndarray]] = {}
        self.plan: list[Any] = []
        self.expected: np.ndarray | None = None
        self.last: str | None = None
        self.searched_again = False
        self.claim: int | None = None
        self.chosen = False
        self.probe: list[str] = []
        self.experimenter = Experimenter(start.grid_size, start.rng)

    def act(self, obs: Observation) -> str:
        """The next action for the observation's phase."""
        return getattr(self, "_" + obs.phase)(obs)

    def _interaction(self, obs: Observation) -> str:
        return "go-to-test"  # the test's seed and start are not this phase's: nothing to learn

    # -- the test's world ---------------------------------------------------------------------
    def _reconstruct(self, frame: np.ndarray, runs: int = SEARCH_RUNS) -> list[World]:
        starts = initial_worlds(self.program, rng=self.rng)
        found = []
        for world in reconstruct(starts, frame, max_runs=runs, rng=self.rng,
                                 after_first=_AFTER_FIRST):
            found.append(world)
            if len(found) >= MATCHES:
                break
        return found

    def _believe(self, worlds: list[World], why: str) -> None:
        self.belief = ParticleBelief([Particle(w.copy(), 1.0 / len(worlds)) for w in worlds],
                                     self.rng) if worlds else None
        self.identified = bool(worlds)
        if not worlds:
            self.note = why

    # -- MFP ------------------------------------------------------------------------------------
    def _mfp(self, obs: Observation) -> str:
        if obs.first:
            self.frames = {}
        for f in obs.frames:
            self.frames[f.tick] = (f.action, f.grid)
        if obs.options is None or "choose N" not in obs.offered:
            return "step" if "step" in obs.offered else "rewind"
        last = max(self.frames)
        self._believe(self._reconstruct(self.frames[0][1]), "no world shows the recording's frame 0")
        for t in range(1, last + 1):
            if self.belief is None:
                break
            action, grid = self.frames[t]
            if not self.belief.step(event_of(action), grid, grid != MASK):
                self.belief, self.note = None, f"no candidate world explains recording frame {t}"
        if self.belief is None:
            return f"choose {int(self.rng.integers(len(obs.options)))}"
        hole = self.frames[last][1] == MASK
        mass = np.zeros(len(obs.options))
        for p in self.belief.particles:
            patch = frame_of(p.world)[hole]
            for i, option in enumerate(obs.options):
                agree = np.mean(patch == option.reshape(-1))
                mass[i] += p.weight * (1.0 if agree == 1.0 else 1e-6 * agree)
        return f"choose {int(np.argmax(mass))}"

    # -- planning -------------------------------------------------------------------------------
    def _planning(self, obs: Observation) -> str:
        if obs.first:
            self._believe(self._reconstruct(obs.frame), "no world shows the test's frame 0")
        elif self.belief is not None:
            if not self.belief.step(event_of(self.last), obs.frame):
                self.belief, self.note = None, "the observed frames left every candidate world"
        if self.belief is None and not self.searched_again:
            self.searched_again = True  # once: a search from the frame shown now
            found = self._reconstruct(obs.frame, SEARCH_RUNS // 2)
            if found:
                self._believe(found, "")
        world = self.belief.best() if self.belief is not None else None
        if world is None:
            self.last = self._random_action(obs, goal=True)
            return self.last
        if self.expected is None or not np.array_equal(self.expected, obs.frame) or not self.plan:
            self.plan = self._search(world, obs)
        event = self.plan.pop(0)
        sim = world.copy()
        try:
            sim.step(event)
            self.expected = frame_of(sim)
        except AutumnError:
            self.expected = None
        self.last = event_text(event)
        return self.last

    def _search(self, world: World, obs: Observation) -> list[Any]:
        cells = [(int(x), int(y)) for y, x in zip(*np.nonzero(obs.goal_mask))]
        found = bfs(world, goal_test(obs.goal, obs.goal_mask), max_depth=min(obs.remaining, 24),
                    max_nodes=30_000, extra_cells=cells)
        if found.plan:
            return list(found.plan)
        return [event_of(self._random_action(obs, goal=True))]

    # -- CD -------------------------------------------------------------------------------------
    def _cd(self, obs: Observation) -> str:
        if self.claim is not None:
            if "choose-frame K" in obs.offered and not self.chosen:
                self.chosen = True
                return f"choose-frame {self.claim}"
            return "submit"
        if obs.first:
            self.initial = self._reconstruct(obs.frame)
            self._believe(self.initial, "no world shows the test's frame 0")
        else:
            first = obs.n_frames - len(obs.frames)
            for i, f in enumerate(obs.frames):
                if f.action == "reset":
                    self._believe(self.initial, self.note or "")
                    continue
                if self.belief is None:
                    continue
                if not self.belief.step(event_of(f.action), f.grid):
                    if self.belief.exact:
                        self.claim = first + i  # no world the true program allows shows this
                        break
                    self.belief = None
                    self.note = "sampled draws: an unexplained frame proves nothing"
        if self.claim is None and obs.remaining <= _RESERVE and "found-change" in obs.offered:
            self.claim = obs.frame_index  # the model-free fallback: the last frame seen
        if self.claim is not None and "found-change" in obs.offered:
            return "found-change"
        if not self.probe:
            text = self._random_action(obs) if self.experimenter.stage == "curious" \
                else self.experimenter.act(obs.frame, None, None)
            self.probe = [text] + (["noop"] if text != "reset" else [])
        return self.probe.pop(0)

    def _random_action(self, obs: Observation, goal: bool = False) -> str:
        cells = object_cells(obs.frame)
        if goal and obs.goal_mask is not None:
            cells += [(int(x), int(y)) for y, x in zip(*np.nonzero(obs.goal_mask))][:8]
        texts = ["noop", "left", "right", "up", "down"] + [f"click {x} {y}" for x, y in cells]
        if not goal:
            texts.append("reset")
        return texts[int(self.rng.integers(len(texts)))]

    def usage(self) -> dict[str, Any]:
        """What it could infer: ``identified`` (a world matched the test's frame 0),
        ``particles`` left, ``exact`` (no sampled draws or dropped particles), ``note`` (why
        it fell back to model-free behaviour, else None)."""
        b = self.belief
        return {"identified": self.identified, "particles": len(b.particles) if b else 0,
                "exact": bool(b.exact) if b else False, "note": self.note}
