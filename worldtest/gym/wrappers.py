"""Intrinsic rewards for the reward-free interaction phase (options, never the default).

Both wrappers add a bonus to the environment's reward (0 in the interaction phase) and report it
in ``info["intrinsic_reward"]``:

- :class:`CountNovelty`: ``scale / sqrt(N(frame))``, N counting how often this exact observed frame
  has been seen by the wrapper (over all its episodes): the count-based exploration bonus of
  Strehl & Littman (2008, MBIE-EB) and Bellemare et al. (2016), with exact counts of frames.
- :class:`PredictionError`: ``scale *`` the share of cells (averaged over the step's ticks) that
  the explorer's local-rule world model (:mod:`worldtest.agents.explorer.model`), learning online
  from every tick, predicted wrongly *before* learning them: curiosity as prediction error
  (Pathak et al. 2017), with a count-based model instead of a network. It needs an
  :class:`~worldtest.gym.envs.InteractionEnv` underneath (it reads ``info["frames"]`` and
  ``info["action"]``).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

import gymnasium as gym
import numpy as np

from worldtest.agents.explorer.features import event_of
from worldtest.agents.explorer.model import History, LocalRuleModel

__all__ = ["CountNovelty", "PredictionError"]


class CountNovelty(gym.Wrapper):
    """Adds ``scale / sqrt(N(frame))`` (see the module docstring).

    Args:
        env: any worldtest Gymnasium environment.
        scale: the bonus of a frame seen for the first time.
    """

    def __init__(self, env: gym.Env, scale: float = 1.0) -> None:
        super().__init__(env)
        self.scale = scale
        self.counts: Counter = Counter()

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        key = hashlib.sha1(np.ascontiguousarray(obs).tobytes()).digest()
        self.counts[key] += 1
        bonus = self.scale / np.sqrt(self.counts[key])
        info["intrinsic_reward"] = float(bonus)
        return obs, float(reward + bonus), terminated, truncated, info


class PredictionError(gym.Wrapper):
    """Adds ``scale *`` the world model's share of mispredicted cells (see the module docstring).

    Args:
        env: an :class:`~worldtest.gym.envs.InteractionEnv` (possibly wrapped).
        scale: the bonus when every cell was mispredicted.
        model: the model to train (a fresh :class:`LocalRuleModel` by default); it persists
            across episodes, so the bonus fades as the world becomes predictable.
    """

    def __init__(self, env: gym.Env, scale: float = 1.0,
                 model: LocalRuleModel | None = None) -> None:
        super().__init__(env)
        self.scale = scale
        self.model = model if model is not None else LocalRuleModel()
        self.history: History | None = None

    def reset(self, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        obs, info = self.env.reset(**kwargs)
        self.history = History.start(info["frames"][-1])
        return obs, info

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        text, frames = info["action"], info["frames"]
        errors = []
        if text == "reset" or self.history is None:
            self.history = History.start(frames[-1])
        elif text != "go-to-test" and "invalid" not in info:
            for i, frame in enumerate(frames):
                event = event_of(text) if i == 0 else None
                pred = self.model.predict([self.history], [event]).frame[0]
                errors.append(float(np.mean(pred != frame)))
                self.model.observe(self.history, event, frame)
                self.history = self.model.advance(self.history, event, frame)
        bonus = self.scale * (float(np.mean(errors)) if errors else 0.0)
        info["intrinsic_reward"] = bonus
        return obs, float(reward + bonus), terminated, truncated, info
