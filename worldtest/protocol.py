"""One WorldTest episode: the interaction phase, then the task's test phase (protocol section 1).

:func:`run_episode` drives an agent through both phases and returns an
:class:`~worldtest.results.EpisodeRecord`. It never crashes on agent misbehaviour: unparsable
text, an off-grid click or an action not offered is recorded as invalid, costs one action and
is reported in the next observation's ``message`` (protocol section 2, "Invalid actions"); an
exception raised by the agent, or an error of the program or task (a
:class:`~worldtest.errors.WorldtestError`), ends the episode with status ``"failed"``, the error
text, and score 0. The budget and the horizon bound every episode (protocol section 2).
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

import worldtest
from worldtest.agents.base import (
    Agent,
    EpisodeStart,
    Observation,
    Privileged,
    agent_usage,
)
from worldtest.env import INTERACTION_TEMPLATES, AutumnEnv, EnvSpec, Frame, parse_action
from worldtest.errors import ActionError, WorldtestError
from worldtest.results import ActionLog, EpisodeRecord, episode_key
from worldtest.tasks import start_phase

__all__ = ["Settings", "digest", "run_episode"]

_MAX_TEXT = 200  # characters of an agent's action text kept in the log


class Settings(BaseModel):
    """The protocol settings of an episode (protocol section 2); frozen.

    Attributes:
        budget: agent actions in the interaction phase, every action counted (reset,
            go-to-test and invalid ones included). Default 200, the reference "full evaluation".
        horizon: test actions at most; running out scores 0. Default 300.
        ticks_per_action: ticks per interaction action (the action's tick, then no-input
            ticks); None means the program's FRAME_RATE, the reference default. Test phases
            always use one tick per action.
        reset_seed: ``"same"``: reset restarts with the episode seed (the reference harness);
            ``"fresh"``: with a new seed drawn from the episode's generator (as human
            participants got).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    budget: int = Field(default=200, ge=0)
    horizon: int = Field(default=300, ge=1)
    ticks_per_action: int | None = Field(default=None, ge=1)
    reset_seed: Literal["same", "fresh"] = "same"

    def resolved(self, frame_rate: int) -> Settings:
        """These settings with ``ticks_per_action`` filled in from ``frame_rate`` if None."""
        if self.ticks_per_action is not None:
            return self
        return self.model_copy(update={"ticks_per_action": int(frame_rate)})


def digest(frame: np.ndarray) -> str:
    """First 12 hex digits of the SHA-1 of a frame's bytes (``uint8`` (H, W), C order)."""
    return hashlib.sha1(np.ascontiguousarray(frame, dtype=np.uint8).tobytes()).hexdigest()[:12]


class _AgentFailure(Exception):
    """An exception raised inside the agent's ``reset`` or ``act``."""


def _shown(text: Any) -> str:
    out = text if isinstance(text, str) else repr(text)
    return out if len(out) <= _MAX_TEXT else out[: _MAX_TEXT - 3] + "..."


class _Episode:
    """The mutable state of one running episode."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.interaction: list[ActionLog] = []
        self.test: list[ActionLog] = []
        self.n_resets = 0
        self.n_invalid = 0

    def log(
        self,
        phase: str,
        action: str,
        valid: bool,
        tick: int,
        ticks: int,
        frame: np.ndarray,
        message: str | None,
        t_wall: float,
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
            )
        )

    def ask(self, obs: Observation) -> tuple[Any, float]:
        t0 = time.perf_counter()
        try:
            text = self.agent.act(obs)
        except Exception as err:  # the agent's own bug: the episode fails, the run goes on
            raise _AgentFailure(
                f"agent {self.agent.id!r} raised in act(): {type(err).__name__}: {err}"
            ) from err
        return text, time.perf_counter() - t0

    def interact(
        self, env: AutumnEnv, settings: Settings, seed: int, rng: np.random.Generator
    ) -> dict[str, Any]:
        """Run the interaction phase (protocol sections 1 and 2)."""
        frames, message, used, ended = [Frame(0, None, env.frame)], None, 0, "budget"
        offered = list(INTERACTION_TEMPLATES)
        while used < settings.budget:
            obs = Observation(
                "interaction",
                frames,
                env.frame,
                offered,
                settings.budget - used,
                message,
                first=used == 0,
            )
            text, t_wall = self.ask(obs)
            used += 1
            try:
                action = parse_action(text, env.grid_size)
                if action.template not in offered:
                    raise ActionError(
                        f"{action} is not offered in the interaction phase: "
                        f"expected one of {', '.join(offered)}"
                    )
            except ActionError as err:
                self.n_invalid += 1
                message, frames = f"invalid action {_shown(text)!r}: {err}", []
                self.log(
                    "interaction", _shown(text), False, env.tick, 0, env.frame, message, t_wall
                )
                continue
            message, ticks, note = None, 0, None
            if action.kind == "go-to-test":
                ended, frames = "go-to-test", []
            elif action.kind == "reset":
                new_seed = seed if settings.reset_seed == "same" else int(rng.integers(1, 2**31))
                env.reset(new_seed)
                self.n_resets += 1
                frames, note = [Frame(0, "reset", env.frame)], f"reset with seed {new_seed}"
            else:
                grids = env.step(action)
                ticks, first = len(grids), env.tick - len(grids) + 1
                frames = [
                    Frame(first + i, str(action) if i == 0 else None, g)
                    for i, g in enumerate(grids)
                ]
            self.log("interaction", str(action), True, env.tick, ticks, env.frame, note, t_wall)
            if ended == "go-to-test":
                break
        return {"interaction_actions": used, "interaction_ended": ended}

    def run_test(self, phase: Any, settings: Settings) -> tuple[float, dict[str, Any]]:
        """Run the test phase until it ends or the horizon runs out (protocol sections 2, 3)."""
        message = None
        while not phase.done and phase.n_actions < settings.horizon:
            view = phase.observation()
            obs = Observation(
                phase.family,
                view.frames,
                view.frame,
                view.offered,
                settings.horizon - phase.n_actions,
                message,
                view.goal,
                view.goal_mask,
                view.options,
                view.frame_index,
                view.n_frames,
                first=phase.n_actions == 0,
            )
            text, t_wall = self.ask(obs)
            try:
                phase.apply(text)
                shown, ticks, message = str(phase.last_action), phase.last_ticks, None
            except ActionError as err:
                self.n_invalid += 1
                shown, ticks, message = _shown(text), 0, f"invalid action {_shown(text)!r}: {err}"
            valid = message is None
            self.log("test", shown, valid, phase.tick, ticks, phase.frame, message, t_wall)
        phase.abort("horizon")
        return phase.outcome()


def run_episode(
    agent: Agent,
    suite_env: EnvSpec,
    program: Any,
    task: Any,
    settings: Settings,
    seed: int,
    *,
    rng: np.random.Generator,
    wrong_program: Any = None,
) -> EpisodeRecord:
    """Run one WorldTest episode: a fresh interaction phase, then the task's test phase.

    Args:
        agent: any :class:`~worldtest.agents.base.Agent`; one with ``privileged = True`` also
            gets the program source, seed and task.
        suite_env: the environment's metadata (name, stochastic, program path).
        program: its compiled program.
        task: the task (``MfpTask``, ``PlanningTask`` or ``CdTask``) of that environment.
        settings: protocol settings; ``ticks_per_action=None`` resolves to the program's
            FRAME_RATE, and the record carries the resolved settings.
        seed: the episode seed (interaction phase and CD test phase; the planning test phase
            starts from the task seed, for which its goal was derived and validated).
        rng: the episode's generator; two independent children are spawned from it, one given
            to the agent (``EpisodeStart.rng``), one drawing fresh reset seeds.
        wrong_program: CD only: the compiled wrong program (default: loaded beside the task).

    Returns:
        The record, status ``"ok"``, or ``"failed"`` with ``error`` and score 0 when the agent
        raised or the program/task failed. Other exceptions are harness bugs and propagate.
    """
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    agent_rng, harness_rng = rng.spawn(2)
    episode = _Episode(agent)
    score, outcome, status, error = 0.0, {}, "ok", None
    resolved = settings if settings.ticks_per_action else settings.resolved(suite_env.frame_rate)
    try:
        env = AutumnEnv(program, seed, ticks_per_action=1)
        resolved = settings.resolved(env.world.frame_rate)
        env.ticks_per_action = resolved.ticks_per_action
        privileged = None
        if getattr(agent, "privileged", False):
            privileged = Privileged(
                suite_env.program.read_text(encoding="utf-8"), suite_env.program, seed, task
            )
        start = EpisodeStart(
            suite_env.name,
            task.family,
            env.grid_size,
            env.world.frame_rate,
            resolved,
            agent_rng,
            privileged,
        )
        try:
            agent.reset(start)
        except Exception as err:
            raise _AgentFailure(
                f"agent {agent.id!r} raised in reset(): {type(err).__name__}: {err}"
            ) from err
        outcome.update(episode.interact(env, resolved, seed, harness_rng))
        extra = (
            {"wrong_program": wrong_program}
            if task.family == "cd" and wrong_program is not None
            else {}
        )
        # Planning starts from the task seed: its goal was derived and validated for that seed
        # (in the reference harness the episode and the task share one seed). CD runs with the
        # episode seed; its trigger is validated over many seeds.
        test_seed = task.seed if task.family == "planning" else seed
        phase = start_phase(task, program, resolved, test_seed, **extra)
        score, phase_outcome = episode.run_test(phase, resolved)
        outcome.update(phase_outcome)
    except _AgentFailure as err:
        score, status, error = 0.0, "failed", str(err)
    except WorldtestError as err:
        score, status, error = 0.0, "failed", f"{type(err).__name__}: {err}"
    settings_dict = resolved.model_dump()
    return EpisodeRecord(
        key=episode_key(agent.id, agent.version, task.id, task.version, seed, settings_dict),
        worldtest_version=worldtest.__version__,
        agent=agent.id,
        agent_version=agent.version,
        env=suite_env.name,
        family=task.family,
        task_id=task.id,
        task_version=task.version,
        stochastic=suite_env.stochastic,
        seed=seed,
        task_seed=task.seed,
        settings=settings_dict,
        interaction=episode.interaction,
        test=episode.test,
        n_resets=episode.n_resets,
        n_invalid=episode.n_invalid,
        outcome=outcome,
        score=score,
        status=status,
        error=error,
        started_at=started_at,
        duration_s=time.perf_counter() - t0,
        usage=agent_usage(agent),
    )
