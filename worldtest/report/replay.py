"""An episode's frames for the report: one frame per action, checked against the record.

A thin view over :func:`worldtest.replay.reconstruct`, which replays the recorded actions through
the program with the recorded seeds and settings, exactly as :func:`worldtest.protocol.run_episode`
ran them, and checks every action's tick, ticks run and frame digest, and the final score. The
report draws thumbnails and GIFs from the frame shown after each action, so this keeps the last
frame of each action (the interaction phase shows ``ticks_per_action`` frames per action).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from worldtest.errors import WorldtestError
from worldtest.replay import ReplayError, reconstruct
from worldtest.results import EpisodeRecord

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.suite import Suite
    from worldtest.tasks.phase import TestPhase

__all__ = ["Replay", "ReplayError", "replay"]


@dataclass
class Replay:
    """The frames of one episode, one per action, re-created and checked.

    Attributes:
        record: the episode record.
        interaction: frame 0, then the frame after each interaction action (the last of its
            ticks); ``uint8`` (H, W) each. ``interaction_labels``: what each frame shows.
        test: the test phase's first frame, then the frame shown after each test action.
            ``test_labels``: what each frame shows.
        phase: the finished test phase (``task``, ``seen`` frames of CD ...), or None when the
            record has no test phase (a failed episode).
        score: the score recomputed by the test phase (None without one).
    """

    record: EpisodeRecord
    interaction: list[np.ndarray]
    interaction_labels: list[str]
    test: list[np.ndarray]
    test_labels: list[str]
    phase: TestPhase | None
    score: float | None


def replay(record: EpisodeRecord, suite: Suite) -> Replay:
    """Re-create the frames of an episode, one per action, and check them against its record.

    Raises:
        ReplayError: the environment or task cannot be loaded, the task's version differs from
            the record's, or a replayed frame (digest, tick), an invalid action's refusal or the
            score differs from the record; the message names the episode key and the action.
    """
    try:
        full = reconstruct(record, suite)
    except ReplayError:
        raise
    except WorldtestError as err:  # the program or the task fails while replaying
        raise ReplayError(f"cannot replay {record.key} ({record.agent}): {type(err).__name__}: "
                          f"{err}") from None
    last: dict[tuple[str, int], np.ndarray] = {}
    for frame in full.frames:
        last[(frame.phase, frame.step)] = frame.grid
    budget = record.settings.get("budget", len(record.interaction))
    interaction, inter_labels = [], []
    if ("interaction", 0) in last:
        interaction.append(last[("interaction", 0)])
        inter_labels.append("interaction: frame 0")
        for i, log in enumerate(record.interaction, start=1):
            interaction.append(last[("interaction", i)])
            mark = "" if log.valid else " (invalid)"
            inter_labels.append(f"interaction {i}/{budget}: {log.action}{mark}")
    test, test_labels = [], []
    if full.phase is not None:
        test.append(last[(record.family, 0)])
        test_labels.append(f"{record.family} test: start")
        for i, log in enumerate(record.test, start=1):
            test.append(last[(record.family, i)])
            mark = "" if log.valid else " (invalid)"
            test_labels.append(f"{record.family} test {i}/{len(record.test)}: {log.action}{mark}")
    return Replay(record, interaction, inter_labels, test, test_labels, full.phase, full.score)
