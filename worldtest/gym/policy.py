"""Score a policy trained on the Gymnasium interaction phase through the WorldTest protocol.

A policy trained with any RL library on ``worldtest/<env>-v0`` only acts; the protocol then asks
questions about the world (protocol section 3). :func:`policy_explorer` makes an agent whose
interaction phase is the policy's (observation -> action index -> action text, with the layout of
:mod:`worldtest.gym.spaces`) and whose test phases are the explorer's
(:mod:`worldtest.agents.explorer`): its world model learns from exactly the ticks the policy's
actions produced, so the scores measure what that exploration taught.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from worldtest.agents.base import Observation
from worldtest.agents.explorer import ExplorerAgent
from worldtest.gym.spaces import ActionLayout
from worldtest.palette import to_rgb

__all__ = ["policy_explorer"]


def policy_explorer(policy: Callable[[np.ndarray], int], obs_mode: str = "index",
                    agent_id: str = "policy-explorer") -> ExplorerAgent:
    """An explorer agent whose interaction phase is played by ``policy``.

    Args:
        policy: maps an observation as the Gymnasium environment gives it (``uint8`` (H, W)
            palette indices, or (H, W, 3) RGB with ``obs_mode="rgb"``) to an action index of the
            interaction layout.
        obs_mode: ``"index"`` or ``"rgb"``, as the policy was trained.
        agent_id: the id recorded with its episodes.

    Returns:
        An :class:`~worldtest.agents.explorer.ExplorerAgent` (``explore`` set to the policy).
    """
    layouts: dict[tuple[int, int], ActionLayout] = {}

    def explore(obs: Observation) -> str:
        h, w = obs.frame.shape
        layout = layouts.setdefault((h, w), ActionLayout("interaction", w, h))
        frame = to_rgb(obs.frame) if obs_mode == "rgb" else np.array(obs.frame)
        return layout.text(int(policy(frame)))

    return ExplorerAgent(explore=explore, agent_id=agent_id)
