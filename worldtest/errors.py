"""The one exception hierarchy of worldtest.

Every error a user can cause (a broken program, a malformed task file, a bad action, bad
settings, a damaged results file) is raised as a subclass of :class:`WorldtestError`, so a caller
can catch one type and print ``str(err)``, which always names what was expected and what came.
"""

from __future__ import annotations

__all__ = [
    "WorldtestError",
    "AutumnError",
    "TaskFileError",
    "DownloadError",
    "ActionError",
    "ConfigError",
    "ResultsError",
]


class WorldtestError(Exception):
    """Base class of every error worldtest raises on bad input."""


class AutumnError(WorldtestError):
    """An error in an Autumn program: at parse, check, load or run time.

    Attributes:
        kind: one of ``parse``, ``undefined-name``, ``type``, ``arity``, ``index``,
            ``zero-division``, ``prev``, ``config``, ``runaway``, ``failed`` (the kinds of
            ``autumn-language.md`` section 9.2, plus ``runaway`` for a tick that exceeds its
            evaluation budget and ``failed`` for a world stepped after an earlier error).
        message: what went wrong, in one line.
        filename: the program's file name (``"<program>"`` when it came from a string).
        line, col: 1-based source position of the offending form, or 0 when unknown.
        context: the evaluation context, outermost first (``"on-rule #2 (line 14)"``,
            ``"next-expression of water"``, ``"call of nextLiquid"`` ...).
        source_line: the text of the offending line, when known, for the caret display.
    """

    def __init__(
        self,
        kind: str,
        message: str,
        filename: str = "<program>",
        line: int = 0,
        col: int = 0,
        context: list[str] | None = None,
        source_line: str | None = None,
        width: int = 1,
    ) -> None:
        self.kind = kind
        self.message = message
        self.filename = filename
        self.line = line
        self.col = col
        self.context = list(context or [])
        self.source_line = source_line
        self.width = max(1, width)
        super().__init__(self.headline)

    @property
    def headline(self) -> str:
        """``file:line:col: error[kind]: message`` (the one-line form)."""
        where = f"{self.filename}:{self.line}:{self.col}" if self.line else self.filename
        return f"{where}: error[{self.kind}]: {self.message}"

    def __str__(self) -> str:
        out = [self.headline]
        if self.source_line is not None and self.line:
            gutter = f"{self.line:>4} | "
            out.append(gutter + self.source_line.rstrip("\n"))
            pad = " " * (len(gutter) - 2) + "| " + " " * max(0, self.col - 1)
            out.append(pad + "^" * min(self.width, max(1, len(self.source_line) - self.col + 1)))
        for ctx in reversed(self.context):
            out.append(f"  while evaluating {ctx}")
        return "\n".join(out)


class TaskFileError(WorldtestError):
    """A task file that cannot be read or does not match the task schema.

    Attributes:
        path: the file.
        field: the dotted path of the offending field (``"options.3"``), or ``""``.
    """

    def __init__(self, path: str, field: str, message: str) -> None:
        self.path = str(path)
        self.field = field
        self.message = message
        where = f"{self.path}: field '{field}'" if field else self.path
        super().__init__(f"{where}: {message}")


class ActionError(WorldtestError):
    """An action text that cannot be parsed or is not offered in the current phase."""


class ConfigError(WorldtestError):
    """Bad settings, presets, environment metadata or palette names."""


class ResultsError(WorldtestError):
    """A results file that cannot be read as episode records."""


class DownloadError(WorldtestError):
    """A download that failed: the server could not be reached, or a file is missing or bad.

    The message names the URL.
    """
