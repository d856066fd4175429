"""One WorldTest episode: the interaction phase, then the task's test phase (protocol section 1).

:class:`Episode` is the episode as a state machine, driven one action at a time: it hands out
an :class:`~worldtest.agents.base.Observation`, takes the agent's action text, and in the end
gives an :class:`~worldtest.results.EpisodeRecord`. Two drivers share it, so the protocol logic
exists once: :func:`run_episode` calls ``agent.act(obs)`` (every agent), and
:func:`run_episode_async` awaits ``agent.act_async(obs)`` (model agents, many episodes in
flight on one event loop; see :mod:`worldtest.runner`)::

    episode = Episode(agent, suite_env, program, task, settings, seed, rng=rng)
    obs = episode.start()                 # None when the episode is already over
    while obs is not None:
        obs = episode.send(agent.act(obs), t_wall)   # or episode.fail(reason)
    record = episode.record()

The rules of each phase are not written here but in the phase objects the episode drives: the
interaction phase is :class:`~worldtest.interaction.InteractionPhase`, the test phase the
family's :class:`~worldtest.tasks.phase.TestPhase` from :func:`worldtest.tasks.start_phase`
(the task's seed, after its hidden prefix); the settings are resolved once, by
:func:`worldtest.settings.episode_settings`. :func:`worldtest.replay.reconstruct` replays a
record through this same class.

An episode never crashes on agent misbehaviour: unparsable text, an off-grid click or an action
not offered is recorded as invalid, costs one action and is reported in the next observation's
``message`` (protocol section 2, "Invalid actions"); an exception raised by the agent, or an
error of the program or task (a :class:`~worldtest.errors.WorldtestError`), ends the episode
with status ``"failed"``, the error text, and score 0. The budget and the horizon bound every
episode (protocol section 2).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Generator, Iterable
from datetime import UTC, datetime
from typing import Any

import numpy as np

import worldtest
from worldtest.agents.base import (
    Agent,
    AsyncAgent,
    EpisodeStart,
    Observation,
    Privileged,
    agent_transcript,
    agent_usage,
)
from worldtest.autumn.runtime import Program
from worldtest.env import EnvSpec
from worldtest.errors import ActionError, WorldtestError
from worldtest.interaction import InteractionPhase
from worldtest.results import ActionLog, EpisodeRecord, episode_key
from worldtest.settings import PAPER_SETTINGS, PAPER_TRANSITION_STEPS, Settings, episode_settings
from worldtest.tasks import start_phase
from worldtest.tasks.models import Task
from worldtest.tasks.phase import TestPhase

# Settings live in worldtest.settings (below agents and protocol); re-exported here so
# ``from worldtest.protocol import Settings`` keeps working.
__all__ = [
    "PAPER_SETTINGS",
    "PAPER_TRANSITION_STEPS",
    "Episode",
    "Settings",
    "digest",
    "episode_settings",
    "run_episode",
    "run_episode_async",
]

_MAX_TEXT = 200  # characters of an agent's action text kept in the log


def digest(frame: np.ndarray) -> str:
    """First 12 hex digits of the SHA-1 of a frame's bytes (``uint8`` (H, W), C order)."""
    return hashlib.sha1(np.ascontiguousarray(frame, dtype=np.uint8).tobytes()).hexdigest()[:12]


class _AgentFailure(Exception):
    """An exception raised inside the agent's ``reset`` or ``act``."""


def _shown(text: Any) -> str:
    out = text if isinstance(text, str) else repr(text)
    return out if len(out) <= _MAX_TEXT else out[: _MAX_TEXT - 3] + "..."


def _raised(agent: Agent, where: str, err: BaseException) -> str:
    return f"agent {agent.id!r} raised in {where}(): {type(err).__name__}: {err}"


# What the episode generator yields (an observation) and is sent (the action text, seconds).
_Steps = Generator[Observation, tuple[Any, float], None]


class Episode:
    """One WorldTest episode as a state machine: observations out, action texts in.

    Args:
        agent: any :class:`~worldtest.agents.base.Agent`; one with ``privileged = True`` also
            gets the program source, seed and task. Only its ``id``, ``version``, ``reset``
            (called by :meth:`start`) and optional ``usage()`` / ``transcript()`` are used
            here: the driver asks for the actions.
        suite_env: the environment's metadata (name, stochastic, program path).
        program: its compiled program.
        task: the task (``MfpTask``, ``PlanningTask`` or ``CdTask``) of that environment.
        settings: protocol settings; ``ticks_per_action=None`` resolves to the program's
            FRAME_RATE, and the record carries the resolved settings.
        seed: the episode seed of the interaction phase; every test phase runs with the task's
            own seed from its hidden start (``docs/protocol.md`` section 2).
        rng: the episode's generator; two independent children are spawned from it, one given
            to the agent (``EpisodeStart.rng``), one drawing fresh reset seeds.
        wrong_program: CD only: the compiled wrong program (default: loaded beside the task).
        suite: the suite's id for the record (None: the built-in suite; see
            :attr:`worldtest.suite.Suite.id`).
        fresh_seeds: replay only: the seeds of the fresh resets, in order, used instead of
            drawing them (:class:`~worldtest.interaction.InteractionPhase`).

    Attributes:
        interaction_phase: the :class:`~worldtest.interaction.InteractionPhase` (once started);
        test_phase: the family's :class:`~worldtest.tasks.phase.TestPhase` (once reached),
        test_grids: the frames the last test action showed; interaction, test: the action
        logs so far (:class:`~worldtest.results.ActionLog`).
    """

    def __init__(
        self,
        agent: Agent,
        suite_env: EnvSpec,
        program: Program,
        task: Task,
        settings: Settings,
        seed: int,
        *,
        rng: np.random.Generator,
        wrong_program: Program | None = None,
        suite: str | None = None,
        fresh_seeds: Iterable[int] | None = None,
    ) -> None:
        self.agent = agent
        self.suite = suite
        self.suite_env, self.program, self.task, self.seed = suite_env, program, task, seed
        self.wrong_program = wrong_program
        self.settings = settings  # resolved by start() (episode_settings)
        self._requested = settings
        self.agent_rng, self.harness_rng = rng.spawn(2)
        self._fresh_seeds = None if fresh_seeds is None else iter(fresh_seeds)
        self.interaction_phase: InteractionPhase | None = None
        self.test_phase: TestPhase | None = None
        self.test_grids: list[np.ndarray] = []
        self.interaction: list[ActionLog] = []
        self.test: list[ActionLog] = []
        self.n_invalid = 0
        self.score, self.outcome, self.status, self.error = 0.0, {}, "ok", None
        self.started_at = datetime.now(UTC).isoformat(timespec="seconds")
        self._t0 = time.perf_counter()
        self._steps: _Steps = self._play()
        self.observation: Observation | None = None
        self.done = False

    @property
    def n_resets(self) -> int:
        """Valid resets in the interaction phase so far."""
        return self.interaction_phase.n_resets if self.interaction_phase is not None else 0

    # -- driving ----------------------------------------------------------------------------
    def start(self) -> Observation | None:
        """Load the environment, reset the agent; return the first observation.

        Returns None when the episode ended before any action (the agent's ``reset`` raised,
        the program failed to load, or a zero budget met a task that needs no action).
        """
        return self._advance(lambda: next(self._steps))

    def send(self, text: Any, t_wall: float | None = None) -> Observation | None:
        """Apply the agent's action text (anything; non-text is an invalid action).

        Args:
            text: what the agent returned for :attr:`observation`.
            t_wall: seconds the agent took to choose it, recorded in the action's log.

        Returns:
            The next observation, or None once the episode is over.
        """
        return self._advance(lambda: self._steps.send((text, t_wall)))

    def fail(self, reason: str) -> None:
        """End the episode as failed (score 0) because the agent could not give an action."""
        self._advance(lambda: self._steps.throw(_AgentFailure(reason)))

    def _advance(self, step: Any) -> Observation | None:
        if self.done:
            raise RuntimeError("the episode is over")
        try:
            self.observation = step()
        except StopIteration:
            self.observation, self.done = None, True
        return self.observation

    # -- the protocol -------------------------------------------------------------------------
    def _play(self) -> _Steps:
        """The whole episode; yields each observation, is sent ``(text, t_wall)``."""
        agent, task, seed = self.agent, self.task, self.seed
        try:
            self.settings = episode_settings(self._requested, self.program)
            self.interaction_phase = InteractionPhase(
                self.program, seed, self.settings, rng=self.harness_rng,
                fresh_seeds=self._fresh_seeds,
            )
            privileged = None
            if getattr(agent, "privileged", False):
                privileged = Privileged(
                    self.suite_env.program.read_text(encoding="utf-8"),
                    self.suite_env.program,
                    seed,
                    task,
                )
            start = EpisodeStart(
                self.suite_env.name,
                self.interaction_phase.grid_size,
                self.program.frame_rate,
                self.settings,
                self.agent_rng,
                privileged,
            )
            try:
                agent.reset(start)
            except Exception as err:
                raise _AgentFailure(_raised(agent, "reset", err)) from err
            self.outcome.update((yield from self._interact()))
            extra = (
                {"wrong_program": self.wrong_program}
                if task.family == "cd" and self.wrong_program is not None
                else {}
            )
            # Every test phase runs with the task's seed from the task's hidden start (its
            # prefix), never from where the interaction phase started (docs/protocol.md, 2).
            phase = start_phase(task, self.program, self.settings, **extra)
            self.test_phase = phase
            self.score, phase_outcome = yield from self._run_test(phase)
            self.outcome.update(phase_outcome)
        except _AgentFailure as err:
            self.score, self.status, self.error = 0.0, "failed", str(err)
        except WorldtestError as err:
            self.score, self.status, self.error = 0.0, "failed", f"{type(err).__name__}: {err}"

    def _log(
        self,
        phase: str,
        action: str,
        valid: bool,
        tick: int,
        ticks: int,
        frame: np.ndarray,
        message: str | None,
        t_wall: float | None,
        reset_seed: int | None = None,
    ) -> None:
        """Append one ActionLog; the action text is canonical when valid, as sent otherwise."""
        logs = self.interaction if phase == "interaction" else self.test
        logs.append(
            ActionLog(
                phase=phase,
                action=action,
                valid=valid,
                tick=tick,
                ticks=ticks,
                digest=digest(frame),
                message=message,
                t_wall=t_wall,
                reset_seed=reset_seed,
            )
        )

    def _interact(self) -> Generator[Observation, tuple[Any, float], dict]:
        """Drive the interaction phase (:class:`~worldtest.interaction.InteractionPhase`)."""
        phase, message = self.interaction_phase, None
        while not phase.done:
            obs = Observation(
                "interaction",
                phase.frames,
                phase.frame,
                phase.offered,
                phase.remaining,
                message,
                first=phase.n_actions == 0,
            )
            text, t_wall = yield obs
            try:
                phase.apply(text)
            except ActionError as err:
                self.n_invalid += 1
                message = f"invalid action {_shown(text)!r}: {err}"
                self._log(
                    "interaction", _shown(text), False, phase.tick, 0, phase.frame, message, t_wall
                )
                continue
            message, seed = None, phase.last_reset_seed
            note = None if seed is None else f"reset with seed {seed}"
            self._log(
                "interaction", str(phase.last_action), True, phase.tick, phase.last_ticks,
                phase.frame, note, t_wall, reset_seed=seed,
            )
        return phase.outcome()

    def _run_test(self, phase: TestPhase) -> Generator[Observation, tuple[Any, float], tuple]:
        """The test phase, until it ends or the horizon runs out (protocol sections 2, 3)."""
        horizon = self.settings.test_horizon(len(self.interaction), phase.family)
        message = None
        while not phase.done and phase.n_actions < horizon:
            view = phase.observation()
            obs = Observation(
                phase.family,
                view.frames,
                view.frame,
                view.offered,
                horizon - phase.n_actions,
                message,
                view.goal,
                view.goal_mask,
                view.options,
                view.frame_index,
                view.n_frames,
                first=phase.n_actions == 0,
            )
            text, t_wall = yield obs
            try:
                self.test_grids = phase.apply(text)
                shown, ticks, message = str(phase.last_action), phase.last_ticks, None
            except ActionError as err:
                self.n_invalid += 1
                self.test_grids = []
                shown, ticks, message = _shown(text), 0, f"invalid action {_shown(text)!r}: {err}"
            valid = message is None
            self._log("test", shown, valid, phase.tick, ticks, phase.frame, message, t_wall)
        phase.abort("horizon")
        return phase.outcome()

    # -- the record ---------------------------------------------------------------------------
    def record(self) -> EpisodeRecord:
        """The episode's record (call once :meth:`start` / :meth:`send` returned None).

        Returns:
            Status ``"ok"``, or ``"failed"`` with ``error`` and score 0 when the agent raised or
            the program/task failed. ``usage`` and ``transcript`` come from the agent's
            optional ``usage()`` and ``transcript()`` methods.
        """
        if not self.done:
            raise RuntimeError("the episode is still running")
        agent, task, suite_env = self.agent, self.task, self.suite_env
        settings_dict = self.settings.model_dump()
        return EpisodeRecord(
            key=episode_key(agent.id, agent.version, task.id, task.version, self.seed,
                            settings_dict, suite=self.suite),
            suite=self.suite,
            worldtest_version=worldtest.__version__,
            agent=agent.id,
            agent_version=agent.version,
            env=suite_env.name,
            family=task.family,
            task_id=task.id,
            task_version=task.version,
            stochastic=suite_env.stochastic,
            seed=self.seed,
            task_seed=task.seed,
            settings=settings_dict,
            interaction=self.interaction,
            test=self.test,
            n_resets=self.n_resets,
            n_invalid=self.n_invalid,
            outcome=self.outcome,
            score=self.score,
            status=self.status,
            error=self.error,
            started_at=self.started_at,
            duration_s=time.perf_counter() - self._t0,
            usage=agent_usage(agent),
            transcript=agent_transcript(agent),
            agent_config=getattr(agent, "agent_config", None),  # presets, entry points
        )  # fmt: skip


def run_episode(
    agent: Agent,
    suite_env: EnvSpec,
    program: Program,
    task: Task,
    settings: Settings,
    seed: int,
    *,
    rng: np.random.Generator,
    wrong_program: Program | None = None,
    suite: str | None = None,
) -> EpisodeRecord:
    """Run one WorldTest episode, asking ``agent.act(obs)`` for every action.

    The arguments are those of :class:`Episode`.

    Returns:
        The record, status ``"ok"``, or ``"failed"`` with ``error`` and score 0 when the agent
        raised or the program/task failed. Other exceptions are harness bugs and propagate.
    """
    episode = Episode(
        agent, suite_env, program, task, settings, seed, rng=rng, wrong_program=wrong_program,
        suite=suite,
    )
    obs = episode.start()
    while obs is not None:
        t0 = time.perf_counter()
        try:
            text = agent.act(obs)
        except Exception as err:  # noqa: BLE001 -- the agent's bug fails the episode, not the run
            episode.fail(_raised(agent, "act", err))
            break
        obs = episode.send(text, time.perf_counter() - t0)
    return episode.record()


async def run_episode_async(
    agent: AsyncAgent,
    suite_env: EnvSpec,
    program: Program,
    task: Task,
    settings: Settings,
    seed: int,
    *,
    rng: np.random.Generator,
    wrong_program: Program | None = None,
    suite: str | None = None,
) -> EpisodeRecord:
    """Run one WorldTest episode, awaiting ``agent.act_async(obs)`` for every action.

    The arguments are those of :class:`Episode`. Many episodes can be in flight on one event
    loop, each with its own agent instance (:mod:`worldtest.runner`); the environment's ticks
    run on the loop between the agent's calls.

    Returns:
        As :func:`run_episode`. ``asyncio.CancelledError`` propagates: a cancelled episode has
        no record.
    """
    episode = Episode(
        agent, suite_env, program, task, settings, seed, rng=rng, wrong_program=wrong_program,
        suite=suite,
    )
    obs = episode.start()
    while obs is not None:
        t0 = time.perf_counter()
        try:
            text = await agent.act_async(obs)
        except Exception as err:  # noqa: BLE001 -- e.g. a model call that failed every retry
            episode.fail(_raised(agent, "act_async", err))
            break
        obs = episode.send(text, time.perf_counter() - t0)
    return episode.record()

