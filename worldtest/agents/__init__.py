"""The built-in agents and their registry (house style 4: everything pluggable has a string id).

``AGENTS`` maps an agent id to ``"module:Class"``; the module is imported only when the agent is
made, so a registry entry costs nothing until used. To add an agent, write its class (the
protocol of :mod:`worldtest.agents.base`) and add one line here. The oracle is registered as
``oracle`` -> ``worldtest.agents.oracle:OracleAgent`` (a privileged agent, written separately).
Any ``"package.module:Class"`` string is also accepted as an id, for agents outside worldtest.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from worldtest.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.agents.base import Agent

__all__ = ["AGENTS", "known_agents", "make_agent"]

AGENTS: dict[str, str] = {
    "random": "worldtest.agents.random:RandomAgent",
    "oracle": "worldtest.agents.oracle:OracleAgent",
}
"""Agent id -> ``"module:Class"`` (imported lazily by :func:`make_agent`)."""


def known_agents() -> list[str]:
    """The registered agent ids, sorted."""
    return sorted(AGENTS)


def make_agent(agent_id: str) -> Agent:
    """Instantiate an agent by id (or by ``"module:Class"``), with no arguments.

    Raises:
        ConfigError: unknown id (the message lists the known ids), or a registered agent whose
            module or class cannot be imported (the message says which and why).
    """
    target = AGENTS.get(agent_id, agent_id if ":" in agent_id else None)
    if target is None:
        raise ConfigError(
            f"unknown agent {agent_id!r}: "
            f"expected one of {', '.join(known_agents())} (or 'module:Class')"
        )
    module_name, _, class_name = target.partition(":")
    try:
        cls = getattr(import_module(module_name), class_name)
    except (ImportError, AttributeError) as err:
        raise ConfigError(f"agent {agent_id!r}: cannot import {target!r}: {err}") from None
    return cls()
