"""Model-free adversaries: agents that try to pass the tests without learning the world.

Issue 15's battery (:mod:`worldtest.authoring.battery`): each agent here is a cheap trick that needs
no world model. They are not offered as user-facing agents, but each is reachable as
``--agent worldtest.agents.adversaries:ClassName`` (and by its ``adversary/...`` id through
:func:`make_adversary`). Like every agent they see only observations, draw every random choice
from ``start.rng``, and never read ``EpisodeStart.family``: the family is known only from the
test phase's observations. In a test phase that is not their own they play like the random
agent (:class:`~worldtest.agents.random.RandomAgent`, on the same generator).

Change detection (protocol section 3.3):

- ``adversary/replay-diff``: explores with random actions (the random agent's distribution, and
  a click on a drawn cell for :data:`OBJECT_CLICKS` of them) for the whole budget, or until its script covers the test horizon's ticks (a test cannot replay
  more), and remembers every frame and the action that made it; in the CD test it
  replays that script tick by tick and claims the first frame that differs from memory (where
  the test world starts as the interaction did, that is the first defective frame); if nothing
  differs before the horizon, it claims the last frame (the decay's floor, 0.199, rewards any
  late claim).
- ``adversary/claim-late``: skips exploration; random actions until 3 test actions remain, then
  claims the last frame.
- ``adversary/first-motion``: skips exploration; waits (noop) up to :data:`WAIT_TICKS` ticks,
  then acts randomly, and claims the first frame that differs from its predecessor without the
  agent's own input (a noop tick; else any tick once acting).
- ``adversary/claim-at-K``: skips exploration; random actions for K ticks, claims frame K.

Masked-frame prediction (3.1): ``adversary/mfp-<scorer>`` for each scorer of
:data:`~worldtest.tasks.baselines.MFP_SCORERS` and
:data:`~worldtest.tasks.baselines.EXTRA_SCORERS`: steps to the last frame and chooses the
option the scorer rates highest (ties uniformly). The battery uses their exact expectation.

Planning (3.2): ``adversary/plan-<member>``: ``noop``, ``hold-<arrow>``, ``click-goal-cells``
(the open-loop sequences of :func:`~worldtest.tasks.baselines.open_loop_sequences`),
``greedy`` (:class:`~worldtest.tasks.policies.GreedyGoalChaser`) and ``repeat-best``
(:class:`~worldtest.tasks.policies.RepeatBest`), seeded from ``start.rng``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from worldtest.agents.base import EpisodeStart, Observation
from worldtest.agents.random import RandomAgent
from worldtest.errors import ConfigError
from worldtest.search import event_text
from worldtest.tasks.baselines import (EXTRA_SCORERS, MFP_SCORERS, expected_score,
                                       extra_option_scores, open_loop_sequences, option_scores)
from worldtest.tasks.policies import GreedyGoalChaser, RepeatBest

__all__ = ["OBJECT_CLICKS", "object_click", "Adversary", "ReplayDiff", "ClaimLate", "FirstMotion", "ClaimAtK", "MfpScorer",
           "PlanningMember", "CD_MEMBERS", "PLANNING_MEMBERS", "WAIT_TICKS", "make_adversary",
           "known_adversaries", "visible_mask"]

WAIT_TICKS = 20
"""Ticks ``first-motion`` waits (noop) for something to move on its own before acting."""

OBJECT_CLICKS = 0.3
"""The share of ``replay-diff``'s exploration actions that click a drawn (non-background) cell:
triggers mostly need the objects touched, which uniform clicks seldom do."""

_CLAIM = 3  # test actions a claim needs: found-change, choose-frame K, submit


def object_click(frame: np.ndarray, rng: np.random.Generator) -> str | None:
    """``click X Y`` on a uniform cell not of the frame's most common colour, or None."""
    frame = np.asarray(frame)
    ys, xs = np.nonzero(frame != np.bincount(frame.ravel()).argmax())
    if not len(xs):
        return None
    i = int(rng.integers(len(xs)))
    return f"click {int(xs[i])} {int(ys[i])}"


class Adversary:
    """Base: go to the test at once; play other families' tests like the random agent.

    Subclasses override :meth:`explore` (the interaction phase) and any of :meth:`mfp`,
    :meth:`planning`, :meth:`cd`.
    """

    id = "adversary"
    version = "1"
    privileged = False

    def __init__(self) -> None:
        self.rng = np.random.default_rng(0)
        self.grid_size = 1
        self.fallback = RandomAgent()

    def reset(self, start: EpisodeStart) -> None:
        """Take the generator and grid size (never ``start.family``); forget the last episode."""
        self.rng = start.rng
        self.grid_size = start.grid_size
        self.fallback.reset(start)
        self.begin()

    def begin(self) -> None:
        """Per-episode state of a subclass."""

    def act(self, obs: Observation) -> str:
        """The next action for ``obs``'s phase."""
        if obs.phase == "interaction":
            return self.explore(obs)
        return getattr(self, obs.phase)(obs)

    def explore(self, obs: Observation) -> str:
        """The interaction phase: none (``go-to-test``)."""
        return "go-to-test"

    def mfp(self, obs: Observation) -> str:
        """An MFP test that is not this agent's: as the random agent."""
        return self.fallback.act(obs)

    def planning(self, obs: Observation) -> str:
        """A planning test that is not this agent's: as the random agent."""
        return self.fallback.act(obs)

    def cd(self, obs: Observation) -> str:
        """A CD test that is not this agent's: as the random agent."""
        return self.fallback.act(obs)

    def random_action(self) -> str:
        """A program action from the random agent's distribution (uniform over six kinds)."""
        return self.fallback._program_action()


class _Claimer(Adversary):
    """CD bookkeeping: once :meth:`claim_frame` gives K, send found-change, K, submit."""

    def begin(self) -> None:
        self._claim: int | None = None
        self._chosen = False

    def claim_frame(self, obs: Observation) -> int | None:
        """The frame to claim now, or None to keep acting."""
        raise NotImplementedError

    def next_action(self, obs: Observation) -> str:
        """The program action to take while not claiming."""
        return self.random_action()

    def cd(self, obs: Observation) -> str:
        if "submit" in obs.offered and self._chosen:
            return "submit"
        if "choose-frame K" in obs.offered:
            self._chosen = True
            last = (obs.n_frames or 1) - 1
            k = last if self._claim is None else min(self._claim, last)
            return f"choose-frame {k}"
        if self._claim is None:
            self._claim = self.claim_frame(obs)
        if self._claim is None and obs.remaining <= _CLAIM and "found-change" in obs.offered:
            self._claim = obs.frame_index  # the horizon is near: the last frame
        if self._claim is not None and "found-change" in obs.offered:
            return "found-change"
        return self.next_action(obs)


class ReplayDiff(_Claimer):
    """Replay the exploration script in the CD test; claim the first frame that differs."""

    id = "adversary/replay-diff"

    def reset(self, start: EpisodeStart) -> None:
        super().reset(start)
        self.horizon = start.settings.horizon

    def begin(self) -> None:
        super().begin()
        self.memory: dict[int, tuple[np.ndarray, str | None]] = {}
        self.horizon = 0

    def explore(self, obs: Observation) -> str:
        for f in obs.frames:  # ticks run in order; a reset (never sent) would restart them
            self.memory.setdefault(f.tick, (f.grid, f.action))
        if self.memory and max(self.memory) >= self.horizon:
            return "go-to-test"  # the script covers every tick a test can replay
        if self.rng.random() < OBJECT_CLICKS:
            return object_click(obs.frame, self.rng) or self.random_action()
        return self.random_action()

    def claim_frame(self, obs: Observation) -> int | None:
        k = obs.frame_index or 0
        seen = self.memory.get(k)
        if seen is not None and not np.array_equal(seen[0], obs.frame):
            return k
        return None

    def next_action(self, obs: Observation) -> str:
        nxt = self.memory.get((obs.frame_index or 0) + 1)
        if nxt is None:
            return "noop"  # past the script: wait for the horizon and claim late
        return nxt[1] or "noop"


class ClaimLate(_Claimer):
    """Random actions until the horizon is near, then claim the last frame."""

    id = "adversary/claim-late"

    def claim_frame(self, obs: Observation) -> int | None:
        return None


class FirstMotion(_Claimer):
    """Claim the first frame that changed on its own (see the module docstring)."""

    id = "adversary/first-motion"

    def begin(self) -> None:
        super().begin()
        self._prev: np.ndarray | None = None
        self._last_input = False

    def claim_frame(self, obs: Observation) -> int | None:
        k = obs.frame_index or 0
        moved = self._prev is not None and not np.array_equal(self._prev, obs.frame)
        self._prev = obs.frame
        if moved and (not self._last_input or k > WAIT_TICKS):
            return k
        return None

    def next_action(self, obs: Observation) -> str:
        if (obs.frame_index or 0) < WAIT_TICKS:
            self._last_input = False
            return "noop"
        self._last_input = True
        return self.random_action()


class ClaimAtK(_Claimer):
    """Random actions for ``k`` ticks, then claim frame ``k``."""

    def __init__(self, k: int = 10) -> None:
        super().__init__()
        if k < 3:
            raise ConfigError(f"claim-at-K needs K >= 3 (found-change needs 3 ticks), got {k}")
        self.k = k
        self.id = f"adversary/claim-at-{k}"

    def claim_frame(self, obs: Observation) -> int | None:
        return self.k if (obs.frame_index or 0) >= self.k else None


def visible_mask(frames: dict[int, np.ndarray]) -> tuple[tuple[int, int, int, int], int]:
    """The mask rectangle and its first frame, read off masked frames (palette index 0).

    Args:
        frames: recording index -> frame, ``uint8`` (H, W); must include the last frame.

    Returns:
        ``((x, y, width, height), from_frame)``.

    Raises:
        ConfigError: no masked cell in the last frame.
    """
    last = frames[max(frames)]
    ys, xs = np.nonzero(last == 0)
    if not len(xs):
        raise ConfigError("the last MFP frame shows no masked cell (palette index 0)")
    rect = (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1))
    masked = [i for i, f in frames.items() if (f == 0).any()]
    return rect, min(masked)


class MfpScorer(Adversary):
    """Step to the last frame, choose the option ``scorer`` rates highest (ties uniformly)."""

    def __init__(self, scorer: str = "anti-persistence+consensus") -> None:
        super().__init__()
        if scorer not in MFP_SCORERS + EXTRA_SCORERS:
            raise ConfigError(f"unknown MFP scorer {scorer!r}: expected one of "
                              f"{', '.join(MFP_SCORERS + EXTRA_SCORERS)}")
        self.scorer = scorer
        self.id = f"adversary/mfp-{scorer}"

    def begin(self) -> None:
        self.frames: dict[int, np.ndarray] = {}

    def mfp(self, obs: Observation) -> str:
        self.frames[obs.frame_index or 0] = obs.frame
        if "choose N" not in obs.offered or not obs.options:
            return "step"
        rect, from_frame = visible_mask(self.frames)
        frames = [self.frames.get(i, obs.frame) for i in range(max(self.frames) + 1)]
        scores = (extra_option_scores if self.scorer in EXTRA_SCORERS else option_scores)(
            frames, rect, from_frame, list(obs.options))[self.scorer]
        best = [i for i, s in enumerate(scores) if s == max(scores)]
        return f"choose {best[int(self.rng.integers(len(best)))]}"

    def expected(self, task: Any) -> float:
        """The exact expected score on an MfpTask (what the battery reports)."""
        m = task.mask
        rect = (m.x, m.y, m.width, m.height)
        fn = extra_option_scores if self.scorer in EXTRA_SCORERS else option_scores
        scores = fn(list(task.frames), rect, m.from_frame, list(task.options))[self.scorer]
        return expected_score(scores, task.answer)


class PlanningMember(Adversary):
    """A planning member: an open-loop sequence or a seeded closed-loop policy."""

    def __init__(self, member: str = "greedy") -> None:
        super().__init__()
        if member not in PLANNING_MEMBERS:
            raise ConfigError(f"unknown planning member {member!r}: expected one of "
                              f"{', '.join(PLANNING_MEMBERS)}")
        self.member = member
        self.id = f"adversary/plan-{member}"

    def begin(self) -> None:
        self._policy: Callable[..., Any] | None = None
        self._t = 0

    def planning(self, obs: Observation) -> str:
        if self._policy is None:
            seed = int(self.rng.integers(2**31))
            if self.member == "greedy":
                self._policy = GreedyGoalChaser(seed)
            elif self.member == "repeat-best":
                self._policy = RepeatBest(seed)
            else:
                events = open_loop_sequences(self.grid_size, obs.goal_mask, obs.remaining, seed,
                                             n_random=0)[self.member]
                self._policy = lambda *_: events[min(self._t, len(events) - 1)]
        event = self._policy(obs.frame, obs.goal, obs.goal_mask)
        self._t += 1
        return event_text(event)


CD_MEMBERS = ("replay-diff", "claim-late", "first-motion", "claim-at-10", "claim-at-40")
"""The CD members of the battery (ids without ``adversary/``)."""

PLANNING_MEMBERS = ("noop", "hold-left", "hold-right", "hold-up", "hold-down",
                    "click-goal-cells", "greedy", "repeat-best")
"""The planning members that are agents (the battery adds ``random-sequences``)."""


def known_adversaries() -> list[str]:
    """Every adversary id :func:`make_adversary` accepts."""
    return ([f"adversary/{m}" for m in CD_MEMBERS] +
            [f"adversary/mfp-{s}" for s in MFP_SCORERS + EXTRA_SCORERS] +
            [f"adversary/plan-{m}" for m in PLANNING_MEMBERS])


def make_adversary(agent_id: str) -> Adversary:
    """The adversary of id ``adversary/...`` (:func:`known_adversaries`).

    Raises:
        ConfigError: an unknown id (the message lists the known ones).
    """
    name = agent_id.removeprefix("adversary/")
    if name == "replay-diff":
        return ReplayDiff()
    if name == "claim-late":
        return ClaimLate()
    if name == "first-motion":
        return FirstMotion()
    if name.startswith("claim-at-") and name[9:].isdigit():
        return ClaimAtK(int(name[9:]))
    if name.startswith("mfp-") and name[4:] in MFP_SCORERS + EXTRA_SCORERS:
        return MfpScorer(name[4:])
    if name.startswith("plan-") and name[5:] in PLANNING_MEMBERS:
        return PlanningMember(name[5:])
    raise ConfigError(f"unknown adversary {agent_id!r}: expected one of "
                      f"{', '.join(known_adversaries())} (claim-at-K for any K >= 3)")
