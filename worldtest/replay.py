"""Rebuild every frame of a recorded episode, agent or human, and check it against the record.

A record stores actions and frame digests, not frames (``worldtest.results``). :func:`reconstruct`
replays the recorded actions through the program with the recorded seeds and settings, exactly
as :func:`worldtest.protocol.run_episode` ran them:

- **interaction phase** (protocol section 2): ``AutumnEnv(program, seed, ticks_per_action)``;
  a program action runs ``ticks_per_action`` ticks (one frame each); ``reset`` restarts with the
  episode seed, or, with ``reset_seed = "fresh"``, with the seed the record's message names;
  invalid actions and ``go-to-test`` run nothing.
- **test phase** (protocol section 3): the family's own state machine
  (:func:`worldtest.tasks.start_phase`), from the task's seed and hidden start, applying every
  recorded test action, invalid ones included.

After every action the replayed tick, ticks run and frame digest
(:func:`worldtest.protocol.digest`) must equal the record's, and at the end the replayed score
must equal the recorded one; otherwise :class:`ReplayError` says where and how they differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from worldtest.env import INTERACTION_TEMPLATES, AutumnEnv, parse_action
from pydantic import ValidationError

from worldtest.errors import ActionError, ResultsError, WorldtestError
from worldtest.protocol import digest
from worldtest.settings import Settings, episode_settings
from worldtest.results import ActionLog, EpisodeRecord
from worldtest.suite import Suite
from worldtest.tasks import start_phase

__all__ = ["Replay", "ReplayError", "ReplayFrame", "reconstruct"]

_FRESH_SEED = re.compile(r"reset with seed (-?\d+)")


class ReplayError(ResultsError):
    """A record cannot be replayed, or its replay differs from what it recorded.

    The message always reads ``cannot replay KEY (AGENT): WHERE: what differs``.
    """


def _fail(record: EpisodeRecord, where: str, text: str) -> ReplayError:
    return ReplayError(f"cannot replay {record.key} ({record.agent}): {where}: {text}")


@dataclass(frozen=True)
class ReplayFrame:
    """One frame of a replay.

    Attributes:
        phase: ``"interaction"``, or the family of the test phase.
        step: the 1-based index of the action (in its phase) that led to this frame; 0 for the
            phase's first frame.
        n_steps: the number of actions of that phase in the record.
        action: the action's text, on the first frame it produced (None on the no-input ticks
            that follow it, protocol section 2).
        tick: the program tick (MFP: the frame's index in the recording; CD while choosing: the
            running program's tick).
        grid: ``uint8`` palette indices, shape (H, W).
        during: the text of the action this frame belongs to (on all its ticks), or None.
    """

    phase: str
    step: int
    n_steps: int
    action: str | None
    tick: int
    grid: np.ndarray
    during: str | None = None

    def caption(self) -> str:
        """One line: phase, action number and text, tick."""
        what = f"action {self.step}/{self.n_steps}" if self.step else "start"
        made = f": {self.during}" if self.during else ""
        return f"{self.phase} {what}{made}  (tick {self.tick})"


@dataclass
class Replay:
    """A reconstructed episode.

    Attributes:
        record: the record replayed.
        frames: every frame, in order (each interaction action gives ``ticks_per_action``).
        frame_rate: the program's FRAME_RATE (ticks per second).
        phase: the test phase after the replay (its task: goal, options; CD: ``seen``), or None
            when the record has no test phase (an episode that failed while exploring).
        score: the replayed score (equal to the record's for a record with status ``"ok"``).
    """

    record: EpisodeRecord
    frames: list[ReplayFrame] = field(default_factory=list)
    frame_rate: int = 8
    phase: Any = None
    score: float | None = None


def _check(
    record: EpisodeRecord, where: str, log: ActionLog, tick: int, ticks: int, frame: np.ndarray
) -> None:
    got = digest(frame)
    if (got, tick, ticks) != (log.digest, log.tick, log.ticks):
        raise _fail(
            record,
            f"{where} ({log.action!r})",
            f"replayed tick {tick}, {ticks} tick(s) run, frame digest {got}; the record has "
            f"tick {log.tick}, {log.ticks} tick(s), digest {log.digest}. The program, task or "
            f"interpreter has changed since worldtest {record.worldtest_version} recorded it.",
        )


def reconstruct(record: EpisodeRecord, suite: Suite | None = None) -> Replay:
    """Replay ``record`` through its program and task; check every frame (module docstring).

    Args:
        record: an episode record (any agent, human or not).
        suite: the benchmark folder holding its environment and task (default: the default suite).

    Returns:
        The :class:`Replay`.

    Raises:
        ReplayError: the task's version or seed differs from the record's, or a replayed tick,
            tick count, frame digest or the final score differs from the record.
        ConfigError, TaskFileError, AutumnError: the environment or task cannot be loaded.
    """
    suite = suite or Suite()
    try:
        settings = Settings.model_validate(record.settings)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _fail(record, "settings", f"{where}: {first['msg']}") from None
    try:
        program = suite.program(record.env)
        task = suite.task(record.env, record.family)
    except WorldtestError as err:
        raise _fail(record, "loading", f"{type(err).__name__}: {err}") from None
    if (task.version, task.seed) != (record.task_version, record.task_seed):
        raise _fail(
            record,
            "task",
            f"the record was made with {record.task_id} task version {record.task_version} "
            f"(seed {record.task_seed}), the suite has version {task.version} (seed {task.seed})",
        )
    settings = episode_settings(settings, program)
    env = AutumnEnv(program, record.seed, ticks_per_action=settings.ticks_per_action)
    replay = Replay(record, frame_rate=program.frame_rate)
    n = len(record.interaction)
    if n:
        replay.frames.append(ReplayFrame("interaction", 0, n, None, env.tick, env.frame))
    for i, log in enumerate(record.interaction, start=1):
        where = f"interaction action {i}"
        shown, ticks = [env.frame], 0
        if not log.valid:
            try:
                action = parse_action(log.action, env.grid_size)
                accepted = action.template in INTERACTION_TEMPLATES
            except ActionError:
                accepted = False
            if accepted:
                raise _fail(record, f"{where} ({log.action!r})", "recorded as invalid, but it is "
                            "a valid interaction action now")
        else:
            try:
                action = parse_action(log.action, env.grid_size)
            except ActionError as err:
                raise _fail(record, f"{where} ({log.action!r})", f"recorded as valid, but it is "
                            f"not an action now: {err}") from None
            if action.kind == "reset":
                seed = record.seed
                if settings.reset_seed == "fresh":
                    found = _FRESH_SEED.fullmatch(log.message or "")
                    if found is None:
                        raise _fail(record, where, f"names no fresh seed (message "
                                    f"{log.message!r})")
                    seed = int(found.group(1))
                shown = [env.reset(seed)]
            elif action.kind != "go-to-test":
                shown = env.step(action)
                ticks = len(shown)
        _check(record, where, log, env.tick, ticks, env.frame)
        first = env.tick - len(shown) + 1 if ticks else env.tick
        for j, grid in enumerate(shown):
            replay.frames.append(
                ReplayFrame(
                    "interaction",
                    i,
                    n,
                    log.action if j == 0 else None,
                    first + j if ticks else env.tick,
                    grid,
                    log.action,
                )
            )
    if not record.test and record.status != "ok":
        return replay
    phase = start_phase(task, program, settings)
    replay.phase = phase
    n = len(record.test)
    replay.frames.append(ReplayFrame(record.family, 0, n, None, phase.tick, phase.frame))
    for i, log in enumerate(record.test, start=1):
        where = f"test action {i}"
        try:
            grids = phase.apply(log.action)
            valid, ticks = True, phase.last_ticks
        except ActionError:
            grids, valid, ticks = [], False, 0
        if valid != log.valid:
            state = "valid" if valid else "invalid"
            raise _fail(record, f"{where} ({log.action!r})", f"{state} on replay, but not in "
                        "the record")
        _check(record, where, log, phase.tick, ticks, phase.frame)
        for j, grid in enumerate(grids or [phase.frame]):
            replay.frames.append(
                ReplayFrame(
                    record.family,
                    i,
                    n,
                    log.action if j == 0 else None,
                    phase.tick,
                    grid,
                    log.action,
                )
            )
    phase.abort("horizon")
    replay.score, _ = phase.outcome()
    if record.status == "ok" and abs(replay.score - record.score) > 1e-9:
        raise _fail(record, "score", f"replayed score {replay.score:.3f}, recorded "
                    f"{record.score:.3f}")
    return replay
