"""Gymnasium environments: the interaction phase of a world, and each task's test phase.

- :class:`InteractionEnv` (``worldtest/<env>-v0``): the reward-free interaction phase (protocol
  sections 1 and 2): one step is one agent action (the input tick, then ``ticks_per_action - 1``
  no-input ticks, default the program's FRAME_RATE); ``reset`` restarts the program (same seed by
  default); ``go-to-test`` terminates the episode; the budget running out truncates it. The
  reward is always 0: add an intrinsic reward with :mod:`worldtest.gym.wrappers`. Its rules are
  the protocol's own :class:`worldtest.interaction.InteractionPhase` (an action after the phase
  ended is invalid, as in an episode).
- :class:`TestPhaseEnv` (``worldtest/<env>-<family>-v0``): the test phase of the environment's
  task of that family (protocol section 3), one action = one tick. The reward is the task's score
  (in [0, 1]) on the step that ends the phase (``choose N``, reaching the goal, ``submit``,
  ``quit``), else 0; the horizon running out truncates the episode (score 0).

Observations are ``uint8`` palette-index frames of shape (H, W) (``obs_mode="index"``; values
0..39, :mod:`worldtest.palette`) or RGB images of shape (H, W, 3) (``obs_mode="rgb"``). Actions
are ``Discrete`` with the layouts of :mod:`worldtest.gym.spaces`. An action not offered now is
invalid: as in the protocol it costs one action, changes nothing and is reported in
``info["invalid"]``. ``info["action_mask"]`` (and :meth:`action_masks`) marks the valid ones.

``info`` also carries: ``action`` (the text), ``tick``; interaction: ``frames`` (every tick's
frame, ``uint8`` (k, H, W)), ``remaining`` (budget left); test phases: ``goal``, ``goal_mask``
(planning), ``options`` (MFP, ``uint8`` (6, h, w) once the last frame is reached),
``frame_index``, ``n_frames``, and at the end ``outcome`` (the phase's outcome dict).

Seeds: ``reset(seed=s)`` seeds ``self.np_random``; the program seed is ``options["program_seed"]``,
else the constructor's ``program_seed``, else drawn from ``self.np_random`` in ``1 .. 2**31 - 1``.
Every test phase starts from the task's seed and hidden start (docs/protocol.md section 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from worldtest.env import Suite
from worldtest.errors import ActionError
from worldtest.gym.spaces import ActionLayout
from worldtest.interaction import InteractionPhase, fresh_seed
from worldtest.palette import COLOURS, letter_grid, to_rgb
from worldtest.settings import Settings, episode_settings
from worldtest.tasks import start_phase

__all__ = ["InteractionEnv", "TestPhaseEnv"]


class _Base(gym.Env):
    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["rgb_array", "ansi"], "render_fps": 8}

    def __init__(self, env: str, suite: str | Path | None, obs_mode: str,
                 render_mode: str | None, program_seed: int | None, cell_px: int) -> None:
        if obs_mode not in ("index", "rgb"):
            raise ValueError(f"obs_mode must be 'index' or 'rgb', got {obs_mode!r}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self.suite = Suite(suite)
        self.env_id = env
        self.spec_ = self.suite.spec(env)
        self.program = self.suite.program(env)
        self.obs_mode = obs_mode
        self.render_mode = render_mode
        self.program_seed = program_seed
        self.cell_px = cell_px
        h = w = self.spec_.grid_size
        if obs_mode == "index":
            self.observation_space = spaces.Box(0, len(COLOURS) - 1, (h, w), dtype=np.uint8)
        else:
            self.observation_space = spaces.Box(0, 255, (h, w, 3), dtype=np.uint8)
        self._frame = np.zeros((h, w), dtype=np.uint8)

    def _seed_for(self, options: dict[str, Any] | None) -> int:
        if options and options.get("program_seed") is not None:
            return int(options["program_seed"])
        if self.program_seed is not None:
            return int(self.program_seed)
        return fresh_seed(self.np_random)

    def _obs(self, frame: np.ndarray) -> np.ndarray:
        self._frame = np.array(frame, dtype=np.uint8)
        return to_rgb(self._frame) if self.obs_mode == "rgb" else self._frame.copy()

    def action_masks(self) -> np.ndarray:
        """1 for every action offered now, ``int8`` (n,) (the MaskablePPO convention)."""
        return self._mask.copy()

    def render(self) -> np.ndarray | str | None:
        """``rgb_array``: ``uint8`` (H * cell_px, W * cell_px, 3); ``ansi``: a letter grid."""
        if self.render_mode == "rgb_array":
            return np.kron(to_rgb(self._frame), np.ones((self.cell_px, self.cell_px, 1),
                                                        dtype=np.uint8))
        if self.render_mode == "ansi":
            return letter_grid(self._frame)[0]
        return None


class InteractionEnv(_Base):
    """The interaction phase of one world (see the module docstring).

    Args:
        env: the environment id (``"ice"``).
        suite: the suite folder (default :func:`worldtest.env.default_suite_root`).
        obs_mode: ``"index"`` or ``"rgb"``.
        budget: actions per episode (protocol default 200); running out truncates.
        ticks_per_action: None for the program's FRAME_RATE (the protocol default).
        reset_seed: ``"same"`` (the reset action restarts with the episode's program seed) or
            ``"fresh"`` (a new one from ``np_random``).
        program_seed: fix the program seed of every episode (None: drawn per episode).
        render_mode: None, ``"rgb_array"`` or ``"ansi"``; cell_px: pixels per cell.
    """

    def __init__(self, env: str = "ice", suite: str | Path | None = None, obs_mode: str = "index",
                 budget: int = 200, ticks_per_action: int | None = None,
                 reset_seed: str = "same", program_seed: int | None = None,
                 render_mode: str | None = None, cell_px: int = 8) -> None:
        super().__init__(env, suite, obs_mode, render_mode, program_seed, cell_px)
        self.budget = budget
        # The protocol's interaction phase (worldtest.interaction): its rules are the Episode's.
        self.settings = episode_settings(
            Settings(budget=budget, ticks_per_action=ticks_per_action, reset_seed=reset_seed),
            self.program,
        )
        self.ticks_per_action = self.settings.ticks_per_action
        self.reset_seed = reset_seed
        self.layout = ActionLayout("interaction", self.spec_.grid_size)
        self.action_space = spaces.Discrete(self.layout.n)
        self._mask = np.ones(self.layout.n, dtype=np.int8)

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        self.seed_ = self._seed_for(options)
        self.phase = InteractionPhase(self.program, self.seed_, self.settings, rng=self.np_random)
        self.world = self.phase.env
        frame = self.phase.frame
        return self._obs(frame), self._info("reset", frame[None], None)

    @property
    def used(self) -> int:
        """Actions taken in this episode (the budget's count)."""
        return self.phase.n_actions

    def _info(self, action: str, frames: np.ndarray, invalid: str | None) -> dict[str, Any]:
        info = {"action": action, "tick": self.phase.tick, "frames": np.array(frames),
                "remaining": self.phase.remaining, "action_mask": self._mask.copy(),
                "program_seed": self.seed_}
        if invalid:
            info["invalid"] = invalid
        return info

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        text = self.layout.text(action)
        invalid = None
        try:
            shown = self.phase.apply(text)
        except ActionError as err:
            shown, invalid = [], str(err)
        frames = np.stack([f.grid for f in shown]) if shown else self.phase.frame[None]
        # this step's action was go-to-test (last_action is the action just applied when valid)
        terminated = invalid is None and self.phase.last_action.kind == "go-to-test"
        truncated = not terminated and self.phase.n_actions >= self.settings.budget
        obs = self._obs(self.phase.frame)
        return obs, 0.0, terminated, truncated, self._info(text, frames, invalid)


class TestPhaseEnv(_Base):
    """The test phase of one task (see the module docstring).

    Args:
        env: the environment id; family: ``"mfp"``, ``"planning"`` or ``"cd"``.
        suite, obs_mode, program_seed, render_mode, cell_px: as :class:`InteractionEnv`
            (``program_seed`` is used by CD only).
        horizon: test actions per episode (protocol default 300); running out truncates.
    """

    __test__ = False

    def __init__(self, env: str = "ice", family: str = "planning",
                 suite: str | Path | None = None, obs_mode: str = "index", horizon: int = 300,
                 program_seed: int | None = None, render_mode: str | None = None,
                 cell_px: int = 8) -> None:
        super().__init__(env, suite, obs_mode, render_mode, program_seed, cell_px)
        self.family = family
        self.task = self.suite.task(env, family)
        self.horizon = horizon
        self.settings = episode_settings(Settings(horizon=horizon), self.program)
        self.layout = ActionLayout(family, self.spec_.grid_size, horizon=horizon)
        self.action_space = spaces.Discrete(self.layout.n)
        self._mask = np.zeros(self.layout.n, dtype=np.int8)

    def reset(self, *, seed: int | None = None,
              options: dict[str, Any] | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        self.phase = start_phase(self.task, self.program, self.settings)
        return self._obs(self.phase.frame), self._info(None, None)

    def _info(self, action: str | None, invalid: str | None) -> dict[str, Any]:
        view = self.phase.observation()
        self._mask = self.layout.mask(view.offered, view.n_frames)
        info: dict[str, Any] = {"action": action, "tick": self.phase.tick,
                                "action_mask": self._mask.copy(), "frame_index": view.frame_index,
                                "n_frames": view.n_frames}
        if view.goal is not None:
            info["goal"], info["goal_mask"] = np.array(view.goal), np.array(view.goal_mask)
        if view.options is not None:
            info["options"] = np.stack(view.options)
        if invalid:
            info["invalid"] = invalid
        return info

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        text = self.layout.text(action)
        invalid = None
        try:
            self.phase.apply(text)
        except ActionError as err:
            invalid = str(err)
        truncated = not self.phase.done and self.phase.n_actions >= self.horizon
        if truncated:
            self.phase.abort("horizon")
        terminated = self.phase.done and not truncated
        reward, info = 0.0, self._info(text, invalid)
        if self.phase.done:
            score, outcome = self.phase.outcome()
            reward, info["outcome"] = float(score), outcome
        return self._obs(self.phase.frame), reward, terminated, truncated, info
