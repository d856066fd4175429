"""Gymnasium environments for every world and every task's test phase (``pip install
'worldtest[gym]'``). Importing this module registers them in the ``worldtest`` namespace:

- ``worldtest/<env>-v0``: the reward-free interaction phase of ``<env>``
  (:class:`~worldtest.gym.envs.InteractionEnv`);
- ``worldtest/<env>-<family>-v0`` for ``family`` in ``mfp``, ``planning``, ``cd``: the test
  phase of that task, rewarded with the task's score (:class:`~worldtest.gym.envs.TestPhaseEnv`).

For example::

    import gymnasium as gym
    import worldtest.gym  # registers the ids

    env = gym.make("worldtest/ice-v0")                       # obs: uint8 (16, 16) palette indices
    env = worldtest.gym.CountNovelty(env)                    # an intrinsic reward, if wanted
    test = gym.make("worldtest/ice-planning-v0", obs_mode="rgb")

The action layouts are in :mod:`worldtest.gym.spaces`, the intrinsic rewards in
:mod:`worldtest.gym.wrappers`, and :func:`policy_explorer` turns a trained policy into an agent
that the protocol can score (:mod:`worldtest.gym.policy`). The ``-v0`` suffix is the version of
this interface (house style 4): it is bumped when observations, actions or rewards change.
The environments of the default suite (:func:`worldtest.env.default_suite_root`) are registered
at import; :func:`register_all` registers another suite's.
"""

from __future__ import annotations

try:
    import gymnasium
except ImportError as err:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "worldtest.gym needs gymnasium: pip install 'worldtest[gym]'"
    ) from err

from pathlib import Path

from worldtest.env import FAMILIES, Suite
from worldtest.gym.envs import InteractionEnv, TestPhaseEnv
from worldtest.gym.policy import policy_explorer
from worldtest.gym.spaces import ActionLayout
from worldtest.gym.wrappers import CountNovelty, PredictionError

__all__ = [
    "VERSION",
    "ActionLayout",
    "CountNovelty",
    "InteractionEnv",
    "PredictionError",
    "TestPhaseEnv",
    "env_ids",
    "policy_explorer",
    "register_all",
]

VERSION = 0
"""The version in every id (``-v0``)."""


def register_all(suite: str | Path | None = None) -> list[str]:
    """Register the interaction phase of every environment of ``suite`` and the test phase of
    every task it has (ids as in the module docstring); already registered ids are replaced.

    Args:
        suite: the suite folder (default :func:`worldtest.env.default_suite_root`).

    Returns:
        The registered ids, in suite order.
    """
    s = Suite(suite)
    root = str(s.root)
    ids = []
    for name in s.envs:
        env_id = f"worldtest/{name}-v{VERSION}"
        gymnasium.register(env_id, entry_point="worldtest.gym.envs:InteractionEnv",
                           kwargs={"env": name, "suite": root}, disable_env_checker=False)
        ids.append(env_id)
        for family in FAMILIES:
            if s.task_path(name, family).exists():
                env_id = f"worldtest/{name}-{family}-v{VERSION}"
                gymnasium.register(env_id, entry_point="worldtest.gym.envs:TestPhaseEnv",
                                   kwargs={"env": name, "family": family, "suite": root})
                ids.append(env_id)
    return ids


def env_ids() -> list[str]:
    """Every registered id in the ``worldtest`` namespace, sorted."""
    return sorted(k for k in gymnasium.registry if k.startswith("worldtest/"))


register_all()
