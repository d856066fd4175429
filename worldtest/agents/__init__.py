"""The built-in agents and their registry (house style 4: everything pluggable has a string id).

``AGENTS`` maps an agent id to ``"module:Class"``; the module is imported only when the agent is
made, so a registry entry costs nothing until used. The oracle is registered as
``oracle`` -> ``worldtest.agents.oracle:OracleAgent`` (a privileged agent, written separately).
Agents of other packages need no line here: they declare an entry point of the group
``worldtest.agents`` (:mod:`worldtest.agents.plugins`), a preset names their class and options
(:mod:`worldtest.agents.presets`), and any ``"package.module:Class"`` string is an id too
(docs/agents.md).
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
    from worldtest.agents.presets import AgentPreset

__all__ = ["AGENTS", "known_agents", "make_agent", "make_preset_agent"]

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
    """Instantiate an agent by id (docs/agents.md).

    Ids are looked up in this order: a built-in id (:data:`AGENTS`), an entry point of the
    group ``worldtest.agents`` (:mod:`worldtest.agents.plugins`), a preset (``agents/NAME.toml``
    or ``NAME``: of kind ``agent``, :mod:`worldtest.agents.presets`, or a model preset,
    :mod:`worldtest.agents.llm.preset`), ``llm``, then ``"package.module:Class"``.

    Args:
        agent_id: one of the above.
        llm_options: for model agents only (``provider``, ``model``, ``base_url``,
            ``api_key_env``, ``cache_dir``, ``cache``, ``concurrency``; see
            :func:`worldtest.agents.llm.make_llm_agent`); ignored for the others.

    Raises:
        ConfigError: unknown id (the message lists the known ids, entry points and presets),
            an agent whose module or class cannot be imported (the message says which and
            why; for an entry point, which distribution), a built-in id also declared by an
            entry point, a bad preset (unknown option ...), or a bad model-agent configuration.
    """
    from worldtest.agents.plugins import find_entry_point

    if agent_id.startswith("adversary/"):
        from worldtest.agents.adversaries import make_adversary  # issue 15's battery, not listed

        return make_adversary(agent_id)
    builtin = agent_id in AGENTS
    entry = find_entry_point(agent_id, builtin=builtin)
    if builtin:
        return _import(AGENTS[agent_id], agent_id)()
    if entry is not None:
        from worldtest.agents.presets import build_agent

        return build_agent(entry.load(), {}, where=f"entry point {entry.id!r} of "
                           f"{entry.distribution}", target=entry.target, agent_id=entry.id,
                           config={"entry_point": entry.id, "distribution": entry.distribution})
    from worldtest.agents.llm.preset import find_preset
    from worldtest.agents.presets import load_agent_preset, preset_kind, read_preset_table

    path = find_preset(agent_id)
    if path is not None and preset_kind(read_preset_table(path), path) == "agent":
        return make_preset_agent(load_agent_preset(path))
    from worldtest.agents.llm import make_llm_agent

    agent = make_llm_agent(agent_id, **llm_options)
    if agent is not None:
        return agent
    if ":" in agent_id:
        return _import(agent_id, agent_id)()
    from worldtest.agents.llm.preset import known_presets
    from worldtest.agents.plugins import entry_point_agents

    presets = ", ".join(known_presets()) or "none found"
    plugins = ", ".join(sorted({e.id for e in entry_point_agents()})) or "none installed"
    raise ConfigError(
        f"unknown agent {agent_id!r}: "
        f"expected one of {', '.join(known_agents())}, an entry point ({plugins}), "
        f"llm (with --provider and --model), a preset in agents/ ({presets}), an "
        "agents/NAME.toml file, or 'module:Class' (`worldtest agents` lists them)"
    )


def make_preset_agent(preset: AgentPreset) -> Agent:
    """Make the agent of a preset of kind ``agent`` (:mod:`worldtest.agents.presets`): its
    class, or the class of its ``agent`` id, with its options.

    Raises:
        ConfigError: as :func:`worldtest.agents.presets.build_agent`, or an ``agent`` that is
            neither a built-in id nor an entry point.
    """
    from worldtest.agents.plugins import find_entry_point
    from worldtest.agents.presets import build_agent

    config: dict[str, Any] = {"preset": preset.id, "source": preset.source}
    if preset.class_ is not None:
        target = preset.class_
        factory = _import(target, preset.id, where=preset.source)
    else:
        name = str(preset.agent)
        entry = find_entry_point(name, builtin=name in AGENTS)
        if name in AGENTS:
            target = AGENTS[name]
            factory = _import(target, name, where=preset.source)
        elif entry is not None:
            target, factory = entry.target, entry.load()
            config.update(entry_point=entry.id, distribution=entry.distribution)
        else:
            raise ConfigError(
                f"{preset.source}: field 'agent': {name!r} is neither a built-in agent "
                f"({', '.join(known_agents())}) nor an installed entry point; give "
                "class = \"module:Class\" instead"
            )
    return build_agent(factory, preset.options, where=preset.source, target=target,
                       agent_id=preset.id, config=config)  # fmt: skip


def _import(target: str, agent_id: str, where: str | None = None) -> Any:
    module_name, _, class_name = target.partition(":")
    try:
        return getattr(import_module(module_name), class_name)
    except (ImportError, AttributeError) as err:
        prefix = f"{where}: " if where else ""
        raise ConfigError(f"{prefix}agent {agent_id!r}: cannot import {target!r}: {err}") \
            from None
