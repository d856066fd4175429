"""Every agent id a run can name, with where it comes from (``worldtest agents``).

The built-in ids (:data:`worldtest.agents.AGENTS`), the entry points of the group
``worldtest.agents`` (:mod:`worldtest.agents.plugins`), and the presets of ``./agents`` and the
project's ``agents/`` (:mod:`worldtest.agents.presets`, :mod:`worldtest.agents.llm.preset`).
With ``load=True`` each entry point's object is imported and each preset read, so a broken one
is shown with its error (the others are listed all the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from worldtest.errors import ConfigError

__all__ = ["AgentListing", "list_agents"]


@dataclass(frozen=True)
class AgentListing:
    """One row of :func:`list_agents`.

    Attributes:
        id: what ``--agent`` takes.
        kind: ``built-in``, ``entry point``, ``preset`` (kind ``agent``) or ``model preset``.
        target: ``"module:Class"`` for built-ins, entry points and class presets; the agent id
            for an ``agent = ...`` preset; ``provider model`` for a model preset.
        source: ``worldtest``, the distribution (``"mypkg 0.1"``) or the preset file.
        status: ``"ok"``, ``"not loaded"`` (``load=False``), ``"shadowed ..."`` (a preset
            whose short id an earlier kind takes: give its path), or the error.
        description: a preset's ``description`` (else empty).
    """

    id: str
    kind: Literal["built-in", "entry point", "preset", "model preset"]
    target: str
    source: str
    status: str
    description: str = ""


def list_agents(load: bool = True) -> list[AgentListing]:
    """The agents, built-in first, then entry points, then presets, each sorted by id.

    Args:
        load: import each entry point's object and read each preset, reporting errors in
            ``status`` (False: list them from metadata and file names only).

    Returns:
        The rows (:class:`AgentListing`); nothing raises for a broken entry point or preset.
    """
    from worldtest.agents import AGENTS
    from worldtest.agents.llm.preset import load_preset, preset_dirs
    from worldtest.agents.plugins import entry_point_agents
    from worldtest.agents.presets import load_agent_preset, preset_kind, read_preset_table

    rows = [AgentListing(a, "built-in", t, "worldtest", "ok") for a, t in sorted(AGENTS.items())]
    entries = entry_point_agents()
    for entry in entries:
        status = "not loaded"
        twice = [e for e in entries if e.id == entry.id]
        if entry.id in AGENTS:
            status = "clash: a built-in id (rename the entry point)"
        elif len(twice) > 1:
            status = f"clash: declared by {len(twice)} distributions"
        elif load:
            try:
                entry.load()
                status = "ok"
            except ConfigError as err:
                status = str(err)
        rows.append(AgentListing(entry.id, "entry point", entry.target, entry.distribution,
                                 status))  # fmt: skip
    taken = set(AGENTS) | {e.id for e in entries}
    seen: set[str] = set()
    for d in preset_dirs():
        for path in sorted(d.glob("*.toml")) if d.is_dir() else []:
            if path.stem in seen:  # ./agents first, as find_preset looks
                continue
            seen.add(path.stem)
            kind, target, status, description = "preset", "?", "not loaded", ""
            try:
                data = read_preset_table(path)
                if preset_kind(data, path) == "llm":
                    kind = "model preset"
                    target = f"{data.get('provider', '?')} {data.get('model', '?')}"
                    if load:
                        load_preset(path)
                else:
                    target = str(data.get("class") or data.get("agent") or "?")
                    description = str(data.get("description", ""))
                    if load:
                        load_agent_preset(path)
                status = "ok" if load else status
            except ConfigError as err:
                status = str(err)
            if path.stem in taken:
                status = f"shadowed by the {'built-in' if path.stem in AGENTS else 'entry point'} "\
                         f"{path.stem!r}: run it as {path}"
            rows.append(AgentListing(path.stem, kind, target, str(path),  # type: ignore[arg-type]
                                     status, description))
    return rows
