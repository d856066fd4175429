"""The benchmark suite on disk: environment metadata, programs and task files.

A suite is a folder holding ``environments/`` (one ``<name>.sexp`` per environment plus
``environments.toml``) and ``tasks/<env>/{mfp,planning,cd}.json`` (design.md, "Layout").

``environments/environments.toml`` has one table per environment::

    [ice]
    description = "Water freezes at night and melts by day."
    grid_size = 16
    stochastic = false
    frame_rate = 8            # the program's FRAME_RATE (optional, default 8)
    mechanics = ["gravity", "phase change"]
    version = 1
    program = "ice.sexp"      # optional, default "<name>.sexp", relative to the toml

Unknown keys are ignored; top-level scalars (``schema_version = 1``) are file metadata; the
tables may also be nested under one top-level ``[environments.<name>]``.
"""

from __future__ import annotations

import os
import tomllib
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from worldtest.errors import ConfigError, TaskFileError

if TYPE_CHECKING:  # pragma: no cover
    from worldtest.autumn import Program
    from worldtest.tasks.models import Task

__all__ = ["FAMILIES", "EnvSpec", "Suite", "check_family", "default_suite_root", "load_suite"]

FAMILIES: tuple[str, ...] = ("mfp", "planning", "cd")
"""The three task families of AutumnBench (protocol section 3), in the canonical order."""



def check_family(family: str) -> str:
    """``family`` when it is one of :data:`FAMILIES`; the one check of a family name.

    Raises:
        ConfigError: an unknown family, naming the known ones.
    """
    if family not in FAMILIES:
        raise ConfigError(f"unknown task family {family!r}: expected one of {', '.join(FAMILIES)}")
    return family

class EnvSpec(BaseModel):
    """One environment's metadata: a table of ``environments/environments.toml``.

    Attributes:
        name: the environment id (the table name), e.g. ``ice``.
        description: one paragraph for humans and agents' prompts.
        grid_size: cells per side (the program's GRID_SIZE).
        stochastic: whether the program draws random numbers (protocol section 4 reports
            deterministic and stochastic environments separately).
        frame_rate: the program's FRAME_RATE (default 8, autumn-language.md section 3.7).
        mechanics: short tags of the mechanics it shows.
        version: bumped whenever the program's behaviour changes (house style 4).
        program: absolute path of the ``.sexp`` file (default ``<name>.sexp`` beside the toml).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    description: str = ""
    grid_size: int = Field(ge=1)
    stochastic: bool
    frame_rate: int = Field(default=8, ge=1)
    mechanics: list[str] = []
    version: int = Field(default=1, ge=1)
    program: Path


def _read_specs(path: Path) -> dict[str, EnvSpec]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the environment metadata: {err.strerror}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    if set(data) == {"environments"}:
        data = next(iter(data.values()))
    specs = {}
    for name, table in data.items():
        if not isinstance(table, dict):
            continue  # file-level metadata such as schema_version
        fields = dict(table, name=name)
        if isinstance(fields.get("mechanics"), str):
            fields["mechanics"] = [fields["mechanics"]]
        fields["program"] = path.parent / str(table.get("program", f"{name}.sexp"))
        try:
            specs[name] = EnvSpec.model_validate(fields)
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "?"
            raise ConfigError(
                f"{path}: environment {name!r}, field {field!r}: {first['msg']}"
            ) from None
    return specs


_BUILTIN_ROOT = Path(__file__).resolve().parent.parent


def default_suite_root() -> Path:
    """The suite folder: ``$WORLDTEST_HOME``, else the cwd if it holds ``environments/`` and
    ``tasks/``, else the repository root (the parent of the ``worldtest`` package)."""
    if os.environ.get("WORLDTEST_HOME"):
        return Path(os.environ["WORLDTEST_HOME"]).expanduser().resolve()
    cwd = Path.cwd()
    if (cwd / "environments").is_dir() and (cwd / "tasks").is_dir():
        return cwd
    return Path(__file__).resolve().parent.parent


class Suite:
    """A benchmark folder: ``environments/`` (programs + ``environments.toml``) and ``tasks/``.

    Args:
        root: the folder; :func:`default_suite_root` when None.
    """

    def __init__(self, root: Path | str | None = None) -> None:
        self.root = Path(root).resolve() if root is not None else default_suite_root()
        self._programs: dict[str, Program] = {}

    @property
    def id(self) -> str | None:
        """The suite's id in records, keys and reports: None for the suite shipped with
        worldtest (the repository root), else the folder's name (``autumnbench`` for
        ``worldtest download autumnbench``). Environment ids are qualified by it
        (``autumnbench:ice``), so a downloaded ``ice`` never merges with ours."""
        return None if self.root == _BUILTIN_ROOT else self.root.name

    @cached_property
    def envs(self) -> dict[str, EnvSpec]:
        """Environment id -> metadata, in file order.

        Raises:
            ConfigError: a missing or malformed ``environments/environments.toml`` (the message
                names the file, the environment and the field).
        """
        return _read_specs(self.root / "environments" / "environments.toml")

    def spec(self, env: str) -> EnvSpec:
        """The metadata of ``env``; ConfigError listing the known ids when unknown."""
        try:
            return self.envs[env]
        except KeyError:
            raise ConfigError(
                f"unknown environment {env!r}: expected one of {', '.join(self.envs)}"
            ) from None

    def program(self, env: str) -> Program:
        """The compiled program of ``env`` (loaded once, then cached).

        Raises:
            ConfigError: unknown environment. AutumnError: the program does not compile.
        """
        if env not in self._programs:
            from worldtest.autumn import load_program

            self._programs[env] = load_program(self.spec(env).program)
        return self._programs[env]

    def task_path(self, env: str, family: str) -> Path:
        """``<root>/tasks/<env>/<family>.json``; ConfigError for an unknown family."""
        return self.root / "tasks" / env / f"{check_family(family)}.json"

    def task(self, env: str, family: str) -> Task:
        """Load the task of ``env`` and ``family``.

        Raises:
            ConfigError: unknown family. TaskFileError: missing or malformed file, or a file
                whose ``env``/``family`` disagree with its place in the folder.
        """
        from worldtest.tasks.models import load_task

        path = self.task_path(env, family)
        task = load_task(path)
        for field, want in (("env", env), ("family", family)):
            if getattr(task, field) != want:
                raise TaskFileError(
                    path,
                    field,
                    f"expected {want!r} (from the file's location), got {getattr(task, field)!r}",
                )
        return task


def load_suite(root: Path | str | None = None) -> Suite:
    """The :class:`Suite` at ``root`` (default :func:`default_suite_root`)."""
    return Suite(root)
