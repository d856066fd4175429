"""The Autumn reader: source text -> nested s-expressions with source positions.

Follows ``autumn-language.md`` section 1.1: whitespace, ``;`` comments to end of line, parentheses,
string literals with the reference's escapes, and atoms (the longest run up to whitespace or a
parenthesis). Unlike the reference, an atom containing ``;`` or ``"`` is rejected with a clear
error (the spec's SHOULD), and forms after the first top-level form are reported by
:func:`read_program` as warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from worldtest.autumn.limits import MAX_DEPTH, MAX_STRING_CHARS
from worldtest.errors import AutumnError

__all__ = ["Atom", "Str", "SList", "SExpr", "Source", "read", "read_program"]

_ESCAPES = {"'": "'", '"': '"', "?": "?", "\\": "\\", "a": "\a", "b": "\b", "f": "\f",
            "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_SPACE = " \t\n\r\v\f"


@dataclass(eq=False)
class Source:
    """A program text and its file name, used to point at errors."""

    text: str
    filename: str = "<program>"
    lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = self.text.splitlines()

    def line(self, n: int) -> str | None:
        """Line ``n`` (1-based) of the text, or None."""
        return self.lines[n - 1] if 0 < n <= len(self.lines) else None

    def error(self, kind: str, message: str, line: int, col: int, width: int = 1,
              context: list[str] | None = None) -> AutumnError:
        """Build an :class:`AutumnError` pointing at ``line:col`` of this source."""
        return AutumnError(kind, message, self.filename, line, col, context,
                           self.line(line), width)


@dataclass(eq=False, slots=True)
class Atom:
    """A bare atom (number, identifier, operator, keyword) at a 1-based line and column."""

    text: str
    line: int
    col: int


@dataclass(eq=False, slots=True)
class Str:
    """A string literal (escapes already processed)."""

    text: str
    line: int
    col: int


@dataclass(eq=False, slots=True)
class SList:
    """A parenthesised list of s-expressions."""

    items: list
    line: int
    col: int


SExpr = Atom | Str | SList


def read(source: Source) -> list[SExpr]:
    """Read every top-level form of ``source``.

    Returns:
        The top-level s-expressions in order.

    Raises:
        AutumnError: kind ``parse`` for unbalanced parentheses, a bad string literal, an atom
            containing ``;`` or ``"``, a string literal longer than
            :data:`~worldtest.autumn.limits.MAX_STRING_CHARS` or lists nested deeper than
            :data:`~worldtest.autumn.limits.MAX_DEPTH`; the error names file, line and column.
    """
    text = source.text
    n = len(text)
    i = 0
    line, col = 1, 1
    stack: list[SList] = []
    top: list[SExpr] = []

    def emit(item: SExpr) -> None:
        (stack[-1].items if stack else top).append(item)

    while i < n:
        c = text[i]
        if c == "\n":
            i += 1
            line += 1
            col = 1
            continue
        if c in _SPACE:
            i += 1
            col += 1
            continue
        if c == ";":
            while i < n and text[i] not in "\n\r":
                i += 1
                col += 1
            continue
        if c == "(":
            if len(stack) >= MAX_DEPTH:
                raise source.error("parse", f"lists nested more than {MAX_DEPTH} deep (limit "
                                   "MAX_DEPTH in worldtest/autumn/limits.py)", line, col)
            stack.append(SList([], line, col))
            i += 1
            col += 1
            continue
        if c == ")":
            if not stack:
                raise source.error("parse", "unbalanced ')': no list is open here", line, col)
            done = stack.pop()
            emit(done)
            i += 1
            col += 1
            continue
        if c == '"':
            start_line, start_col = line, col
            i += 1
            col += 1
            chars: list[str] = []
            while True:
                if i >= n:
                    raise source.error("parse", "unterminated string literal", start_line,
                                       start_col)
                d = text[i]
                if d == '"':
                    i += 1
                    col += 1
                    break
                if d in "\n\r":
                    raise source.error("parse", "newline inside a string literal", line, col)
                if d == "\\":
                    if i + 1 >= n or text[i + 1] not in _ESCAPES:
                        bad = text[i + 1] if i + 1 < n else "end of file"
                        raise source.error("parse", f"unknown escape '\\{bad}' in string literal",
                                           line, col, 2)
                    chars.append(_ESCAPES[text[i + 1]])
                    i += 2
                    col += 2
                    continue
                chars.append(d)
                i += 1
                col += 1
            if len(chars) > MAX_STRING_CHARS:
                raise source.error("parse", f"string literal of {len(chars)} characters: more "
                                   f"than {MAX_STRING_CHARS} (limit MAX_STRING_CHARS in "
                                   "worldtest/autumn/limits.py)", start_line, start_col)
            emit(Str("".join(chars), start_line, start_col))
            continue
        start, start_col = i, col
        while i < n and text[i] not in _SPACE and text[i] not in "()":
            i += 1
            col += 1
        word = text[start:i]
        for bad in (";", '"'):
            if bad in word:
                raise source.error("parse", f"atom '{word}' contains '{bad}'; separate it with "
                                   "a space", line, start_col, len(word))
        emit(Atom(word, line, start_col))
    if stack:
        open_list = stack[-1]
        raise source.error("parse", "unbalanced '(': this list is never closed",
                           open_list.line, open_list.col)
    return top


def read_program(source: Source) -> tuple[SList, list[str]]:
    """Read a program: its first top-level form, plus warnings about any further forms.

    Returns:
        ``(form, warnings)``; per section 1.1 only the first top-level form is used.

    Raises:
        AutumnError: kind ``parse`` when the text holds no form, or the first form is not a list.
    """
    forms = read(source)
    if not forms:
        raise source.error("parse", "expected a program form '(program ...)', found nothing",
                           1, 1)
    first = forms[0]
    if not isinstance(first, SList):
        raise source.error("parse", "expected a program form '(program ...)', found an atom",
                           first.line, first.col)
    warnings = [f"{source.filename}:{f.line}:{f.col}: warning: form after the first top-level "
                "form is ignored" for f in forms[1:]]
    return first, warnings
