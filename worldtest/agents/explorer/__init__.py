"""The explorer: a built-in agent that learns a world model from its own reward-free experiments.

See :mod:`worldtest.agents.explorer.agent` for the agent and the submodules for its parts: the
context features (:mod:`.features`) and local-rule model (:mod:`.model`), the experiments of the
interaction phase (:mod:`.experiments`), and the three test families (:mod:`.mfp`,
:mod:`.planner`, :mod:`.detect`).
"""

from worldtest.agents.explorer.agent import ExplorerAgent

__all__ = ["ExplorerAgent"]
