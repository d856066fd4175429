"""Task models: the JSON files ``tasks/<env>/{mfp,planning,cd}.json`` (protocol section 3).

File format (schema_version 1). Pretty JSON, two-space indent, fields in the order below, so a
saved task is byte-reproducible (:func:`save_task`). Every grid of palette indices
(``worldtest.palette``; 0 = mask) is a list of H row strings, each row W two-digit indices
separated by single spaces; a 0/1 mask is a list of H strings of W characters ``0``/``1``::

    {
      "schema_version": 1,
      "id": "ice/planning",
      "env": "ice",
      "family": "planning",
      "version": 1,
      "seed": 42,
      "derived_by": "derive.py v1: goal = frame after a random 12-action rollout",
      "goal": ["01 01 04 04", "01 01 04 04", "01 10 01 01", "01 01 01 01"],
      "mask": ["0011", "0011", "0100", "0000"],
      "optimal_actions": 2,
      "plan": ["click 1 2", "noop"]
    }

When loading, a grid may also be given as rows of integer lists (the reference harness's form,
protocol section 5) and a mask as rows of 0/1 integers; saving always writes the row strings.
In memory, grids are read-only ``np.ndarray`` of ``uint8``, shape (H, W).

Common fields: ``schema_version`` (1), ``id`` (``<env>/<family>``), ``env``, ``family``,
``version`` (bumped when the task changes; records carry it), ``seed`` (the test seed: every
family's test phase runs the program with it; the seed the task was derived and validated
with), ``derived_by`` (free-text provenance), ``prefix`` (the test's hidden start: program
actions, one tick each, run from the initial state with ``seed`` before the test phase's frame
0; MFP recordings, planning starts and CD tests all begin after it; empty for tasks imported
from the reference harness, whose tests start at the initial state; protocol section 1 and
``docs/protocol.md``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from worldtest.actions import parse_action
from worldtest.errors import TaskFileError
from worldtest.palette import MASK
from worldtest.tasks.fields import BitGrid, FieldError, Grid, program_actions

__all__ = [
    "IMPORTED_PREFIX",
    "N_OPTIONS",
    "OPTION_SOURCE_KEYS",
    "SCHEMA_VERSION",
    "TASK_MODELS",
    "BitGrid",
    "CdTask",
    "Grid",
    "MfpMask",
    "MfpTask",
    "PlanningTask",
    "Task",
    "load_task",
    "save_task",
    "task_json",
]

SCHEMA_VERSION = 1
"""Version of the task file format described in this module's docstring."""

N_OPTIONS = 6
"""Number of MFP candidate patches (protocol section 3.1: 6 candidates, chance 1/6)."""

OPTION_SOURCE_KEYS: dict[str, tuple[str, ...]] = {
    "truth": (),
    "tick": ("t",),
    "seed": ("seed",),
    "actions": ("from", "actions"),
    "wrong-program": (),
    "perturbed": ("line", "col", "was", "now"),
}
"""MFP option source kinds -> the keys each must carry (``worldtest.authoring.derive.source_frame``)."""

IMPORTED_PREFIX = "imported from the reference harness"
"""``derived_by`` of tasks imported from the reference layout, whose MFP distractors carry no
``option_sources`` (the reference records no provenance); every other MFP task must carry them."""


class _TaskBase(BaseModel):
    """Fields common to the three families (see the module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    schema_version: Literal[1] = SCHEMA_VERSION
    id: str
    env: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    family: str
    version: int = Field(default=1, ge=1)
    seed: int
    derived_by: str = ""
    prefix: list[str] = Field(default_factory=list)
    _path: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check_id(self) -> _TaskBase:
        if self.id != f"{self.env}/{self.family}":
            raise FieldError("id", f"expected {self.env + '/' + self.family!r}, got {self.id!r}")
        object.__setattr__(self, "prefix", program_actions(self.prefix, "prefix", None))
        return self

    def prefix_events(self) -> list[Any]:
        """:attr:`prefix` as interpreter events (None, an arrow, ``("click", x, y)``)."""
        return [parse_action(text).event for text in self.prefix]

    @property
    def path(self) -> Path | None:
        """The file this task was loaded from (None for a task built in memory)."""
        return self._path

    def __eq__(self, other: object) -> bool:  # arrays make pydantic's field-wise == ambiguous
        if type(self) is not type(other):
            return NotImplemented
        return self.model_dump(mode="json") == other.model_dump(mode="json")

    __hash__ = None  # type: ignore[assignment]


class MfpMask(BaseModel):
    """The MFP mask rectangle: columns x..x+width-1, rows y..y+height-1 (protocol section 3.1).

    Applied to every frame with index >= ``from_frame``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    x: int = Field(ge=0)
    y: int = Field(ge=0)
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    from_frame: int = Field(ge=0)

    def region(self, frame: np.ndarray) -> np.ndarray:
        """The masked cells of ``frame``: a view of shape (height, width)."""
        return frame[self.y : self.y + self.height, self.x : self.x + self.width]

    def apply(self, frame: np.ndarray) -> np.ndarray:
        """A read-only copy of ``frame`` (``uint8`` (H, W)) with the rectangle set to MASK (0)."""
        out = np.array(frame, dtype=np.uint8)
        self.region(out)[...] = MASK
        out.setflags(write=False)
        return out


class MfpTask(_TaskBase):
    """Masked-frame prediction (protocol section 3.1).

    Attributes:
        actions: the recording's actions, one tick each (canonical text; N of them).
        frames: frames 0..N as the agent sees them, mask cells already 0 from
            ``mask.from_frame`` on (the unmasked truth is not stored); each ``uint8`` (H, W).
        mask: the rectangle and the first masked frame.
        options: 6 candidate patches, each ``uint8`` (mask.height, mask.width).
        answer: index of the true patch, 0..5.
        option_sources: where each option comes from, so the validator can re-derive it
            (``worldtest.authoring.derive.source_patch``): ``{"kind": "truth"}`` at ``answer``;
            distractors ``{"kind": "tick", "t": T}``, ``{"kind": "seed", "seed": S}``,
            ``{"kind": "actions", "from": K, "actions": [...]}`` or
            ``{"kind": "wrong-program"}``. Empty for imported tasks (no provenance).
    """

    family: Literal["mfp"] = "mfp"
    actions: list[str] = Field(min_length=1)
    frames: list[Grid] = Field(min_length=1)
    mask: MfpMask
    options: list[Grid] = Field(min_length=N_OPTIONS, max_length=N_OPTIONS)
    answer: int = Field(ge=0, lt=N_OPTIONS)
    option_sources: list[dict[str, Any]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> MfpTask:
        shape = self.frames[0].shape
        if len(self.frames) != len(self.actions) + 1:
            raise FieldError(
                "frames",
                f"expected {len(self.actions) + 1} frames (one per action plus frame 0), "
                f"got {len(self.frames)}",
            )
        for i, frame in enumerate(self.frames):
            if frame.shape != shape:
                raise FieldError(
                    f"frames.{i}", f"shape {frame.shape} differs from frame 0's {shape}"
                )
        object.__setattr__(self, "actions", program_actions(self.actions, "actions", shape[1]))
        m = self.mask
        if m.x + m.width > shape[1] or m.y + m.height > shape[0]:
            raise FieldError(
                "mask",
                f"rectangle x={m.x} y={m.y} {m.width}x{m.height} "
                f"leaves the {shape[1]}x{shape[0]} grid",
            )
        if m.from_frame > len(self.actions):
            raise FieldError(
                "mask.from_frame",
                f"expected 0..{len(self.actions)} (the last frame must be masked), "
                f"got {m.from_frame}",
            )
        for i in range(m.from_frame, len(self.frames)):
            if (m.region(self.frames[i]) != MASK).any():
                raise FieldError(
                    f"frames.{i}",
                    "cells inside the mask rectangle must be 0 (mask) from mask.from_frame on",
                )
        for i, option in enumerate(self.options):
            if option.shape != (m.height, m.width):
                raise FieldError(
                    f"options.{i}",
                    f"expected shape {(m.height, m.width)} (the mask's), got {option.shape}",
                )
        seen: dict[bytes, int] = {}
        for i, option in enumerate(self.options):
            if option.tobytes() in seen:
                raise FieldError(
                    "options", f"two options are identical (options {seen[option.tobytes()]} "
                    f"and {i})"
                )
            seen[option.tobytes()] = i
        self._check_sources()
        return self

    def _check_sources(self) -> None:
        """``option_sources``: none only for an imported task, else one known source per
        option, the truth exactly at ``answer``."""
        sources = self.option_sources
        if not sources:
            if not self.derived_by.startswith(IMPORTED_PREFIX):
                raise FieldError(
                    "option_sources", "missing: distractors cannot be shown plausible (only a "
                    f"task whose derived_by starts {IMPORTED_PREFIX!r} may omit them)"
                )
            return
        if len(sources) != N_OPTIONS:
            raise FieldError(
                "option_sources",
                f"expected {N_OPTIONS} entries, one per option, got {len(sources)}",
            )
        for i, source in enumerate(sources):
            kind = source.get("kind")
            if kind not in OPTION_SOURCE_KEYS:
                raise FieldError(
                    f"option_sources.{i}.kind",
                    f"expected one of {', '.join(map(repr, OPTION_SOURCE_KEYS))}, got {kind!r}",
                )
            absent = [k for k in OPTION_SOURCE_KEYS[kind] if k not in source]
            if absent:
                raise FieldError(
                    f"option_sources.{i}", f"a {kind!r} source needs {', '.join(absent)}"
                )
            if (kind == "truth") != (i == self.answer):
                raise FieldError(f"option_sources.{i}", "the truth must be the answer")

    def answer_frame(self) -> tuple[np.ndarray, np.ndarray]:
        """The recording's final frame with the true patch in the mask, and the mask's cells
        (what a report or a replay shows as the answer).

        Returns:
            ``(frame, cells)``: ``uint8`` (H, W) and ``bool`` (H, W), True under the mask.
        """
        frame = np.array(self.frames[-1])
        self.mask.region(frame)[...] = self.options[self.answer]
        cells = np.zeros(frame.shape, dtype=bool)
        self.mask.region(cells)[...] = True
        return frame, cells


class PlanningTask(_TaskBase):
    """Planning (protocol section 3.2).

    Attributes:
        goal: the goal frame, ``uint8`` (H, W).
        mask: ``uint8`` (H, W) of 0/1; 1 = this cell must equal the goal (at least one 1).
        optimal_actions: length of the shortest plan the validator found (test actions = ticks).
        lower_bound: None when search proved ``optimal_actions`` shortest; else the length
            below which search proved no plan exists (its budget ran out before the witness's
            length), so the true shortest plan lies in ``lower_bound..optimal_actions``.
        plan: a witness plan of exactly ``optimal_actions`` actions (canonical text).
        reference_optimal_actions: imported tasks only: the reference harness's
            ``optimal_actions_count``, the authors' metadata (the reference harness never reads
            it and it is not a proven shortest plan); None for our own tasks.
    """

    family: Literal["planning"] = "planning"
    goal: Grid
    mask: BitGrid
    optimal_actions: int = Field(ge=1)
    lower_bound: int | None = Field(default=None, ge=1)
    plan: list[str]
    reference_optimal_actions: int | None = None

    @model_validator(mode="after")
    def _check(self) -> PlanningTask:
        if self.mask.shape != self.goal.shape:
            raise FieldError(
                "mask", f"expected the goal's shape {self.goal.shape}, got {self.mask.shape}"
            )
        if not self.mask.any():
            raise FieldError("mask", "expected at least one 1 (a cell the goal constrains)")
        if (self.goal[self.mask == 1] == MASK).any():
            raise FieldError("goal", "a cell under mask 1 is 0 (mask), which no frame can match")
        if self.lower_bound is not None and self.lower_bound > self.optimal_actions:
            raise FieldError(
                "lower_bound",
                f"expected at most optimal_actions = {self.optimal_actions}, "
                f"got {self.lower_bound}",
            )
        if len(self.plan) != self.optimal_actions:
            raise FieldError(
                "plan",
                f"expected optimal_actions = {self.optimal_actions} actions, got {len(self.plan)}",
            )
        object.__setattr__(self, "plan", program_actions(self.plan, "plan", self.goal.shape[1]))
        return self


class CdTask(_TaskBase):
    """Change detection (protocol section 3.3).

    Attributes:
        wrong_program: file name of the wrong program, beside the JSON (``cd_wrong.sexp``).
        trigger: Autumn boolean expression over the wrong program's state, true from the first
            tick at which the change is observable (outer parentheses optional).
        change: one line describing the one rule that was changed.
        witness: a plan of test actions (canonical text) from the test's start after which the
            trigger holds and the two programs' frames have differed (at T - 1 or T), found
            by derivation and replayed by the validator: proof that the change can be
            provoked, handed to privileged agents only (the oracle follows it). None for
            imported reference tasks and tasks written before derivation v3's witness, whose
            trigger the validator finds by search.
    """

    family: Literal["cd"] = "cd"
    wrong_program: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.sexp$")
    trigger: str = Field(min_length=1)
    change: str = Field(min_length=1)
    witness: list[str] | None = None

    @model_validator(mode="after")
    def _check_witness(self) -> CdTask:
        if self.witness is not None:
            object.__setattr__(self, "witness", program_actions(self.witness, "witness", None))
        return self

    def witness_events(self) -> list[Any] | None:
        """:attr:`witness` as interpreter events, or None."""
        return None if self.witness is None else [parse_action(t).event for t in self.witness]

    @field_validator("change")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if "\n" in value.strip():
            raise ValueError("expected one line")
        return value.strip()

    def wrong_program_path(self) -> Path:
        """The wrong program's file: ``wrong_program`` beside the task file.

        Raises:
            TaskFileError: the task was not loaded from a file, so the folder is unknown.
        """
        if self._path is None:
            raise TaskFileError(
                "<memory>",
                "wrong_program",
                "the task was not loaded from a file; pass the wrong program explicitly",
            )
        return self._path.parent / self.wrong_program


Task = MfpTask | PlanningTask | CdTask
"""Any task."""

TASK_MODELS: dict[str, type[_TaskBase]] = {"mfp": MfpTask, "planning": PlanningTask, "cd": CdTask}
"""Family -> task model."""


def load_task(path: Path | str) -> Task:
    """Read and validate a task file.

    Args:
        path: ``tasks/<env>/<family>.json``.

    Returns:
        The task; its :attr:`path` is set (CD finds its wrong program beside it).

    Raises:
        TaskFileError: unreadable file, invalid JSON, unknown ``family``, or a field that does
            not validate; the error names the file and the field (dotted, e.g. ``frames.3``).
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise TaskFileError(path, "", f"cannot read the task file: {err.strerror}") from None
    except json.JSONDecodeError as err:
        raise TaskFileError(
            path, "", f"not valid JSON: {err.msg} at line {err.lineno} column {err.colno}"
        ) from None
    if not isinstance(data, dict):
        raise TaskFileError(path, "", f"expected a JSON object, got {type(data).__name__}")
    model = TASK_MODELS.get(data.get("family"))  # type: ignore[arg-type]
    if model is None:
        raise TaskFileError(
            path,
            "family",
            f"expected one of {', '.join(map(repr, TASK_MODELS))}, got {data.get('family')!r}",
        )
    try:
        task = model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        cause = first.get("ctx", {}).get("error")
        if isinstance(cause, FieldError):
            field, message = cause.field, cause.message
        else:
            field = ".".join(str(p) for p in first["loc"])
            message = first["msg"].removeprefix("Value error, ")
        more = err.error_count() - 1
        raise TaskFileError(
            path, field, message + (f" (and {more} more errors)" if more else "")
        ) from None
    task._path = path.resolve()
    return task  # type: ignore[return-value]


def task_json(task: Task) -> str:
    """The task as the exact text :func:`save_task` writes (pretty JSON, trailing newline)."""
    data = task.model_dump(mode="json")
    if data.get("reference_optimal_actions", 0) is None:  # only imported tasks carry it
        del data["reference_optimal_actions"]
    if data.get("witness", 0) is None:  # imported CD tasks have none
        del data["witness"]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def save_task(task: Task, path: Path | str) -> None:
    """Write ``task`` to ``path`` (creating folders); byte-reproducible (see :func:`task_json`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(task_json(task), encoding="utf-8")
