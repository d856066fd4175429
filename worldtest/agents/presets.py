"""Agent presets for any agent: a class (or an agent id) and the options it is made with.

A preset is a small TOML file (house style 3); its id is the file stem, as for model presets.
Two kinds exist, told apart by their keys (or by an explicit ``kind``):

- ``kind = "agent"`` (implied by ``class`` or ``agent``): any agent class, made with the
  keyword arguments of its ``[options]`` table::

      class = "mypkg.agent:MyAgent"      # "module:Class" (or a factory), imported when made
      # agent = "myagent"                # or: an id (built-in or entry point) instead of class
      description = "clicks twice as often"   # optional, shown by `worldtest agents`

      [options]                          # keyword arguments of the constructor
      p_click = 0.5

- ``kind = "llm"`` (the default without ``class`` / ``agent``): a model agent, the format of
  :mod:`worldtest.agents.llm.preset`.

The options are checked against the constructor's signature before it is called: an option it
does not take, or a required argument the table does not give, is a
:class:`~worldtest.errors.ConfigError` naming the option and the preset file (a constructor
taking ``**kwargs`` accepts any name). The agent made is given the preset's id (records and
leaderboards show it), a version ``"<the class's version>+<8 hex digits>"`` (the first 8 hex
digits of the SHA-256 of the canonical JSON of the class and the options, so changing either
gives new episode keys, house style 4), and an ``agent_config`` dict (the preset, class,
options and, for an entry point, its distribution) that the episode record carries.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from worldtest.errors import ConfigError, WorldtestError

__all__ = [
    "AgentPreset",
    "build_agent",
    "load_agent_preset",
    "options_version",
    "preset_kind",
    "read_preset_table",
]


class AgentPreset(BaseModel):
    """A preset of kind ``agent`` (module docstring).

    Attributes:
        id: the file stem. source: the file.
        class_: ``"module:Class"`` (TOML key ``class``), or None when ``agent`` is given.
        agent: an agent id (built-in or entry point), or None when ``class`` is given.
        description: free text, shown by ``worldtest agents``.
        options: keyword arguments of the constructor (TOML values).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(min_length=1)
    source: str
    kind: Literal["agent"] = "agent"
    class_: str | None = Field(default=None, alias="class")
    agent: str | None = None
    description: str = ""
    options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_target(self) -> AgentPreset:
        if (self.class_ is None) == (self.agent is None):
            raise ValueError("give exactly one of 'class' (\"module:Class\") and 'agent' (an id)")
        if self.class_ is not None and ":" not in self.class_:
            raise ValueError(f"'class' must be \"module:Class\", got {self.class_!r}")
        return self


def read_preset_table(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The TOML table of a preset file.

    Raises:
        ConfigError: the file cannot be read or is not TOML (the message names the file).
    """
    path = Path(path)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the preset: {err.strerror or err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None


def preset_kind(data: dict[str, Any], path: str | os.PathLike[str] = "<preset>") -> str:
    """``"agent"`` or ``"llm"``: the ``kind`` key, else ``agent`` when ``class`` or ``agent``
    is given, else ``llm``.

    Raises:
        ConfigError: an unknown ``kind``.
    """
    kind = data.get("kind")
    if kind is None:
        return "agent" if ("class" in data or "agent" in data) else "llm"
    if kind not in ("agent", "llm"):
        raise ConfigError(f"{path}: field 'kind': expected 'agent' or 'llm', got {kind!r}")
    return str(kind)


def load_agent_preset(path: str | os.PathLike[str]) -> AgentPreset:
    """Read a preset of kind ``agent``; its id is the file stem.

    Raises:
        ConfigError: unreadable file, not TOML, ``id`` or ``source`` set in the file, neither
            or both of ``class`` and ``agent``, or a field of the wrong type (the message
            names the file and the field).
    """
    path = Path(path)
    data = read_preset_table(path)
    if "id" in data or "source" in data:
        raise ConfigError(f"{path}: field 'id': a preset's id is its file name ({path.stem!r})")
    try:
        return AgentPreset.model_validate({**data, "id": path.stem, "source": str(path)})
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "<preset>"
        raise ConfigError(f"{path}: field '{field}': {first['msg']}") from None


def options_version(base: str, target: str, options: dict[str, Any]) -> str:
    """``"<base>+<8 hex digits>"``: the SHA-256 of the canonical JSON (sorted keys, no spaces;
    values JSON cannot hold, such as TOML dates, by ``str``) of ``{"class": target,
    "options": options}``."""
    canonical = json.dumps({"class": target, "options": options}, sort_keys=True,
                           separators=(",", ":"), default=str)  # fmt: skip
    return f"{base}+{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:8]}"


def _check_options(factory: Callable[..., Any], options: dict[str, Any], where: str,
                   target: str) -> None:  # fmt: skip
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):  # a builtin without a signature: let the call decide
        return
    params = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return
    names = [p.name for p in params
             if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)]
    for name in options:
        if name not in names:
            takes = ", ".join(names) if names else "none"
            raise ConfigError(
                f"{where}: option {name!r}: {target} takes no such option (its options: {takes})"
            )
    for p in params:
        missing = p.default is inspect.Parameter.empty and p.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        if missing and p.name not in options:
            raise ConfigError(f"{where}: option {p.name!r}: {target} requires it; add it to "
                              "[options]")  # fmt: skip


def _check_protocol(agent: Any, where: str, target: str) -> None:
    for name in ("id", "version"):
        if not isinstance(getattr(agent, name, None), str):
            raise ConfigError(f"{where}: {target} made a {type(agent).__name__} without a string "
                              f"{name!r}: not an agent (docs/agents.md)")  # fmt: skip
    for name in ("reset", "act"):
        if not callable(getattr(agent, name, None)):
            raise ConfigError(f"{where}: {target} made a {type(agent).__name__} without a "
                              f"method {name!r}: not an agent (docs/agents.md)")  # fmt: skip


def build_agent(
    factory: Callable[..., Any],
    options: dict[str, Any],
    *,
    where: str,
    target: str,
    agent_id: str | None = None,
    config: dict[str, Any] | None = None,
) -> Any:
    """Make an agent from a class or factory and its options, checked and labelled.

    Args:
        factory: the class (or callable) that makes the agent.
        options: keyword arguments for it (checked against its signature first).
        where: what the error messages name (the preset file, the entry point).
        target: ``"module:Class"``, for messages and the version.
        agent_id: the id the agent is given (None keeps its own).
        config: more of what the record's ``agent_config`` says (beside ``class`` and
            ``options``); a ``preset`` key, or any option, makes the version
            :func:`options_version` of the class's.

    Returns:
        The agent, with ``id``, ``version`` and ``agent_config`` set on the instance (and an
        asynchronous agent's ``clone`` keeping them).

    Raises:
        ConfigError: an unknown or missing option, a constructor that raised (the message
            names ``where`` and the error), or an object that is not an agent.
    """
    _check_options(factory, options, where, target)
    try:
        agent = factory(**options)
    except (TypeError, ValueError, WorldtestError) as err:
        raise ConfigError(f"{where}: {target}(**options) failed: {type(err).__name__}: {err}") \
            from None
    _check_protocol(agent, where, target)
    if config is None and not options and agent_id in (None, agent.id):
        return agent
    config = {"class": target, "options": dict(options), **(config or {})}
    hashed = bool(options) or "preset" in config
    version = options_version(agent.version, target, options) if hashed else agent.version
    _label(agent, agent_id or agent.id, version, config, where)
    return agent


def _label(agent: Any, agent_id: str, version: str, config: dict[str, Any], where: str) -> None:
    try:
        agent.id, agent.version, agent.agent_config = agent_id, version, config
    except AttributeError as err:
        raise ConfigError(f"{where}: cannot set the agent's id and version ({err}); make them "
                          "plain attributes") from None  # fmt: skip
    clone = getattr(agent, "clone", None)
    if callable(clone) and callable(getattr(agent, "act_async", None)):
        def labelled_clone() -> Any:
            copy = clone()
            _label(copy, agent_id, version, config, where)
            return copy

        agent.clone = labelled_clone
