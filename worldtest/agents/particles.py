"""Worlds consistent with what was observed, for an agent that is handed the true program.

Used by the simulator (:mod:`worldtest.agents.simulator`). The program is known; what is not
known is the state the test starts from (reached by a hidden prefix) and the program's random
stream (a 32-bit task seed the agent is not told). Two tools:

- **Free draws.** :func:`outcomes` runs one tick of a world with its random draws left free:
  every sequence of draw values the tick asks for is tried (a depth-first enumeration; each
  ``draw(m)`` branches into ``m`` values, so the draw sequence of a tick may depend on earlier
  values), and the distinct resulting worlds come back with their probabilities, each draw value
  taken as uniform on ``0..m-1`` (the generator's output ``s mod m``, treated as a fair die:
  ``autumn-language.md`` section 6). A deterministic tick (no draw) is one run. When a tick's
  enumeration passes ``cap`` runs, ``samples`` draw sequences are drawn at random instead (the
  result is then marked inexact). During the enumeration the interpreter's generator is replaced
  (``worldtest.autumn.natives.draw`` is swapped for the duration of one tick, then restored).
- **Reconstruction.** :func:`reconstruct` searches, best-first by the number of cells that differ
  from a target frame, the worlds reachable from the program's initial state by one-tick actions
  (noop, arrows, clicks on non-background cells and on the target's) with free draws, and yields
  every world whose frame equals the target: candidates for the hidden start of a test.

:class:`ParticleBelief` keeps weighted candidate worlds and filters them tick by tick on the
observed frames (optionally on the unmasked cells only).

Why the random stream itself is not inferred: the generator (section 6) has a 32-bit state that
becomes a 31-bit one after the first draw, and each draw shows only ``s mod m``. With power-of-two
moduli (4 neighbours, 16 cells) the low bits of successive states follow each other almost
deterministically (the product wraps mod 2**32 before the reduction mod 2**31 - 1), so a draw
tells less than its ``log2(m)`` bits: a numpy sweep over all 2**31 states filtered by twenty
observed ``draw(4)`` / ``draw(3)`` values still leaves about 160 states, and takes about 50 s of
one core. That is too slow for an episode and too weak to pin the stream; free draws are exact
about the world's state whatever the stream, and lose only the stream's correlations.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from worldtest.autumn import Program, World, natives
from worldtest.env import frame_of
from worldtest.errors import AutumnError
from worldtest.search import background_index, candidate_events

__all__ = [
    "Particle",
    "ParticleBelief",
    "Reconstruction",
    "guided",
    "initial_worlds",
    "outcomes",
    "reconstruct",
    "state_of",
]

_REAL_DRAW = natives.draw
_MOD = 2147483647  # the generator's reduction modulus, 2**31 - 1 (autumn-language.md section 6)


class _Need(BaseException):
    """Raised inside a tick when the draw script is exhausted (not an error of the program)."""

    def __init__(self, m: int) -> None:
        self.m = m


def state_of(world: World) -> Any:
    """The world's state key without its generator state and its last click position."""
    return world.state_key(("click",))[1]


def _run(world: World, event: Any, script: list[int], pad: bool = False,
         moduli: list[int] | None = None) -> tuple[World | None, int | None]:
    """One tick of a copy of ``world`` with draws answered from ``script``.

    Returns ``(world, None)`` when the tick ran, ``(None, m)`` when it asked for one more draw
    (modulus ``m``; with ``pad`` such draws return 0 instead), ``(None, None)`` when the program
    failed. ``moduli``, when given, receives the modulus of every draw made.
    """
    w = world.copy()
    used = 0

    def scripted(state: int, m: int) -> tuple[int, int]:
        nonlocal used
        if m == 0:
            return 0, state
        if moduli is not None:
            moduli.append(m)
        used += 1
        if used > len(script):
            if not pad:
                raise _Need(m)
            return 0, state
        return script[used - 1] % m, state

    natives.draw = scripted
    try:
        w.step(event)
    except _Need as need:
        return None, need.m
    except AutumnError:
        return None, None
    finally:
        natives.draw = _REAL_DRAW
    return w, None


def guided(world: World, event: Any, target: np.ndarray, *, seen: np.ndarray | None = None,
           max_runs: int = 300) -> tuple[World | None, int]:
    """The tick's outcome whose frame is nearest ``target``, by coordinate descent on the draws.

    Starts from all draws 0, then tries every value of each draw in turn (later draws kept,
    or 0 when the sequence grows), keeping a change when fewer cells differ from ``target``.
    A heuristic for :func:`reconstruct` when a tick has too many draw sequences to enumerate.

    Args:
        seen: ``bool`` (H, W), the cells compared (default all).

    Returns:
        ``(world, runs)``: the nearest world found (None if the program failed) and tick runs.
    """
    sel = np.ones(target.shape, dtype=bool) if seen is None else seen
    dist = lambda w: int(np.count_nonzero(frame_of(w)[sel] != target[sel]))
    moduli: list[int] = []
    best, _ = _run(world, event, [], pad=True, moduli=moduli)
    if best is None:
        return None, 1
    script, runs, d = [0] * len(moduli), 1, dist(best)
    for _ in range(2):
        improved, i = False, 0
        while i < len(script) and runs < max_runs:
            for v in range(moduli[i]):
                if v == script[i] or runs >= max_runs:
                    continue
                trial, ms = script[:], []
                trial[i] = v
                w, _ = _run(world, event, trial, pad=True, moduli=ms)
                runs += 1
                if w is not None and dist(w) < d:
                    best, d, moduli, improved = w, dist(w), ms, True
                    script = (trial + [0] * len(ms))[: len(ms)]
            i += 1
        if not improved:
            break
    return best, runs


def outcomes(world: World, event: Any, *, cap: int = 256, samples: int = 32,
             rng: np.random.Generator | None = None) -> tuple[list[tuple[World, float]], bool]:
    """The worlds one tick of ``event`` can lead to, with free draws (module docstring).

    Args:
        world: the world before the tick (not modified).
        event: the tick's input event (None, an arrow, ``("click", x, y)``).
        cap: tick runs allowed for the exact enumeration.
        samples: ticks run with a random generator state when the enumeration passes ``cap``.
        rng: the generator of those states (required for sampling).

    Returns:
        ``(worlds, exact)``: distinct worlds (by :func:`state_of`) with their probabilities
        (summing to 1 when exact; each sample weighs ``1 / samples``); ``exact`` is False when
        sampled. A program error on every sequence gives ``[]``.
    """
    worlds, exact, _ = _outcomes(world, event, cap, samples, rng)
    return worlds, exact


def _outcomes(world: World, event: Any, cap: int, samples: int,
              rng: np.random.Generator | None) -> tuple[list[tuple[World, float]], bool, int]:
    found: dict[Any, list] = {}
    stack: list[tuple[list[int], float]] = [([], 1.0)]
    runs, exact = 0, True
    while stack:
        script, p = stack.pop()
        runs += 1
        if runs > cap:
            exact = False
            break
        w, m = _run(world, event, script)
        if w is not None:
            _add(found, w, p)
        elif m is not None:
            stack.extend((script + [v], p / m) for v in range(m - 1, -1, -1))
    if not exact:
        if rng is None:
            raise ValueError("outcomes: a random generator is needed to sample draws")
        found = {}
        for _ in range(samples):
            w = world.copy()
            w.rng = int(rng.integers(1, _MOD))  # a state after some draw: 1 .. 2**31 - 2
            runs += 1
            try:
                w.step(event)
            except AutumnError:
                continue
            _add(found, w, 1.0 / samples)
    return [(w, p) for w, p in found.values()], exact, runs


def _add(found: dict[Any, list], w: World, p: float) -> None:
    key = state_of(w)
    if key in found:
        found[key][1] += p
    else:
        found[key] = [w, p]


@dataclass
class Particle:
    """A candidate world and its probability (unnormalised)."""

    world: World
    weight: float


class ParticleBelief:
    """Weighted candidate worlds, filtered on observed frames (module docstring).

    Args:
        particles: the starting candidates.
        rng: the generator for sampled draws.
        limit: most particles kept (the heaviest).
        cap, samples: passed to :func:`outcomes`.

    Attributes:
        exact: False once any tick's draws were sampled or particles were dropped for the
            limit: the belief may then miss the true world, so an empty belief proves nothing.
        runs: tick runs spent so far.
    """

    def __init__(self, particles: list[Particle], rng: np.random.Generator, *, limit: int = 64,
                 cap: int = 256, samples: int = 32) -> None:
        self.particles = list(particles)
        self.rng, self.limit, self.cap, self.samples = rng, limit, cap, samples
        self.exact = True
        self.runs = 0

    @property
    def empty(self) -> bool:
        """True when no candidate explains the observations."""
        return not self.particles

    def best(self) -> World | None:
        """The heaviest candidate world, or None."""
        return max(self.particles, key=lambda p: p.weight).world if self.particles else None

    def predict(self, event: Any,
                toward: tuple[np.ndarray, np.ndarray | None] | None = None) -> list[Particle]:
        """Every world one tick of ``event`` leads to, weighted (the belief is not changed).

        ``toward``: ``(frame, seen)``; when a tick's draws are sampled, the outcome
        :func:`guided` toward that frame is added (weighted as one sample).
        """
        out: dict[Any, Particle] = {}
        guides = 4  # the heaviest particles get a guided outcome when their draws are sampled
        for p in sorted(self.particles, key=lambda p: -p.weight):
            worlds, exact, used = _outcomes(p.world, event, self.cap, self.samples, self.rng)
            self.runs += used
            self.exact &= exact
            if not exact and toward is not None and guides > 0:  # add the nearest outcome
                guides -= 1
                w, used = guided(p.world, event, toward[0], seen=toward[1])
                self.runs += used
                worlds += [(w, 1.0 / self.samples)] if w is not None else []
            for w, q in worlds:
                key = state_of(w)
                if key in out:
                    out[key].weight += p.weight * q
                else:
                    out[key] = Particle(w, p.weight * q)
        return list(out.values())

    def step(self, event: Any, frame: np.ndarray, seen: np.ndarray | None = None) -> bool:
        """Advance by one tick of ``event``; keep the worlds showing ``frame`` on ``seen``.

        Args:
            event: the tick's input event.
            frame: the observed frame, ``uint8`` (H, W).
            seen: ``bool`` (H, W), the cells to compare (default all).

        Returns:
            False when no candidate explains the frame (the belief is then empty).
        """
        sel = np.ones(frame.shape, dtype=bool) if seen is None else seen
        want = frame[sel]
        kept = [p for p in self.predict(event, (frame, seen))
                if np.array_equal(frame_of(p.world)[sel], want)]
        if len(kept) > self.limit:
            kept.sort(key=lambda p: -p.weight)
            kept, self.exact = kept[: self.limit], False
        total = sum(p.weight for p in kept)
        self.particles = [Particle(p.world, p.weight / total) for p in kept] if total else []
        return not self.empty


def initial_worlds(program: Program, *, cap: int = 256, samples: int = 16,
                   rng: np.random.Generator) -> list[World]:
    """The program's initial worlds, draws made while loading left free (distinct states).

    Args:
        program: a compiled :class:`~worldtest.autumn.Program`.
        cap: loads allowed for the exact enumeration of the loading draws; past it,
            ``samples`` loads with random seeds from ``rng``.

    Raises:
        AutumnError: the program fails to load with every draw sequence tried.
    """
    found: dict[Any, World] = {}
    stack: list[list[int]] = [[]]
    runs, error = 0, None
    while stack and runs < cap:
        script = stack.pop()
        runs += 1
        used = 0

        def scripted(state: int, m: int) -> tuple[int, int]:
            nonlocal used
            if m == 0:
                return 0, state
            used += 1
            if used > len(script):
                raise _Need(m)
            return script[used - 1] % m, state

        natives.draw = scripted
        try:
            w = program.start(1)
        except _Need as need:
            stack.extend(script + [v] for v in range(need.m - 1, -1, -1))
            continue
        except AutumnError as err:
            error = err
            continue
        finally:
            natives.draw = _REAL_DRAW
        found.setdefault(state_of(w), w)
    if stack:  # too many loading draws to enumerate: sample seeds
        found = {}
        for seed in rng.integers(1, 2**32, size=samples):
            try:
                w = program.start(int(seed))
            except AutumnError as err:
                error = err
                continue
            found.setdefault(state_of(w), w)
    if not found and error is not None:
        raise error
    return list(found.values())


class Reconstruction:
    """A resumable search for worlds reachable from ``starts`` whose frame equals ``target``.

    Best-first: the world with the fewest cells differing from ``target`` is expanded first
    (ties: the shallower, then the older). States are deduplicated by :func:`state_of`. When a
    tick has too many draw sequences to enumerate, the samples are joined by the outcome
    :func:`guided` toward ``target``. Call :meth:`more` as often as wanted: each call goes on
    where the last stopped.

    Args:
        starts: the worlds to search from (not modified), e.g. :func:`initial_worlds`.
        target: the frame to reach, ``uint8`` (H, W).
        rng: the generator for sampled draws.
        cap, samples: passed to :func:`outcomes` for each expansion.

    Attributes:
        runs: tick runs spent so far (every tried action and draw sequence counts one).
        exhausted: True when every reachable state has been expanded.
    """

    def __init__(self, starts: list[World], target: np.ndarray, *, rng: np.random.Generator,
                 cap: int = 16, samples: int = 4) -> None:
        self.target = np.asarray(target)
        self.rng, self.cap, self.samples = rng, cap, samples
        self._order = itertools.count()
        self._heap: list[tuple[int, int, int, World]] = []
        self._seen: set[Any] = set()
        self._pending: list[World] = []
        self.runs = 0
        for w in starts:
            self._push(w, 0)
        n = starts[0].grid_size if starts else 0
        bg = background_index(starts[0]) if starts else 0
        self._wanted = [(int(x), int(y)) for y, x in zip(*np.nonzero(self.target != bg))
                        if x < n and y < n]

    @property
    def exhausted(self) -> bool:
        return not self._heap and not self._pending

    def _push(self, w: World, depth: int) -> None:
        key = state_of(w)
        if key in self._seen:
            return
        self._seen.add(key)
        d = int(np.count_nonzero(frame_of(w) != self.target))
        if d == 0:
            self._pending.append(w)
        heapq.heappush(self._heap, (d, depth, next(self._order), w))

    def more(self, runs: int, *, after_first: int | None = None,
             most: int | None = None) -> list[World]:
        """Search on for at most ``runs`` tick runs; return the matches found meanwhile.

        Args:
            runs: the budget of this call.
            after_first: once a match is found, at most this many more runs in this call.
            most: stop once this many matches are found.
        """
        found: list[World] = []
        budget = self.runs + runs
        while True:
            while self._pending:
                found.append(self._pending.pop(0))
                if after_first is not None:
                    budget = min(budget, self.runs + after_first)
                if most is not None and len(found) >= most:
                    return found
            if not self._heap or self.runs >= budget:
                return found
            _, depth, _, world = heapq.heappop(self._heap)
            for event in candidate_events(world, self._wanted):
                worlds, exact, used = _outcomes(world, event, self.cap, self.samples, self.rng)
                self.runs += used
                if not exact:  # too many draw sequences: add the one most like the target
                    w, used = guided(world, event, self.target)
                    self.runs += used
                    worlds += [(w, 0.0)] if w is not None else []
                for w, _ in worlds:
                    self._push(w, depth + 1)


def reconstruct(starts: list[World], target: np.ndarray, *, max_runs: int,
                rng: np.random.Generator, after_first: int | None = None,
                most: int | None = None) -> list[World]:
    """The matches of one :class:`Reconstruction` run for ``max_runs`` tick runs (see there)."""
    return Reconstruction(starts, target, rng=rng).more(max_runs, after_first=after_first,
                                                        most=most)
