"""The public API of ``import worldtest``: pinned (as httpx pins its ``__all__``), every name
resolves to the object its module defines, and importing the package imports no submodule."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import worldtest

PUBLIC = [
    "__version__",
    "load_program", "compile_program", "Program", "World",
    "AutumnEnv", "Action", "Frame", "parse_action", "Suite",
    "Task", "MfpTask", "PlanningTask", "CdTask", "load_task",
    "Settings", "Episode", "run_episode", "Agent", "EpisodeStart", "Observation",
    "make_agent", "check_agent",
    "RunConfig", "run", "EpisodeRecord", "ResultsStore", "reconstruct",
    "WorldtestError", "AutumnError", "ConfigError", "TaskFileError", "ActionError",
]


def test_all_is_pinned() -> None:
    assert worldtest.__all__ == PUBLIC


@pytest.mark.parametrize("name", PUBLIC[1:])
def test_each_name_is_its_modules_object(name: str) -> None:
    value = getattr(worldtest, name)
    assert value is getattr(importlib.import_module(worldtest.API[name]), name)
    assert name in dir(worldtest)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        worldtest.Nope  # noqa: B018


def test_import_worldtest_imports_no_submodule() -> None:
    code = ("import sys, worldtest; "
            "print(sorted(m for m in sys.modules if m.startswith('worldtest.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
