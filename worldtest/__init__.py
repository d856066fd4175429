"""worldtest: a harness for the WorldTest protocol and the AutumnBench benchmark.

Agents explore Autumn grid worlds without reward (the interaction phase), then are tested on
masked-frame prediction, planning and change detection (the test phase). Source of the protocol:
Warrier et al. 2025, "Benchmarking World-Model Learning" (arXiv 2510.19788).

The public API is importable from here (``from worldtest import Suite, RunConfig, run``); each
name is resolved on first use (PEP 562), so ``import worldtest`` stays cheap and imports no
submodule. What each name is: its own module's docstring (``worldtest.API`` maps name -> module).
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

API: dict[str, str] = {
    # the Autumn language
    "load_program": "worldtest.autumn",
    "compile_program": "worldtest.autumn",
    "Program": "worldtest.autumn",
    "World": "worldtest.autumn",
    # worlds as environments, suites and tasks
    "AutumnEnv": "worldtest.env",
    "Action": "worldtest.env",
    "Frame": "worldtest.env",
    "parse_action": "worldtest.env",
    "Suite": "worldtest.suite",
    "Task": "worldtest.tasks.models",
    "MfpTask": "worldtest.tasks.models",
    "PlanningTask": "worldtest.tasks.models",
    "CdTask": "worldtest.tasks.models",
    "load_task": "worldtest.tasks.models",
    # the protocol and agents
    "Settings": "worldtest.protocol",
    "Episode": "worldtest.protocol",
    "run_episode": "worldtest.protocol",
    "Agent": "worldtest.agents.base",
    "EpisodeStart": "worldtest.agents.base",
    "Observation": "worldtest.agents.base",
    "make_agent": "worldtest.agents",
    "check_agent": "worldtest.agent_check",
    # runs, records and replay
    "RunConfig": "worldtest.runner",
    "run": "worldtest.runner",
    "EpisodeRecord": "worldtest.results",
    "ResultsStore": "worldtest.results",
    "reconstruct": "worldtest.replay",
    # errors
    "WorldtestError": "worldtest.errors",
    "AutumnError": "worldtest.errors",
    "ConfigError": "worldtest.errors",
    "TaskFileError": "worldtest.errors",
    "ActionError": "worldtest.errors",
}
"""Public name -> the module that defines it."""

__all__ = ["__version__", *API]


def __getattr__(name: str) -> object:
    """Import a public name's module on first use (PEP 562).

    Raises:
        AttributeError: ``name`` is not part of the public API.
    """
    module = API.get(name)
    if module is None:
        raise AttributeError(f"module 'worldtest' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(API))
