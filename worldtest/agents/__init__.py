"""The built-in agents and their registry (house style 4: everything pluggable has a string id).

``AGENTS`` maps an agent id to ``"module:Class"``; the module is imported only when the agent is
made, so a registry entry costs nothing until used. To add an agent, write its class (the
protocol of :mod:`worldtest.agents.base`) and add one line here. The oracle is registered as
``oracle`` -> ``worldtest.agents.oracle:OracleAgent`` (a privileged agent, written separately).
Any ``"package.module:Class"`` string is also accepted as an id, for agents outside worldtest.
The model-free adversaries of the task validator's battery answer to ``adversary/...`` ids
(:mod:`worldtest.agents.adversaries`) without being listed.

Model agents are not classes of the registry but configurations: ``llm`` with its options
(``--provider --model --base-url --api-key-env``), a preset file ``agents/NAME.toml``, or a
preset's short id ``NAME`` (:mod:`worldtest.agents.llm`).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from worldtest.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.agents.base import Agent

__all__ = ["AGENTS", "known_agents", "make_agent"]

AGENTS: dict[str, str] = {
    "random": "worldtest.agents.random:RandomAgent",
    "oracle": "worldtest.agents.oracle:OracleAgent",
    "explorer": "worldtest.agents.explorer:ExplorerAgent",
    "simulator": "worldtest.agents.simulator:SimulatorAgent",
}
"""Agent id -> ``"module:Class"`` (imported lazily by :func:`make_agent`)."""


def known_agents() -> list[str]:
    """The registered agent ids, sorted."""
    return sorted(AGENTS)


def make_agent(agent_id: str, **llm_options: Any) -> Agent:
    """Instantiate an agent by id: a registered id, a model agent, or ``"module:Class"``.

    Args:
        agent_id: ``random``, ``oracle``, ``llm``, a preset (``agents/NAME.toml`` or ``NAME``),
            or ``"package.module:Class"`` (instantiated with no arguments).
        llm_options: for model agents only (``provider``, ``model``, ``base_url``,
            ``api_key_env``, ``cache_dir``, ``cache``, ``concurrency``; see
            :func:`worldtest.agents.llm.make_llm_agent`); ignored for the others.

    Raises:
        ConfigError: unknown id (the message lists the known ids and presets), a registered
            agent whose module or class cannot be imported (the message says which and why),
            or a bad model-agent configuration.
    """
    target = AGENTS.get(agent_id)
    if target is None and agent_id.startswith("adversary/"):
        from worldtest.agents.adversaries import make_adversary  # issue 15's battery, not listed

        return make_adversary(agent_id)
    if target is None:
        from worldtest.agents.llm import make_llm_agent

        agent = make_llm_agent(agent_id, **llm_options)
        if agent is not None:
            return agent
        target = agent_id if ":" in agent_id else None
    if target is None:
        from worldtest.agents.llm.preset import known_presets

        presets = ", ".join(known_presets()) or "none found"
        raise ConfigError(
            f"unknown agent {agent_id!r}: "
            f"expected one of {', '.join(known_agents())}, llm (with --provider and --model), "
            f"a preset in agents/ ({presets}), an agents/NAME.toml file, or 'module:Class'"
        )
    module_name, _, class_name = target.partition(":")
    try:
        cls = getattr(import_module(module_name), class_name)
    except (ImportError, AttributeError) as err:
        raise ConfigError(f"agent {agent_id!r}: cannot import {target!r}: {err}") from None
    return cls()
