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
   each tick's draws enumerated (uniform values), or, when a tick has too many, sampled and
   joined by the outcome whose draws were fitted to the frame. When no particle is left, the
   search goes on for other matches of frame 0 that explain every frame seen since.
3. **Acting.** MFP: the option the surviving particles produce with the most probability.
   Planning: breadth-first search (:func:`worldtest.search.bfs`) in the most probable particle,
   executed and searched again whenever the observed frame differs from the plan's. CD: runs the
   explorer's battery of experiments (one tick each, a noop after each) and claims the first
   frame no world of the true program explains, but only when the belief was exact (no sampled
   draws, no dropped particles): an empty inexact belief proves nothing.

**Limits** (recorded in ``usage()``: ``identified``, ``exact``, ``particles``, ``note``). Each
test phase may spend :data:`SEARCH_RUNS` tick runs on the first reconstruction and twice
that on all of them, 30,000 tick runs on filtering and 30,000 planning search nodes (at most
six searches). When
frame 0 has no match in that budget (a long prefix through many states, or draws that shaped
the visible state and are too many to enumerate), or the budget is spent, it falls back to
model-free behaviour: MFP a uniformly random option, planning random actions among arrows, noop
and clicks on objects and goal cells, CD a claim of the last frame seen when the horizon nears.
In MFP, a recording frame no particle explains keeps the particles nearest it (approximate).
The random stream itself is not inferred (why: :mod:`worldtest.agents.particles`); its draws
are treated as uniform, so in a stochastic world the masked patch is predicted from the few
particles that fit the frames, not from the posterior of the stream.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from worldtest.agents.base import EpisodeStart, Observation
from worldtest.agents.explorer.experiments import Experimenter, object_cells
from worldtest.agents.explorer.features import event_of
from worldtest.agents.particles import Particle, ParticleBelief, Reconstruction, initial_worlds
from worldtest.autumn import World, compile_program
from worldtest.env import frame_of
from worldtest.errors import AutumnError
from worldtest.palette import MASK
from worldtest.search import bfs, event_text, goal_test

__all__ = ["MATCHES", "SEARCH_RUNS", "SimulatorAgent"]

SEARCH_RUNS = 10_000
"""Tick runs the first reconstruction may spend (about 3-10 s of one core on the suite's programs)."""
MATCHES = 16
"""Most matching worlds a reconstruction collects."""
_TOTAL_RUNS = 2 * SEARCH_RUNS  # all the searches of one test phase
_TRACK_RUNS = 30_000  # tick runs the filtering of one test phase may spend
_PLAN_NODES = 30_000  # search nodes of all the plans of one planning test
_AFTER_FIRST = 2_000  # tick runs spent looking for other matches after the first one
_BELIEF = {"limit": 16, "cap": 64, "samples": 16}  # particles kept, draw enumeration per tick
_RESERVE = 3  # found-change, choose-frame K, submit
_UNEXPLAINED = "no world explains the frames seen"
_SAMPLED = "no world explains the frames seen (sampled draws: this proves nothing)"
_SPENT = "compute budget spent: no more inference"


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
        self.search: Reconstruction | None = None
        self.initial: list[World] = []
        self.identified = False
        self.note: str | None = None
        self.frames: dict[int, tuple[str | None, np.ndarray]] = {}
        self.plan: list[Any] = []
        self.nodes = _PLAN_NODES
        self.expected: np.ndarray | None = None
        self.last: str | None = None
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
    def _begin(self, frame: np.ndarray) -> None:
        """A test starts at ``frame``: search the worlds that show it (module docstring)."""
        self.budget = _TOTAL_RUNS
        self.tracking = _TRACK_RUNS
        self.search = Reconstruction(initial_worlds(self.program, rng=self.rng), frame,
                                     rng=self.rng)
        self.segments: list[list[tuple[Any, np.ndarray, np.ndarray | None]]] = [[]]
        self.initial = []
        self.belief = None
        self._replenish(SEARCH_RUNS, "no world shows the test's frame 0")
        self.identified = bool(self.initial)

    def _replenish(self, runs: int, why: str) -> bool:
        """Pull matches of frame 0 from the search and keep those that explain every frame seen
        since (all segments between resets); True when some do, else the belief is None."""
        runs = min(runs, self.budget)
        spent, kept, worlds, exact = 0, [], [], True
        while spent < runs and not self.search.exhausted and not kept and self.tracking > 0:
            before = self.search.runs
            batch = self.search.more(runs - spent, after_first=_AFTER_FIRST, most=MATCHES)
            spent += self.search.runs - before
            self.budget -= self.search.runs - before
            for world in batch:
                belief = None
                for segment in self.segments:
                    belief = ParticleBelief([Particle(world.copy(), 1.0)], self.rng, **_BELIEF)
                    ok = all(belief.step(ev, f, seen) for ev, f, seen in segment)
                    exact &= belief.exact
                    self.tracking -= belief.runs  # a replay is filtering: same budget
                    if not ok:
                        belief = None
                        break
                if belief is not None:
                    worlds.append(world)
                    kept.extend(belief.particles)
        self.initial += worlds
        if not kept:
            self.belief, self.note = None, why
            return False
        total = sum(p.weight for p in kept)
        self.belief = ParticleBelief([Particle(p.world, p.weight / total) for p in kept],
                                     self.rng, **_BELIEF)
        self.belief.exact = exact  # sampled draws in the replay: the belief may miss the truth
        self.note = None
        return True

    def _observe(self, event: Any, frame: np.ndarray, seen: np.ndarray | None = None) -> bool:
        """One observed tick: filter the belief; once it empties, search again for frame-0
        worlds that explain every frame seen (within the budget)."""
        self.segments[-1].append((event, frame, seen))
        exact = True
        if self.belief is not None:
            before = self.belief.runs
            alive = self.belief.step(event, frame, seen)
            self.tracking -= self.belief.runs - before
            if self.tracking < 0:
                self.belief, self.note = None, _SPENT
                return False
            if alive:
                return True
            exact = self.belief.exact
        if not self.identified or self.note == _SPENT:
            return False  # frame 0 had no match, or the budget is spent: no search again
        # Only an exact belief proves that no world explains the frame (CD claims on that).
        return self._replenish(SEARCH_RUNS // 2, _UNEXPLAINED if exact else _SAMPLED)

    def _restart(self) -> None:
        """A reset in the CD test: back to the test's frame 0."""
        self.segments.append([])
        if self.initial:
            self.belief = ParticleBelief([Particle(w.copy(), 1.0 / len(self.initial))
                                          for w in self.initial], self.rng, **_BELIEF)

    # -- MFP ------------------------------------------------------------------------------------
    def _mfp(self, obs: Observation) -> str:
        if obs.first:
            self.frames = {}
        for f in obs.frames:
            self.frames[f.tick] = (f.action, f.grid)
        if obs.options is None or "choose N" not in obs.offered:
            return "step" if "step" in obs.offered else "rewind"
        last = max(self.frames)
        self._begin(self.frames[0][1])
        for t in range(1, last + 1):
            action, grid = self.frames[t]
            before = list(self.belief.particles) if self.belief is not None else []
            if not self._observe(event_of(action), grid, grid != MASK) and before:
                self._nearest(before, event_of(action), grid, grid != MASK)
                self.note = f"recording frame {t} not explained: the nearest worlds kept"
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

    def _nearest(self, particles: list[Particle], event: Any, frame: np.ndarray,
                 seen: np.ndarray) -> None:
        """Approximate filtering once no world explains a frame: step ``particles`` and keep
        those nearest ``frame`` on the ``seen`` cells (MFP only: it must still choose)."""
        belief = ParticleBelief(particles, self.rng, **_BELIEF)
        moved = belief.predict(event, (frame, seen))
        if not moved:
            self.belief = None
            return
        dist = [int(np.count_nonzero(frame_of(p.world)[seen] != frame[seen])) for p in moved]
        kept = [p for p, d in zip(moved, dist, strict=True) if d == min(dist)]
        total = sum(p.weight for p in kept) or 1.0
        self.belief = ParticleBelief([Particle(p.world, p.weight / total or 1.0 / len(kept))
                                      for p in kept], self.rng, **_BELIEF)
        self.belief.exact = False

    # -- planning -------------------------------------------------------------------------------
    def _planning(self, obs: Observation) -> str:
        if obs.first:
            self._begin(obs.frame)
        elif self.search is not None:
            self._observe(event_of(self.last), obs.frame)
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
        if self.nodes <= 0:  # the search budget is spent: finish the plan, else act at random
            return self.plan or [event_of(self._random_action(obs, goal=True))]
        cells = [(int(x), int(y)) for y, x in zip(*np.nonzero(obs.goal_mask))]
        nodes = min(20_000, self.nodes)
        found = bfs(world, goal_test(obs.goal, obs.goal_mask), max_depth=min(obs.remaining, 24),
                    max_nodes=nodes, max_ticks=3 * nodes, extra_cells=cells)
        self.nodes -= max(found.nodes, 5_000)  # at most 6 searches, each at most 3x its ticks
        if found.plan:
            return list(found.plan)
        return [event_of(self._random_action(obs, goal=True))]

    # -- CD -------------------------------------------------------------------------------------
    def _cd(self, obs: Observation) -> str:
        if self.claim is not None:
            if "choose-frame K" in obs.offered:
                if not self.chosen:
                    self.chosen = True
                    return f"choose-frame {self.claim}"
                return "submit"
            # found-change is offered once 3 ticks have run in the test phase
            return "found-change" if "found-change" in obs.offered else "noop"
        if obs.first:
            self._begin(obs.frame)
        else:
            first = obs.n_frames - len(obs.frames)
            for i, f in enumerate(obs.frames):
                if f.action == "reset":
                    self._restart()
                    continue
                if self.belief is None:
                    continue
                if not self._observe(event_of(f.action), f.grid) and self.note == _UNEXPLAINED:
                    self.claim = first + i  # no world of the true program shows this frame
                    break
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
