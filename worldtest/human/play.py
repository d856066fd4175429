"""``worldtest play``: a person takes the benchmark's episodes of one environment in a window.

Each chosen task is one full episode, run by the real protocol
(:func:`worldtest.protocol.run_episode`) with a :class:`~worldtest.human.agent.HumanAgent`,
the default protocol settings (the same as ``worldtest run``: budget 200 actions, horizon 300,
FRAME_RATE ticks per action, resets with the same seed) and the runner's episode generator
(:func:`worldtest.runner.episode_rng`). So a human record has the same format, settings and key
scheme as an agent's, and ``worldtest report`` ranks ``human:NAME`` beside the models.

Every finished episode is appended to ``<results>/episodes.jsonl`` at once, then a result card
shows the score. An episode the player already finished (same name, task, seed and settings)
is skipped, as ``worldtest run`` resumes: a second try would measure a player who has seen the
task. Closing the window mid-episode appends nothing for that episode.
"""

from __future__ import annotations

import getpass
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from worldtest.env import FAMILIES
from worldtest.errors import ConfigError
from worldtest.human.agent import HumanAgent, check_name
from worldtest.human.cards import Panel, ResultScreen
from worldtest.replay import ReplayError, reconstruct
from worldtest.human.window import Window, WindowClosed
from worldtest.protocol import run_episode
from worldtest.report.media import cd_first_change
from worldtest.results import EpisodeRecord, ResultsStore
from worldtest.runner import RunConfig, episode_rng, plan
from worldtest.suite import Suite

__all__ = ["default_name", "family_order", "play", "result_screen"]


@dataclass(frozen=True)
class _Player:
    """The player's id and version, all :func:`worldtest.runner.plan` reads of an agent."""

    id: str
    version: str


def default_name() -> str:
    """The login name if it is a valid player name, else ``"player"``."""
    try:
        return check_name(getpass.getuser())
    except (ConfigError, KeyError, OSError):
        return "player"


def play(
    env: str,
    *,
    families: Sequence[str] | None = None,
    name: str | None = None,
    real_time: bool = True,
    seed: int = 42,
    results_dir: str | os.PathLike[str] = "results",
    suite: Suite | str | os.PathLike[str] | None = None,
    window: Window | None = None,
    tick_seconds: float | None = None,
    echo: Callable[[str], None] = print,
) -> list[EpisodeRecord]:
    """Let a person play the tasks of ``env``, one episode each; save each finished one.

    Args:
        env: the environment id (``"lamp"``).
        families: the task families to play, in this order (default: all three, in the order
            :func:`family_order` draws for this seed, player and environment).
        name: the player's name (default: :func:`default_name`); the agent id is ``human:NAME``.
        real_time: time runs at FRAME_RATE in the interaction phase; False: turn-based.
        seed: the episode seed (default 42, as ``worldtest run``).
        results_dir: where ``episodes.jsonl`` is appended.
        suite: the benchmark folder (default: the default suite).
        window: the window to play in (default: a new one, closed at the end).
        tick_seconds: seconds per shown tick (default ``1 / FRAME_RATE``; tests use 0).
        echo: prints one line of progress.

    Returns:
        The records appended, in order.

    Raises:
        ConfigError: an unknown environment or family, an invalid name, a missing task file
            (:func:`worldtest.runner.plan`), or no window.
        ResultsError: another run or player holds ``results_dir``'s lock (the whole session
            holds it, as a run does, so no episode is recorded twice), or a damaged results
            file.
        TaskFileError: a task file is malformed or has a defect ``tasks validate`` reports.
    """
    suite = suite if isinstance(suite, Suite) else Suite(suite)
    spec = suite.spec(env)
    program = suite.program(env)
    name = check_name(name or default_name())
    agent_id, version = f"human:{name}", HumanAgent.version
    # The runner's own planning: the same families check, settings, keys and task checks.
    order = list(families) if families else family_order(seed, agent_id, env)
    config = RunConfig(agents=[agent_id], envs=[env], families=order, seed=seed)
    jobs = plan(config, suite, {agent_id: _Player(agent_id, version)})
    store = ResultsStore.for_dir(results_dir)
    done = store.keys()
    todo = []
    for job in jobs:
        if job.key in done:
            echo(f"{agent_id} already played {job.task.id} with seed {seed} "
                 f"(in {store.path}); skipped")
        else:
            todo.append(job)
    if not todo:
        return []
    own = window is None
    window = window or Window(title=f"worldtest: {env}")  # no display: fails before any write
    agent = HumanAgent(window, name, real_time=real_time, tick_seconds=tick_seconds)
    saved: list[EpisodeRecord] = []
    try:
        # One writer per results folder, as worldtest run: the lock is held from the second
        # look at what is recorded to the last append, so no episode is recorded twice.
        with store.lock(wait=False):
            done = store.keys()
            todo = [job for job in todo if job.key not in done]
            for i, job in enumerate(todo):
                task = job.task
                rng = episode_rng(job.seed, agent.id, task.id)
                record = run_episode(agent, spec, program, task, job.settings, job.seed,
                                     rng=rng, suite=suite.id)
                if window.closed:
                    echo(f"window closed: {task.id} was not finished, nothing saved for it")
                    break
                store.append(record)
                saved.append(record)
                echo(f"saved {agent.id} on {task.id}: score {record.score:.3f} ({store.path})")
                # The next episode's test is not named before it starts (protocol section 1).
                button = (f"Next episode ({i + 2} of {len(todo)})" if i + 1 < len(todo)
                          else "Close")
                window.run(result_screen(record, suite, store.path, button))
    except WindowClosed:
        pass  # closed on a result card: everything finished is saved
    finally:
        if own:
            window.close()
    return saved


def family_order(seed: int, agent_id: str, env: str) -> list[str]:
    """The order in which a player meets ``env``'s three task families when none are chosen:
    a permutation drawn from (``seed``, ``agent_id``, ``env``) with a keyed BLAKE2b digest.

    A fixed order would tell a player which test comes next before exploring (the protocol
    keeps the test unknown during the interaction phase; ``docs/protocol.md`` section 3). Across
    players the order varies, so a study's first episodes cover every family. (A player who
    plays all three meets the last test knowing which it is, and knowing the world from the
    earlier episodes: for a clean measurement, give each participant one family per
    environment with ``--family``.)

    Returns:
        The three family ids, e.g. ``["cd", "mfp", "planning"]``.
    """
    digest = hashlib.blake2b(f"{seed}/{agent_id}/{env}".encode(), digest_size=8,
                             key=b"worldtest-play-order").digest()
    rng = np.random.default_rng(int.from_bytes(digest, "big"))
    return [FAMILIES[int(i)] for i in rng.permutation(len(FAMILIES))]


def result_screen(record: EpisodeRecord, suite: Suite, path: Path, button: str) -> ResultScreen:
    """The card after an episode: verdict, score, the grids that explain it (see ``cards``)."""
    outcome, score = record.outcome, record.score
    saved = f"Score {score:.2f}. Saved as {record.agent} in {path}."
    if record.status != "ok":
        return ResultScreen(
            "end-failed", "The episode failed", False, [record.error or "", saved], [], button
        )
    try:
        phase = reconstruct(record, suite).phase
    except ReplayError as err:  # a bug, not the player's: say so, keep the saved record
        return ResultScreen(
            "end", "Saved", False, [saved, f"replay check failed: {err}"], [], button
        )
    if record.family == "planning":
        mask = phase.task.mask
        panels = [
            Panel("Your world at the end", phase.frame, mask),
            Panel("The goal", phase.task.goal, mask),
        ]
        if outcome.get("success"):
            used, best = outcome["actions_used"], outcome["optimal_actions"]
            lines = [
                f"You reached the goal in {used} actions (the shortest plan takes {best}).",
                saved,
            ]
            return ResultScreen("success", "Goal reached!", True, lines, panels, button)
        why = "You gave up." if outcome.get("ended") == "quit" else "The test actions ran out."
        return ResultScreen("end-planning", "Goal not reached", False, [why, saved], panels, button)
    if record.family == "mfp":
        options, choice, answer = phase.task.options, outcome.get("choice"), outcome["answer"]
        panels = [Panel(f"The hidden patch: option {answer + 1}", options[answer])]
        if choice is None:
            lines = ["No option was chosen: the test actions ran out.", saved]
        else:
            lines = [
                f"You chose option {choice + 1}; the hidden patch was option {answer + 1}.",
                saved,
            ]
            if choice != answer:
                panels.insert(0, Panel(f"Your choice: option {choice + 1}", options[choice]))
        title = "Right!" if outcome.get("correct") else "Not this time"
        return ResultScreen("end-mfp", title, bool(outcome.get("correct")), lines, panels, button)
    seen, trigger, chosen = phase.seen, outcome.get("trigger_time"), outcome.get("chosen_frame")
    change = cd_first_change(seen, suite.program(record.env), phase.env.seed,
                             phase.env.prefix)

    def panel(k: int, caption: str) -> Panel:
        """Frame k; the first frame the change shows in gets its changed cells outlined."""
        if change is not None and change[0] == k:
            return Panel(caption + ", changed cells outlined", seen[k].grid,
                         change[1].astype(np.uint8))
        return Panel(caption, seen[k].grid)

    panels = []
    if chosen is not None:
        panels.append(panel(chosen, f"Your pick: frame {chosen}"))
    if trigger is None:
        lines = ["The change never showed while you played, so no pick could score."]
    else:
        lines = [
            (
                f"The changed rule first acted at frame {trigger - 1} or {trigger}: picking "
                "either scores in full; later picks score less, earlier ones 0."
            )
        ]
        for k in (trigger - 1, trigger):
            if 0 <= k < len(seen) and k != chosen:
                panels.append(panel(k, f"Frame {k} (full score)"))
    if outcome.get("ended") != "submit":
        lines.insert(
            0, "You gave up." if outcome.get("ended") == "quit" else "The test actions ran out."
        )
    return ResultScreen(
        "end-cd", f"Score {score:.2f}", score >= 0.5, [*lines, saved], panels, button
    )
