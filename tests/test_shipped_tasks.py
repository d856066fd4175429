"""Every shipped task is sound (protocol section 3's quality checks, and the oracle scores 1.0),
and `tasks derive` reproduces the shipped MFP and planning tasks byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from worldtest.suite import Suite
from worldtest.authoring.derive import derive
from worldtest.tasks.models import load_task
from worldtest.authoring.validate import validate_task

ROOT = Path(__file__).resolve().parent.parent
SUITE = Suite(ROOT)
ENVS = sorted(SUITE.envs)
FAMILIES = ("mfp", "planning", "cd")


def test_every_environment_ships_three_tasks():
    assert len(ENVS) >= 6
    for env in ENVS:
        for family in FAMILIES:
            task = load_task(SUITE.task_path(env, family))
            assert task.env == env and task.family == family and task.seed != 0


@pytest.mark.slow  # every check and the oracle on all 129 tasks: minutes (CI runs it)
@pytest.mark.parametrize("env", ENVS)
@pytest.mark.parametrize("family", FAMILIES)
def test_shipped_task_is_sound(env, family):
    problems = validate_task(SUITE, env, family)
    assert problems == [], "\n".join(map(str, problems))


def test_derive_reproduces_the_shipped_tasks_byte_for_byte(tmp_path):
    shutil.copytree(ROOT / "environments", tmp_path / "environments")
    shutil.copytree(ROOT / "tasks", tmp_path / "tasks")
    envs = ["gravity", "lamp"]
    for env in envs:
        for family in ("mfp", "planning"):
            (tmp_path / "tasks" / env / f"{family}.json").unlink()
    derive(tmp_path, envs, echo=lambda line: None)
    for env in envs:
        for family in ("mfp", "planning"):
            made = (tmp_path / "tasks" / env / f"{family}.json").read_bytes()
            assert made == (ROOT / "tasks" / env / f"{family}.json").read_bytes(), (env, family)
