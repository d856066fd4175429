"""Episode records (versioned pydantic models) and the append-only JSONL results store.

One line per episode, appended and flushed (``os.fsync``) as soon as the episode ends, so an
interrupted run loses at most the episode it was in. A run resumes by skipping every episode
whose :func:`episode_key` is already in the store. The leaderboard is always generated from these
records (``worldtest.report``), never edited. ``results/README.md`` documents the format.

Versioning: every record carries ``schema_version``. This module writes version 2 and reads
versions 1 and 2 (:data:`READ_VERSIONS`); a record of any other version raises
:class:`~worldtest.errors.ResultsError` rather than being misread. Version 2 added
``ActionLog.reset_seed``; a version-1 record names a reset's seed only in the action's
``message`` (``"reset with seed N"``), which :func:`worldtest.replay.reconstruct` still reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from worldtest.errors import ResultsError

__all__ = [
    "READ_VERSIONS",
    "SCHEMA_VERSION",
    "EPISODES_FILE",
    "ActionLog",
    "EpisodeRecord",
    "ResultsStore",
    "ResultsWarning",
    "episode_key",
    "qualified_env",
    "qualified_task",
    "load_records",
]

SCHEMA_VERSION = 2
"""The record schema this module writes."""

READ_VERSIONS = (1, 2)
"""The record schemas this module reads (1: before ``ActionLog.reset_seed``)."""

EPISODES_FILE = "episodes.jsonl"
"""The default results file name inside a results directory."""

_TAIL_BLOCK = 1 << 16  # bytes read per step when looking for the start of the last line


class ResultsWarning(UserWarning):
    """A results file was damaged in a recoverable way (a truncated last line)."""


class ActionLog(BaseModel):
    """One agent action as the harness saw it.

    Attributes:
        phase: ``"interaction"`` or ``"test"``.
        action: the action text the agent sent (as sent, even when invalid).
        valid: whether the harness accepted it; invalid actions still cost one action.
        tick: the program tick after the action (ticks since load or the last reset).
        ticks: how many ticks the action ran (0 for invalid actions, ``reset``, ``go-to-test``).
        digest: a short digest of the frame after the action, so traces can be compared
            without storing frames.
        message: why the action was invalid, or other harness feedback; ``None`` when none.
        t_wall: wall-clock seconds the agent took to choose it, when measured.
        reset_seed: a valid interaction ``reset``: the program seed it restarted with (the
            episode seed, or the fresh one drawn under ``reset_seed = "fresh"``); None for every
            other action, and then left out of the store's JSON line. Schema version 2.
    """

    model_config = ConfigDict(extra="forbid")

    phase: str
    action: str
    valid: bool
    tick: int
    ticks: int
    digest: str
    message: str | None = None
    t_wall: float | None = None
    reset_seed: int | None = None


class EpisodeRecord(BaseModel):
    """Everything recorded about one WorldTest episode (interaction phase + test phase).

    Attributes:
        schema_version: 2 for records written now (:data:`SCHEMA_VERSION`); 1 for a record
            read from before ``ActionLog.reset_seed`` existed.
        key: the resume key, :func:`episode_key` of the fields below.
        worldtest_version: ``worldtest.__version__`` of the harness that ran it.
        agent, agent_version: the agent's string id (``"random"``) and version.
        env: the environment name; ``family``: ``"mfp"``, ``"planning"`` or ``"cd"``.
        task_id, task_version: the task's id (``"ice/mfp"``) and version.
        stochastic: whether the environment's program draws random numbers.
        seed: the episode seed (interaction phase; the CD test phase).
        task_seed: the task's test seed (every family's test phase runs with it, after the
            task's hidden prefix; docs/protocol.md section 2).
        settings: the protocol settings in force (``budget`` in actions, ``horizon`` in test
            actions, ``ticks_per_action``, ``reset_seed`` ...), as recorded by the runner.
        interaction, test: the actions of the two phases, in order.
        n_resets: resets during the interaction phase; ``n_invalid``: invalid actions (both).
        outcome: the family's raw outcome (chosen option, trigger time, raw CD score ...).
        score: the task score in [0, 1] (protocol section 3).
        status: ``"ok"``, or ``"failed"`` when the episode could not finish (``error`` says why;
            the runner records score 0 for it).
        started_at: ISO 8601 UTC timestamp of the episode start; ``duration_s``: wall seconds.
        usage: tokens and cost for model agents (empty for the others): ``calls``,
            ``input_tokens``, ``output_tokens``, ``cost_usd`` (None without prices) ...
        suite: the suite's id (``worldtest.suite.Suite.id``): None (and left out of the JSON
            line) for the built-in suite; a downloaded or imported suite's folder name otherwise.
        transcript: model agents only (else None, and left out of the JSON line): the exact
            messages sent and the replies received, per call; versioned by its own
            ``transcript["version"]`` (``worldtest.agents.llm.transcript``).
        agent_config: agents made from a preset or an entry point (else None, and left out of
            the JSON line): the class (``"module:Class"``) and options that ran, the preset
            and its file, the entry point and its distribution (``worldtest.agents.presets``).
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1, 2] = SCHEMA_VERSION
    key: str
    worldtest_version: str
    agent: str
    agent_version: str
    env: str
    family: Literal["mfp", "planning", "cd"]
    task_id: str
    task_version: int
    stochastic: bool
    seed: int
    task_seed: int
    settings: dict[str, Any]
    interaction: list[ActionLog]
    test: list[ActionLog]
    n_resets: int = Field(ge=0)
    n_invalid: int = Field(ge=0)
    outcome: dict[str, Any]
    score: float = Field(ge=0.0, le=1.0)
    status: Literal["ok", "failed"] = "ok"
    error: str | None = None
    started_at: str
    duration_s: float = Field(ge=0.0)
    usage: dict[str, Any] = Field(default_factory=dict)
    suite: str | None = None
    transcript: dict[str, Any] | None = None
    agent_config: dict[str, Any] | None = None


def episode_key(
    agent: str,
    agent_version: str,
    task_id: str,
    task_version: int,
    seed: int,
    settings: dict[str, Any],
    *,
    suite: str | None = None,
) -> str:
    """Return the stable resume key of an episode.

    Two episodes with equal keys are the same experiment: a resumed run skips a key already in
    the store. The settings enter as the first 12 hex digits of the SHA-256 of their canonical
    JSON (sorted keys, no spaces; non-JSON values such as paths by ``str``).

    Args:
        agent, agent_version: the agent's id and version.
        task_id, task_version: the task's id and version.
        seed: the episode seed.
        settings: the protocol settings of the episode.
        suite: the suite's id, None for the built-in suite (whose keys carry no suite).

    Returns:
        ``"<agent>@<agent_version>/<task_id>@v<task_version>/s<seed>/<settings hash>"``, with
        ``<suite>:<task_id>`` in place of ``<task_id>`` for a suite other than the built-in one.
    """
    canonical = json.dumps(settings, sort_keys=True, separators=(",", ":"), default=str)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]
    task = f"{suite}:{task_id}" if suite else task_id
    return f"{agent}@{agent_version}/{task}@v{task_version}/s{seed}/{digest}"


def qualified_env(record: EpisodeRecord) -> str:
    """The record's environment id qualified by its suite: ``env`` for the built-in suite,
    ``<suite>:<env>`` otherwise (so two suites' ``ice`` never share a report row or key)."""
    suite = getattr(record, "suite", None)
    return f"{suite}:{record.env}" if suite else record.env


def qualified_task(record: EpisodeRecord) -> str:
    """The record's task id qualified by its suite (``autumnbench:ice/mfp``), as
    :func:`qualified_env`."""
    suite = getattr(record, "suite", None)
    return f"{suite}:{record.task_id}" if suite else record.task_id


def _parse_record(line: str, path: Path, lineno: int) -> EpisodeRecord:
    """Validate one decoded-JSON line; ResultsError names file and line."""
    obj = json.loads(line)
    if not isinstance(obj, dict):
        raise ResultsError(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
    version = obj.get("schema_version")
    if version not in READ_VERSIONS:
        raise ResultsError(
            f"{path}:{lineno}: unknown schema_version {version!r}: this worldtest reads "
            f"versions {', '.join(map(str, READ_VERSIONS))} only"
        )
    try:
        return EpisodeRecord.model_validate(obj)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "<record>"
        raise ResultsError(
            f"{path}:{lineno}: field '{where}': {first['msg']} ({err.error_count()} error(s))"
        ) from None


def _left_out(record: EpisodeRecord) -> dict[str, Any]:
    """What a store line leaves out: ``transcript``, ``suite`` and ``agent_config`` when None, and every action's
    ``reset_seed`` when None, so lines stay as they were before those fields existed. (An
    ``exclude`` argument rather than a serializer function: pydantic would wrap a Ctrl-C raised
    inside a Python serializer into a serialization error.)"""
    drop: dict[str, Any] = {name: True for name in ("transcript", "suite", "agent_config")
                            if getattr(record, name) is None}
    no_seed = {i: {"reset_seed"} for i, log in enumerate(record.interaction)
               if log.reset_seed is None}
    if no_seed:
        drop["interaction"] = no_seed
    if record.test:
        drop["test"] = {"__all__": {"reset_seed"}}
    return drop


class ResultsStore:
    """One append-only JSONL file of :class:`EpisodeRecord`, one record per line.

    Args:
        path: the file; it (and its directory) is created by the first :meth:`append`.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    @classmethod
    def for_dir(cls, results_dir: str | os.PathLike[str]) -> ResultsStore:
        """Return the store of a results directory: ``<results_dir>/episodes.jsonl``."""
        return cls(Path(results_dir) / EPISODES_FILE)

    def __repr__(self) -> str:
        return f"ResultsStore({str(self.path)!r})"

    @property
    def lock_path(self) -> Path:
        """The lock file of this store: ``<path>.lock`` (e.g. ``results/episodes.jsonl.lock``)."""
        return self.path.with_name(self.path.name + ".lock")

    @contextlib.contextmanager
    def lock(
        self, *, wait: bool = False, note: Callable[[str], None] | None = None
    ) -> Iterator[None]:
        """Hold this store's lock (an OS file lock on :attr:`lock_path`) for a whole run.

        A run reads the keys already stored, then appends: two runs on one store at once would
        both find an episode missing and both record it. Holding the lock from the first read to
        the last append makes the second run wait or stop. The OS releases the lock when the
        process ends, however it ends, so a killed run leaves no stale lock.

        Args:
            wait: wait for the lock when another process holds it (else raise at once).
            note: called once with a message before waiting.

        Raises:
            ResultsError: the lock is held by another process and ``wait`` is False, or the
                lock file cannot be created.
        """
        from filelock import FileLock, Timeout

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ResultsError(
                f"{self.path.parent}: cannot create the results folder: {err}"
            ) from None
        lock = FileLock(str(self.lock_path), thread_local=False)
        try:
            try:
                lock.acquire(timeout=0)
            except Timeout:
                if not wait:
                    raise ResultsError(
                        f"{self.path}: another worldtest run is writing these results (it holds "
                        f"{self.lock_path}); wait for it to end, pass --wait-lock to wait, or "
                        "use another --results folder"
                    ) from None
                if note is not None:
                    note(f"waiting for another worldtest run to finish with {self.path} ...")
                lock.acquire()
        except OSError as err:
            raise ResultsError(f"{self.lock_path}: cannot lock the results: {err}") from None
        try:
            yield
        finally:
            lock.release()

    def load(self) -> list[EpisodeRecord]:
        """Read every record, in file order.

        A last line that is not valid JSON (a write interrupted mid-line) is ignored with a
        :class:`ResultsWarning`; the next :meth:`append` removes it. Blank lines are skipped.

        Returns:
            The records; ``[]`` when the file does not exist.

        Raises:
            ResultsError: a line other than the last is not valid JSON, or any line is not a
                valid version-1 record (the message names the file and the 1-based line).
        """
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as err:
            raise ResultsError(f"{self.path}: cannot read results file: {err}") from None
        lines = data.split(b"\n")
        last = max((i for i, raw in enumerate(lines) if raw.strip()), default=-1)
        records: list[EpisodeRecord] = []
        for i, raw in enumerate(lines):
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
                records.append(_parse_record(text, self.path, i + 1))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                if i == last:
                    warnings.warn(
                        f"{self.path}:{i + 1}: ignoring a truncated last line "
                        f"(an interrupted write); it is removed on the next append",
                        ResultsWarning,
                        stacklevel=2,
                    )
                    break
                raise ResultsError(f"{self.path}:{i + 1}: not a JSON record: {err}") from None
        return records

    def keys(self, *, include_failed: bool = False) -> set[str]:
        """Return the resume keys present in the store.

        Args:
            include_failed: also return keys of ``status == "failed"`` records. By default
                they are left out, so a resumed run retries failed episodes.

        Raises:
            ResultsError: as :meth:`load`.
        """
        return {r.key for r in self.load() if include_failed or r.status == "ok"}

    def append(self, record: EpisodeRecord) -> None:
        """Append one record as one line, then flush and ``os.fsync``.

        A truncated last line left by an interrupted write is first cut off (the file is
        truncated to its last complete line, with a :class:`ResultsWarning`); a complete last
        line missing its newline gets one.

        Raises:
            ResultsError: the file cannot be written.
        """
        line = record.model_dump_json(exclude=_left_out(record)).encode("utf-8") + b"\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a+b") as fh:
                self._repair_tail(fh)
                fh.seek(0, os.SEEK_END)
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as err:
            raise ResultsError(f"{self.path}: cannot append record: {err}") from None

    def _repair_tail(self, fh: Any) -> None:
        """Make the file end with a complete, newline-terminated line (or be empty)."""
        end = fh.seek(0, os.SEEK_END)
        if end == 0:
            return
        fh.seek(end - 1)
        ends_with_newline = fh.read(1) == b"\n"
        stop = end - 1 if ends_with_newline else end  # the last line is data[start:stop]
        start = self._line_start(fh, stop)
        fh.seek(start)
        tail = fh.read(stop - start)
        if not tail.strip():
            return
        try:
            json.loads(tail.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            warnings.warn(
                f"{self.path}: removing a truncated last line ({stop - start} bytes) left by an "
                f"interrupted write",
                ResultsWarning,
                stacklevel=3,
            )
            fh.truncate(start)
            return
        if not ends_with_newline:
            fh.seek(0, os.SEEK_END)
            fh.write(b"\n")

    @staticmethod
    def _line_start(fh: Any, stop: int) -> int:
        """Offset just after the last newline before ``stop`` (0 when there is none)."""
        pos = stop
        while pos > 0:
            block = min(_TAIL_BLOCK, pos)
            fh.seek(pos - block)
            chunk = fh.read(block)
            found = chunk.rfind(b"\n")
            if found >= 0:
                return pos - block + found + 1
            pos -= block
        return 0


def load_records(paths: list[Path] | list[str]) -> list[EpisodeRecord]:
    """Read the records of several results files and directories.

    Args:
        paths: JSONL files, or directories whose ``*.jsonl`` files (sorted by name, not
            recursive) are all read.

    Returns:
        The records of all files, in argument order then file order.

    Raises:
        ResultsError: a path does not exist, or a file is malformed (see
            :meth:`ResultsStore.load`), including records of an unknown ``schema_version``.
    """
    records: list[EpisodeRecord] = []
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            files = sorted(path.glob("*.jsonl"))
        elif path.is_file():
            files = [path]
        else:
            raise ResultsError(f"{path}: no such results file or directory")
        for file in files:
            records.extend(ResultsStore(file).load())
    return records
