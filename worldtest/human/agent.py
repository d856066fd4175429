"""The human agent: an :class:`~worldtest.agents.base.Agent` whose ``act`` waits for a person.

:func:`worldtest.protocol.run_episode` drives it exactly as it drives any agent: ``reset``
once, then ``act(obs)`` once per action of both phases. ``act`` shows the observation in the
play window (:class:`~worldtest.human.window.Window`) and returns when the player has chosen an
action, pumping the window's events all the while; before the first action of each phase it
shows that phase's instruction card. The harness measures the time each ``act`` takes and
records it as the action's ``t_wall`` (seconds), so a human record carries every action with
its wall-clock time, like any other (a phase's first action includes the time spent reading its
card; in real-time play an action's time includes watching the previous action's frames).

The agent id is ``human:NAME``. ``usage()`` (recorded in the episode record's ``usage``) says how
the person played: ``{"interface": "pygame", "mode": "real-time" | "turn-based",
"idle_interaction_actions": [...], "idle_test_actions": [...]}``, the 0-based indices, in
each phase's action list, of the ``noop`` actions sent because the player did nothing for one
tick interval while time was running (see :mod:`worldtest.human.live`). If the window is closed
mid-episode, ``act`` raises :class:`~worldtest.human.window.WindowClosed`; the protocol then
ends the episode as failed and :func:`worldtest.human.play.play` does not save it.
"""

from __future__ import annotations

import re
from typing import Any

from worldtest.agents.base import EpisodeStart, Observation
from worldtest.env import Frame
from worldtest.errors import ConfigError
from worldtest.human.cards import CardScreen, instructions
from worldtest.human.cd_screen import CdChooseScreen
from worldtest.human.live import LiveScreen
from worldtest.human.mfp_screen import MfpScreen
from worldtest.human.window import Window

__all__ = ["HumanAgent", "check_name"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def check_name(name: str) -> str:
    """Return ``name`` if it is a valid player name (letters, digits, ``_ . -``; up to 40).

    Raises:
        ConfigError: it is not.
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(
            f"invalid player name {name!r}: expected 1-40 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )
    return name


class HumanAgent:
    """A person playing in the window (see the module docstring).

    Args:
        window: the play window.
        name: the player's name; the agent id is ``human:NAME``.
        real_time: time runs by itself in the interaction phase (the web platform's way);
            False: turn-based, nothing happens until the player acts.
        tick_seconds: seconds per shown tick; None: ``1 / FRAME_RATE`` of the program.

    Raises:
        ConfigError: an invalid name.
    """

    version = "1"
    privileged = False

    def __init__(
        self,
        window: Window,
        name: str,
        *,
        real_time: bool = True,
        tick_seconds: float | None = None,
    ) -> None:
        self.name = check_name(name)
        self.id = f"human:{name}"
        self.window = window
        self.real_time = real_time
        self.tick_seconds = tick_seconds
        self.start: EpisodeStart | None = None
        self.reset_state()

    def reset_state(self) -> None:
        """Forget the current episode's screens, frames and counts."""
        self.phase: str | None = None
        self.screen: Any = None
        self.cd_history: list[Frame] = []
        self.went_to_test = False
        self.idle: dict[str, list[int]] = {"interaction": [], "test": []}
        self.counts: dict[str, int] = {"interaction": 0, "test": 0}

    def reset(self, start: EpisodeStart) -> None:
        """Start an episode: remember its settings; the first ``act`` shows the first card."""
        self.start = start
        self.reset_state()

    @property
    def dt(self) -> float:
        """Seconds per shown tick."""
        if self.tick_seconds is not None:
            return self.tick_seconds
        return 1.0 / (self.start.frame_rate if self.start else 8)

    def _enter(self, obs: Observation) -> None:
        """A new phase: show its instruction card, then make its screen."""
        start = self.start
        if start is None:
            raise RuntimeError("act() before reset()")
        self.phase = obs.phase
        title, paragraphs = instructions(
            obs.phase,
            env=start.env,
            budget=start.settings.budget,
            horizon=start.settings.horizon,
            frame_rate=start.frame_rate,
            ticks_per_action=start.settings.ticks_per_action or start.frame_rate,
            real_time=self.real_time,
        )
        if obs.phase != "interaction" and self.counts["interaction"] and not self.went_to_test:
            paragraphs = [
                f"Your {start.settings.budget} exploration actions are used up.",
                *paragraphs,
            ]
        self.window.run(CardScreen(f"card-{obs.phase}", title, paragraphs))
        if obs.phase == "mfp":
            self.screen = MfpScreen(start.env, self.dt)
        else:
            running = self.real_time and obs.phase == "interaction"
            self.screen = LiveScreen(obs.phase, start.env, self.dt, running)

    def _remember(self, obs: Observation) -> None:
        """CD acting stage: keep every frame shown, in the protocol's numbering."""
        if "choose-frame K" in obs.offered:
            if not isinstance(self.screen, CdChooseScreen):
                self.screen = CdChooseScreen(self.start.env if self.start else "", self.cd_history)
            return
        self.cd_history.extend(obs.frames)
        if obs.n_frames is not None and len(self.cd_history) != obs.n_frames:
            raise RuntimeError(
                f"CD frame numbering out of step: kept {len(self.cd_history)} frames, "
                f"the observation says {obs.n_frames}"
            )

    def act(self, obs: Observation) -> str:
        """Show ``obs`` and return the action the player chooses (blocks on the window).

        Raises:
            WindowClosed: the player closed the window.
        """
        if obs.phase != self.phase:
            self._enter(obs)
        if obs.phase == "cd":
            self._remember(obs)
        self.screen.begin(obs, self.window.now())
        text, idle = self.window.run(self.screen)
        which = "interaction" if obs.phase == "interaction" else "test"
        if idle:
            self.idle[which].append(self.counts[which])
        self.counts[which] += 1
        if text == "go-to-test":
            self.went_to_test = True
        return text

    def usage(self) -> dict[str, Any]:
        """How the person played (recorded as the record's ``usage``; module docstring)."""
        return {
            "interface": "pygame",
            "mode": "real-time" if self.real_time else "turn-based",
            "idle_interaction_actions": list(self.idle["interaction"]),
            "idle_test_actions": list(self.idle["test"]),
        }
