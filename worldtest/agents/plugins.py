"""Agents from other packages: the entry-point group ``worldtest.agents``.

A distribution declares its agents in its ``pyproject.toml``::

    [project.entry-points."worldtest.agents"]
    myagent = "mypkg.agent:MyAgent"

and, once installed (``pip install``), ``worldtest run --agent myagent`` runs it. The object an
entry point names is a class (or any callable) that makes an agent (the protocol of
:mod:`worldtest.agents.base`); the options of a preset (:mod:`worldtest.agents.presets`) are
passed to it as keyword arguments. Entry points are read from the installed distributions'
metadata (``importlib.metadata``) each time they are asked for, and an entry point's module is
imported only when its agent is made or listed, so a broken one fails alone: the error names
the distribution and what went wrong, and the other agents still work.

Precedence of ids (docs/agents.md): a built-in id (``worldtest.agents.AGENTS``) cannot be
taken by an entry point: asking for a built-in id that an installed distribution also declares
is a :class:`~worldtest.errors.ConfigError` naming the distribution, as is an id declared by
two distributions. An entry point is found before a preset of the same short id
(``agents/NAME.toml``; give the preset's path to run it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from worldtest.errors import ConfigError

__all__ = ["GROUP", "AgentEntryPoint", "entry_point_agents", "find_entry_point"]

GROUP = "worldtest.agents"
"""The entry-point group agents are declared in."""


@dataclass(frozen=True)
class AgentEntryPoint:
    """One agent declared by an installed distribution.

    Attributes:
        id: the agent id (the entry point's name).
        target: ``"module:attr"`` (the entry point's value).
        distribution: ``"<name> <version>"`` of the distribution that declares it, or
            ``"unknown distribution"`` when the metadata does not say.
        entry_point: the :class:`importlib.metadata.EntryPoint` itself.
    """

    id: str
    target: str
    distribution: str
    entry_point: EntryPoint

    def load(self) -> Callable[..., Any]:
        """Import the entry point's object (a class or factory).

        Raises:
            ConfigError: it cannot be imported, or is not callable; the message names the
                agent, the target, the distribution and the error.
        """
        try:
            obj = self.entry_point.load()
        except Exception as err:  # noqa: BLE001 -- any error of a third-party import is reported
            raise ConfigError(
                f"agent {self.id!r} (entry point {self.target!r} of {self.distribution}): "
                f"cannot load it: {type(err).__name__}: {err}"
            ) from None
        if not callable(obj):
            raise ConfigError(
                f"agent {self.id!r} (entry point {self.target!r} of {self.distribution}): "
                f"expected a class or factory, got a {type(obj).__name__}"
            )
        return obj


def _distribution(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "unknown distribution"
    return f"{dist.metadata['Name'] or dist.name} {dist.version}"


def entry_point_agents() -> list[AgentEntryPoint]:
    """Every agent declared in the group :data:`GROUP` by an installed distribution.

    Returns:
        The entry points sorted by id, then distribution; an id declared twice appears twice
        (:func:`find_entry_point` refuses it). Nothing is imported.
    """
    found = {
        (ep.name, ep.value, _distribution(ep)): ep for ep in entry_points(group=GROUP)
    }  # a distribution seen twice on sys.path (an editable install) counts once
    out = [AgentEntryPoint(name, value, dist, ep) for (name, value, dist), ep in found.items()]
    return sorted(out, key=lambda a: (a.id, a.distribution))


def find_entry_point(agent_id: str, builtin: bool = False) -> AgentEntryPoint | None:
    """The entry point declaring ``agent_id``, or None when no distribution declares it.

    Args:
        agent_id: the id asked for.
        builtin: whether ``agent_id`` is a built-in id (then any entry point of that name is
            a clash).

    Raises:
        ConfigError: two distributions declare the id, or one declares a built-in id (the
            message names them and says to rename the entry point or uninstall).
    """
    mine = [a for a in entry_point_agents() if a.id == agent_id]
    if not mine:
        return None
    where = ", ".join(f"{a.target!r} of {a.distribution}" for a in mine)
    if builtin:
        raise ConfigError(
            f"agent {agent_id!r} is built into worldtest and also declared by the entry point "
            f"{where} (group {GROUP!r}): rename the entry point, or uninstall that distribution"
        )
    if len(mine) > 1:
        raise ConfigError(
            f"agent {agent_id!r} is declared by {len(mine)} entry points ({where}; group "
            f"{GROUP!r}): uninstall one, or rename its entry point"
        )
    return mine[0]
