"""The Agent protocol and what an agent is given: :class:`EpisodeStart` and :class:`Observation`.

An agent is any object with a string ``id``, a ``version``, ``reset(start)`` (called once at the
start of each episode) and ``act(obs) -> str`` (called once per action, in both phases; the
returned text is parsed by :func:`worldtest.env.parse_action`). Agents see only observations:
frames are ``np.ndarray`` of ``uint8`` palette indices, shape (H, W) (``worldtest.palette``;
0 = mask). The one exception is an agent class that sets ``privileged = True`` (the oracle): its
:class:`EpisodeStart` carries :class:`Privileged` (the program, the seed, the task).

Every random choice an agent makes must come from ``start.rng`` (house style 5), so an episode
is reproducible from its recorded seeds.

Model agents (:mod:`worldtest.agents.llm`) spend their time waiting on the network, so they
also implement :class:`AsyncAgent`: ``act_async`` (awaited by
:func:`worldtest.protocol.run_episode_async`) and ``clone`` (a fresh agent for another episode
in flight, sharing configuration, connections and cache). The runner plays the episodes of such
agents concurrently, at most ``concurrency`` at a time per ``endpoint``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import numpy as np

from worldtest.env import Frame
from worldtest.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.tasks.models import Task

__all__ = [
    "Agent",
    "AsyncAgent",
    "EpisodeStart",
    "Frame",
    "Observation",
    "Phase",
    "Privileged",
    "agent_transcript",
    "agent_usage",
    "is_async",
]

Phase = Literal["interaction", "mfp", "planning", "cd"]
"""The phase an observation belongs to: the interaction phase or a family's test phase."""


@dataclass(frozen=True)
class Privileged:
    """What only a privileged agent (``privileged = True`` on its class) is given.

    Attributes:
        program_source: the environment's Autumn program text.
        program_path: its file, when it came from one.
        seed: the episode seed.
        task: the task of this episode (an ``MfpTask``, ``PlanningTask`` or ``CdTask``); a CD
            task finds its wrong program with ``task.wrong_program_path()``.
    """

    program_source: str
    program_path: Path | None
    seed: int
    task: Task


@dataclass(frozen=True)
class EpisodeStart:
    """The start of an episode, as given to :meth:`Agent.reset`.

    Attributes:
        env: the environment id (``"ice"``). Nothing about the test to come: its family is
            first known from the first test observation's ``phase`` (the protocol: the test
            is unknown while exploring). A privileged agent finds it in ``privileged.task``.
        grid_size: cells per side; clicks take X, Y in 0..grid_size-1.
        frame_rate: the program's FRAME_RATE.
        settings: the resolved protocol settings (budget, horizon, ticks_per_action, reset_seed).
        rng: the agent's own random generator, seeded by the runner.
        privileged: program, seed and task, for privileged agents only; else None.
    """

    env: str
    grid_size: int
    frame_rate: int
    settings: Settings
    rng: np.random.Generator
    privileged: Privileged | None = None


@dataclass(frozen=True)
class Observation:
    """What the agent sees before each action.

    Attributes:
        phase: ``"interaction"`` or the family of the test phase.
        frames: the frames produced since the last action, oldest first, each labelled with
            its tick and the action that caused it (protocol section 2: one agent action in the
            interaction phase shows ``ticks_per_action`` frames). Empty when the last action
            showed nothing new (an invalid action, ``found-change``, ``choose N``).
        frame: the frame shown now, ``uint8`` (H, W) (the last of ``frames`` when there are any).
        offered: the action templates valid now, e.g. ``["noop", "left", ..., "click X Y",
            "reset", "go-to-test"]``; ``choose N`` ranges over ``options``, ``choose-frame K``
            over ``0..n_frames-1``.
        remaining: actions left: the interaction budget, or the test horizon.
        message: feedback on the last action (why it was invalid), else None.
        goal, goal_mask: planning: the goal frame and its 0/1 mask, ``uint8`` (H, W).
        options: MFP, once the last frame has been reached: the 6 patches, ``uint8`` (h, w).
        frame_index: MFP: index of the shown frame in the recording; CD: index of the shown
            frame in the test phase's frame numbering (what ``choose-frame K`` refers to).
        n_frames: MFP: frames in the recording; CD: frames seen so far.
        first: True for the first observation of a phase.
    """

    phase: Phase
    frames: list[Frame]
    frame: np.ndarray
    offered: list[str]
    remaining: int
    message: str | None = None
    goal: np.ndarray | None = None
    goal_mask: np.ndarray | None = None
    options: list[np.ndarray] | None = None
    frame_index: int | None = None
    n_frames: int | None = None
    first: bool = False


@runtime_checkable
class Agent(Protocol):
    """The agent protocol (see the module docstring).

    Attributes:
        id: the registry id (``"random"``); version: bumped when behaviour changes (records
            carry both, house style 4).

    Optional: a class attribute ``privileged = True`` to receive :class:`Privileged`; a method
    ``usage() -> dict`` (tokens, cost) and a method ``transcript() -> dict | None`` (the
    messages exchanged with a model), both recorded in the episode record.
    """

    id: str
    version: str

    def reset(self, start: EpisodeStart) -> None:
        """Start a new episode (forget the previous one)."""
        ...

    def act(self, obs: Observation) -> str:
        """Return the next action's text (``"click 3 4"``, ``"go-to-test"``, ``"choose 2"`` ...)."""
        ...


@runtime_checkable
class AsyncAgent(Agent, Protocol):
    """An agent whose actions are awaited (see the module docstring).

    Attributes:
        endpoint: the service it calls (``"openai https://api.openai.com/v1"``); the runner
            limits the episodes in flight per endpoint.
        concurrency: how many episodes may be in flight on that endpoint at once (>= 1).
    """

    endpoint: str
    concurrency: int

    async def act_async(self, obs: Observation) -> str:
        """The same as :meth:`Agent.act`, awaited."""
        ...

    def clone(self) -> AsyncAgent:
        """A fresh agent (same id, version, settings) for another episode in flight."""
        ...


def is_async(agent: Any) -> bool:
    """True when ``agent`` implements :class:`AsyncAgent` (``act_async`` and ``clone``)."""
    return callable(getattr(agent, "act_async", None)) and callable(getattr(agent, "clone", None))


def agent_usage(agent: Any) -> dict[str, Any]:
    """The agent's ``usage()`` dict if it has one, else ``{}``."""
    usage = getattr(agent, "usage", None)
    if not callable(usage):
        return {}
    try:
        return dict(usage())
    except Exception as err:  # noqa: BLE001 -- a broken usage() must not lose the episode
        return {"error": f"{type(err).__name__}: {err}"}


def agent_transcript(agent: Any) -> dict[str, Any] | None:
    """The agent's ``transcript()`` if it has one (a dict or None), else None."""
    transcript = getattr(agent, "transcript", None)
    if not callable(transcript):
        return None
    try:
        out = transcript()
    except Exception as err:  # noqa: BLE001 -- a broken transcript() must not lose the episode
        return {"error": f"{type(err).__name__}: {err}"}
    return None if out is None else dict(out)
