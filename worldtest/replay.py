"""Rebuild every frame of a recorded episode, agent or human, and check it against the record.

A record stores actions and frame digests, not frames (``worldtest.results``). :func:`reconstruct`
re-runs the episode with :class:`worldtest.protocol.Episode` itself, driven by a scripted agent
that sends the recorded actions, with the recorded seeds and settings: so the rules are the
run's own, written once (:class:`worldtest.interaction.InteractionPhase`, the family's
:class:`~worldtest.tasks.phase.TestPhase`). The one input a replay supplies is the seed of each
fresh reset (``reset_seed = "fresh"``): ``ActionLog.reset_seed``, or for a schema-1 record the
seed its ``message`` names (``"reset with seed N"``; the legacy path).

After every action the replayed validity, tick, ticks run and frame digest
(:func:`worldtest.protocol.digest`) must equal the record's, and at the end the replayed score
must equal the recorded one; otherwise :class:`ReplayError` says where and how they differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import ValidationError

from worldtest.agents.base import EpisodeStart, Observation
from worldtest.env import Frame
from worldtest.errors import ResultsError, WorldtestError
from worldtest.protocol import Episode
from worldtest.results import ActionLog, EpisodeRecord
from worldtest.settings import Settings
from worldtest.suite import Suite
from worldtest.tasks.phase import TestPhase

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
    phase: TestPhase | None = None
    score: float | None = None


class _RecordedAgent:
    """The scripted agent of a replay: sends the record's actions, phase by phase, in order."""

    def __init__(self, record: EpisodeRecord) -> None:
        self.id, self.version = record.agent, record.agent_version
        self._logs = {"interaction": iter(record.interaction), "test": iter(record.test)}
        self.log: ActionLog | None = None

    def reset(self, start: EpisodeStart) -> None:
        pass

    def act(self, obs: Observation) -> str | None:
        """The next recorded action of the observation's phase (None when there is none)."""
        self.log = next(self._logs["interaction" if obs.phase == "interaction" else "test"], None)
        return None if self.log is None else self.log.action


def _fresh_seeds(record: EpisodeRecord) -> list[int]:
    """The seeds of the record's valid resets: ``ActionLog.reset_seed`` (schema 2), or for a
    schema-1 record the seed its message names (``"reset with seed N"``, the legacy path)."""
    seeds = []
    for i, log in enumerate(record.interaction, start=1):
        if not log.valid or log.action != "reset":
            continue
        if log.reset_seed is not None:
            seeds.append(log.reset_seed)
            continue
        found = _FRESH_SEED.fullmatch(log.message or "") if record.schema_version == 1 else None
        if found is None:
            raise _fail(record, f"interaction action {i}", f"names no fresh seed (reset_seed "
                        f"{log.reset_seed!r}, message {log.message!r})")
        seeds.append(int(found.group(1)))
    return seeds


def _send(record: EpisodeRecord, episode: Episode, agent: _RecordedAgent,
          obs: Observation, where: str, log: ActionLog, i: int,
          phase: Literal["interaction", "test"]) -> Observation | None:
    """Send the recorded action ``log`` (the ``i``-th of ``phase``, from 1) and check what the
    episode logged for it against the record; the next observation."""
    obs = episode.send(agent.act(obs))
    logs = episode.interaction if phase == "interaction" else episode.test
    got = logs[i - 1] if len(logs) >= i else None
    if got is None and episode.status == "failed":
        raise _fail(record, f"{where} ({log.action!r})", episode.error or "failed")
    _compare(record, where, log, got, phase)
    return obs


def _compare(record: EpisodeRecord, where: str, log: ActionLog, got: ActionLog | None,
             phase: str) -> None:
    """Check the replayed action's log against the recorded one (validity, tick, digest)."""
    if got is None:
        raise _fail(record, f"{where} ({log.action!r})", "the replayed episode ended before it")
    if got.valid != log.valid:
        if phase != "interaction":
            state = "valid" if got.valid else "invalid"
            raise _fail(record, f"{where} ({log.action!r})", f"{state} on replay, but not in "
                        "the record")
        if log.valid:
            raise _fail(record, f"{where} ({log.action!r})", f"recorded as valid, but it is "
                        f"not an action now: {got.message}")
        raise _fail(record, f"{where} ({log.action!r})", "recorded as invalid, but it is "
                    "a valid interaction action now")
    if (got.digest, got.tick, got.ticks) != (log.digest, log.tick, log.ticks):
        raise _fail(
            record,
            f"{where} ({log.action!r})",
            f"replayed tick {got.tick}, {got.ticks} tick(s) run, frame digest {got.digest}; the "
            f"record has tick {log.tick}, {log.ticks} tick(s), digest {log.digest}. The "
            f"program, task or interpreter has changed since worldtest "
            f"{record.worldtest_version} recorded it.",
        )


def reconstruct(record: EpisodeRecord, suite: Suite | None = None) -> Replay:
    """Replay ``record`` through its program and task; check every frame (module docstring).

    The episode is re-run by :class:`~worldtest.protocol.Episode` itself (the same interaction
    and test phase objects as the run), driven by a scripted agent that sends the recorded
    actions; the fresh reset seeds are the recorded ones. Each action's replayed log is
    compared with the recorded one.

    Args:
        record: an episode record (any agent, human or not; schema 1 or 2).
        suite: the benchmark folder holding its environment and task (default: the default suite).

    Returns:
        The :class:`Replay`.

    Raises:
        ReplayError: the task's version or seed differs from the record's, a replayed action's
            validity, tick, tick count or frame digest or the final score differs from the
            record, the program fails while replaying, or a fresh reset names no seed.
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
        spec = suite.spec(record.env)
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
    seeds = _fresh_seeds(record) if settings.reset_seed == "fresh" else None
    agent = _RecordedAgent(record)
    episode = Episode(agent, spec, program, task, settings, record.seed,  # type: ignore[arg-type]
                      rng=np.random.default_rng(0), fresh_seeds=seeds, suite=record.suite)
    obs = episode.start()
    if episode.interaction_phase is None:
        raise _fail(record, "start", episode.error or "the episode did not start")
    inter = episode.interaction_phase
    replay = Replay(record, frame_rate=program.frame_rate)
    n = len(record.interaction)
    if n:
        replay.frames.append(ReplayFrame("interaction", 0, n, None, inter.tick, inter.frame))
    for i, log in enumerate(record.interaction, start=1):
        where = f"interaction action {i}"
        if obs is None or obs.phase != "interaction":
            raise _fail(record, f"{where} ({log.action!r})", "the replayed interaction phase "
                        "ended before it")
        obs = _send(record, episode, agent, obs, where, log, i, "interaction")
        shown = inter.frames or [Frame(inter.tick, None, inter.frame)]
        for j, frame in enumerate(shown):
            replay.frames.append(ReplayFrame("interaction", i, n, log.action if j == 0 else None,
                                             frame.tick, frame.grid, log.action))
    if not record.test and record.status != "ok":
        return replay
    phase = episode.test_phase
    if phase is None or obs is None:
        raise _fail(record, "test", episode.error or "the replayed episode has no test phase")
    replay.phase = phase
    n = len(record.test)
    replay.frames.append(ReplayFrame(record.family, 0, n, None, phase.tick, phase.frame))
    for i, log in enumerate(record.test, start=1):
        where = f"test action {i}"
        if obs is None or obs.phase == "interaction":
            raise _fail(record, f"{where} ({log.action!r})", "the replayed test phase is not "
                        "running here")
        obs = _send(record, episode, agent, obs, where, log, i, "test")
        for j, grid in enumerate(episode.test_grids or [phase.frame]):
            replay.frames.append(ReplayFrame(record.family, i, n, log.action if j == 0 else None,
                                             phase.tick, grid, log.action))
    if obs is not None:  # the record ends here (its agent failed): end the replay too
        episode.fail("the record ends here")
    phase.abort("horizon")
    replay.score, _ = phase.outcome()
    if record.status == "ok" and abs(replay.score - record.score) > 1e-9:
        raise _fail(record, "score", f"replayed score {replay.score:.3f}, recorded "
                    f"{record.score:.3f}")
    return replay
