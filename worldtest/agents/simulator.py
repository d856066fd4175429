"""The simulator: the paper's reference agent that knows the true program but not the seed.

Id ``simulator``; ``privileged = True``, but of :class:`~worldtest.agents.base.Privileged` it
reads **only** ``program_source`` (and ``program_path``, for error messages): never
``privileged.seed``, never ``privileged.task`` (no task seed, answer, goal plan, wrong program or
trigger). Everything else it gets as any agent does, from observations.

**Seeds.** The program's only dependence on the seed is its random generator, so until the first
random draw every seed gives the same frames. :class:`SeedBelief` runs one world in lock-step
with what is observed; at the first tick that draws, it forks that tick into one world per
candidate seed (generator state set to the seed's) and from then on keeps the candidates whose
frames equal the observed ones (in MFP, on the unmasked cells). Candidates: seeds
``1..9999``, the range of the task seeds ``worldtest tasks derive`` draws and of the usual run
seeds. **Limits:** a seed outside that range is never found: the belief empties and the agent
falls back to averaging over 64 seeds drawn from its generator (MFP: per-cell frequencies of the
simulated patches; planning: a plan in one such world, searched again whenever the frame
differs; CD: only a deviation from every candidate counts, so after the belief empties nothing
more is claimed until the horizon, when it claims the last frame). Several candidates may
remain consistent (draws that never showed); they are all kept.

- **MFP**: steps through the recording, filtering seeds on its frames; simulates the recording
  with each consistent seed and chooses the option produced most often.
- **Planning**: breadth-first search (:func:`worldtest.search.bfs`) in a world consistent with
  what it observed, executed step by step; it searches again whenever the observed frame differs
  from the plan's.
- **CD**: spends the interaction phase on the explorer's battery of experiments (to see draws and
  narrow the seeds: the CD test runs with the episode seed), then in the test runs the battery
  again, one tick per action with one noop after each, predicting every frame with the true
  program and the candidate seeds; it claims the first frame that no candidate produced.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from worldtest.agents.base import EpisodeStart, Observation
from worldtest.agents.explorer.experiments import Experimenter, object_cells
from worldtest.agents.explorer.features import event_of
from worldtest.autumn import World, compile_program
from worldtest.autumn.rng import seed_state
from worldtest.env import frame_of
from worldtest.errors import AutumnError
from worldtest.palette import MASK
from worldtest.search import bfs, event_text, goal_test

__all__ = ["CANDIDATE_SEEDS", "SeedBelief", "SimulatorAgent"]

CANDIDATE_SEEDS = range(1, 10_000)
"""The seeds the simulator considers (see the module docstring)."""

_FALLBACK_SEEDS = 64
_RESERVE = 3  # found-change, choose-frame K, submit


def _step(world: World, event: Any) -> bool:
    try:
        world.step(event)
        return True
    except AutumnError:
        return False


class SeedBelief:
    """The worlds consistent with what has been observed (see the module docstring).

    Args:
        program: the compiled true program.
        candidates: the seeds still possible.
    """

    def __init__(self, program: Any, candidates: Any = CANDIDATE_SEEDS) -> None:
        self.program = program
        self.candidates = list(candidates)
        self.restart()

    def restart(self) -> None:
        """Back to the initial state (a reset); the candidate seeds are kept."""
        self.live: dict[int, World] | None = None
        if self.candidates:
            self.rep = self.program.start(self.candidates[0])
            if self.rep.rng != seed_state(self.rep.seed):  # the program draws while loading
                self.live = {s: self.program.start(s) for s in self.candidates}

    @property
    def empty(self) -> bool:
        """True when no candidate seed explains the observations."""
        return not self.candidates

    def worlds(self) -> list[World]:
        """One world per distinct consistent seed (one for all while none has drawn)."""
        if self.empty:
            return []
        return list(self.live.values()) if self.live is not None else [self.rep]

    def step(self, event: Any, frame: np.ndarray, seen: np.ndarray | None = None) -> bool:
        """Advance every candidate by one tick of ``event`` and keep those showing ``frame``.

        Args:
            event: the tick's input event.
            frame: the observed frame, ``uint8`` (H, W).
            seen: ``bool`` (H, W), the cells to compare (default all).

        Returns:
            False if no candidate explains the frame (the belief is then empty).
        """
        sel = np.ones(frame.shape, dtype=bool) if seen is None else seen
        match = lambda w: bool(np.array_equal(frame_of(w)[sel], frame[sel]))
        if self.empty:
            return False
        if self.live is None:
            before = self.rep.copy()
            ok = _step(self.rep, event)
            if ok and self.rep.rng == seed_state(self.rep.seed):
                if not match(self.rep):
                    self.candidates = []
                return not self.empty
            self.live = {}
            for s in self.candidates:
                w = before.copy()
                w.seed, w.rng = s, seed_state(s)
                self.live[s] = w
            self.live = {s: w for s, w in self.live.items() if _step(w, event) and match(w)}
        else:
            self.live = {s: w for s, w in self.live.items() if _step(w, event) and match(w)}
        self.candidates = list(self.live)
        return not self.empty


class SimulatorAgent:
    """Knows the true program, not the seed (see the module docstring). Id ``simulator``."""

    id = "simulator"
    version = "1"
    privileged = True

    def reset(self, start: EpisodeStart) -> None:
        """Compile the program (the only privileged field it reads)."""
        if start.privileged is None:
            raise RuntimeError("the simulator needs the program (privileged = True)")
        p = start.privileged
        self.program = compile_program(p.program_source, str(p.program_path or "<program>"))
        self.start = start
        self.rng = start.rng
        self.belief: SeedBelief | None = None
        self.experimenter = Experimenter(start.grid_size, start.rng)
        self.last: str | None = None
        self.frames: dict[int, tuple[str | None, np.ndarray]] = {}
        self.plan: list[Any] = []
        self.expected: np.ndarray | None = None
        self.claim: int | None = None
        self.chosen = False
        self.probe: list[str] = []

    def act(self, obs: Observation) -> str:
        """The next action for the observation's phase."""
        return getattr(self, "_" + obs.phase)(obs)

    # -- interaction: only CD needs it (the CD test runs with the episode seed) ------------------
    def _interaction(self, obs: Observation) -> str:
        if self.belief is None:
            self.belief = SeedBelief(self.program)
        for f in obs.frames:
            if f.action == "reset" or f.tick == 0:
                self.belief.restart()
            else:
                self.belief.step(event_of(f.action), f.grid)
        if self.experimenter.stage in ("repeat", "curious") or self.belief.empty \
                or obs.remaining <= 1:
            return "go-to-test"
        return self.experimenter.act(obs.frame, None, None)

    # -- MFP ------------------------------------------------------------------------------------
    def _mfp(self, obs: Observation) -> str:
        for f in obs.frames:
            self.frames[f.tick] = (f.action, f.grid)
        if obs.options is None or "choose N" not in obs.offered:
            return "step" if "step" in obs.offered else "rewind"
        last = max(self.frames)
        events = [event_of(self.frames[t][0]) for t in range(1, last + 1)]
        belief = SeedBelief(self.program)
        for t, event in enumerate(events, start=1):
            grid = self.frames[t][1]
            if not belief.step(event, grid, grid != MASK):
                break
        hole = self.frames[last][1] == MASK
        worlds = belief.worlds()
        if not worlds:  # no candidate seed: average over sampled seeds
            worlds = []
            for s in self.rng.integers(1, 2**31, size=_FALLBACK_SEEDS):
                w = self.program.start(int(s))
                if all(_step(w, e) for e in events):
                    worlds.append(w)
        patches = [frame_of(w)[hole] for w in worlds]
        scores = []
        for option in obs.options:
            exact = sum(np.array_equal(p, option.reshape(-1)) for p in patches)
            cells = np.mean([p == option.reshape(-1) for p in patches], axis=0) if patches else 0
            scores.append(exact + 1e-3 * float(np.sum(np.log(np.asarray(cells) + 1e-3))))
        return f"choose {int(np.argmax(scores))}"

    # -- planning -------------------------------------------------------------------------------
    def _planning(self, obs: Observation) -> str:
        if obs.first:
            self.belief = SeedBelief(self.program)
            self.fallback: World | None = None
        elif not self.belief.empty:
            self.belief.step(event_of(self.last), obs.frame)
        elif self.fallback is not None:
            _step(self.fallback, event_of(self.last))
        if self.expected is None or not np.array_equal(self.expected, obs.frame) or not self.plan:
            self.plan = self._search(obs)
        event = self.plan.pop(0)
        sim = self._world(obs).copy()
        self.expected = frame_of(sim) if _step(sim, event) else None
        self.last = event_text(event)
        return self.last

    def _world(self, obs: Observation) -> World:
        worlds = self.belief.worlds()
        if worlds:
            return worlds[0]
        if self.fallback is None:
            self.fallback = self.program.start(int(self.rng.integers(1, 2**31)))
        return self.fallback

    def _search(self, obs: Observation) -> list[Any]:
        cells = [(int(x), int(y)) for y, x in zip(*np.nonzero(obs.goal_mask))]
        found = bfs(self._world(obs), goal_test(obs.goal, obs.goal_mask),
                    max_depth=min(obs.remaining, 24), max_nodes=30_000, extra_cells=cells)
        if found.plan:
            return list(found.plan)
        texts = ["noop", "left", "right", "up", "down"] + [
            f"click {x} {y}" for x, y in object_cells(obs.frame) + cells[:8]]
        return [event_of(texts[int(self.rng.integers(len(texts)))])]

    # -- CD -------------------------------------------------------------------------------------
    def _cd(self, obs: Observation) -> str:
        if self.claim is not None:
            if "choose-frame K" in obs.offered and not self.chosen:
                self.chosen = True
                return f"choose-frame {self.claim}"
            return "submit"
        if obs.first:
            known = self.belief is not None and not self.belief.empty
            self.belief = SeedBelief(self.program,
                                     self.belief.candidates if known else CANDIDATE_SEEDS)
            self.unknown_seed = self.belief is None or not known
            self.experimenter = Experimenter(self.start.grid_size, self.rng)
        for f in obs.frames if not obs.first else []:
            if f.action == "reset":
                self.belief.restart()
                continue
            explained = not self.belief.empty
            if not self.belief.step(event_of(f.action), f.grid) and explained \
                    and not self.unknown_seed:
                self.claim = obs.frame_index  # no candidate world shows this frame
        if self.claim is None and obs.remaining <= _RESERVE and "found-change" in obs.offered:
            self.claim = obs.frame_index
        if self.claim is not None and "found-change" in obs.offered:
            return "found-change"
        if not self.probe:
            text = self._random_action(obs) if self.experimenter.stage == "curious" \
                else self.experimenter.act(obs.frame, None, None)
            self.probe = [text] + (["noop"] if text != "reset" else [])
        return self.probe.pop(0)

    def _random_action(self, obs: Observation) -> str:
        texts = ["noop", "left", "right", "up", "down", "reset"] + [
            f"click {x} {y}" for x, y in object_cells(obs.frame)]
        return texts[int(self.rng.integers(len(texts)))]

    def usage(self) -> dict[str, Any]:
        """How many candidate seeds remain (-1 before any belief)."""
        return {"candidate_seeds": len(self.belief.candidates) if self.belief else -1}

