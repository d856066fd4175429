"""The ``worldtest autumn`` commands as library functions: ``trace`` and ``check``.

The trace format is a contract other tools depend on: one JSON object per frame,
``{"t": i, "grid": [[colour names]]}``, row-major (``grid[y][x]``), frame 0 after loading, then one
frame per action (each action injected and exactly one tick run).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from worldtest.autumn.runtime import load_program
from worldtest.errors import ActionError

__all__ = ["trace", "check", "parse_event", "read_actions"]


def parse_event(text: Any, index: int | None = None) -> Any:
    """Turn an action string into an interpreter event.

    Args:
        text: ``"noop"``, ``"left"``, ``"right"``, ``"up"``, ``"down"`` or ``"click X Y"``
            (X column, Y row, integers).
        index: position in an action list, for the error message.

    Returns:
        None, a direction string, or ``("click", x, y)``.

    Raises:
        ActionError: for anything else, naming the action and what was expected.
    """
    where = f"action {index}: " if index is not None else ""
    if not isinstance(text, str):
        raise ActionError(f"{where}expected an action string, got {json.dumps(text)}")
    words = text.strip().lower().split()
    if len(words) == 1 and words[0] in ("noop", "left", "right", "up", "down"):
        return None if words[0] == "noop" else words[0]
    if len(words) == 3 and words[0] == "click":
        try:
            return ("click", int(words[1]), int(words[2]))
        except ValueError:
            pass
    raise ActionError(f"{where}cannot parse {text!r}; expected noop, left, right, up, down or "
                      "'click X Y' with integer X (column) and Y (row)")


def read_actions(path: str | Path) -> list[Any]:
    """Read an ACTIONS.json file: a JSON list of action strings.

    Raises:
        ActionError: unreadable file, invalid JSON, not a list, or an unparsable action.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ActionError(f"{path}: cannot read actions: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise ActionError(f"{path}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    if not isinstance(data, list):
        raise ActionError(f"{path}: expected a JSON list of action strings")
    try:
        return [parse_event(a, i) for i, a in enumerate(data)]
    except ActionError as e:
        raise ActionError(f"{path}: {e}") from None


def trace(program: str | Path, seed: int, actions: list[Any], *,
          order: str = "declaration") -> Iterator[dict]:
    """Yield ``{"t": i, "grid": rows}`` for frame 0 and then after each action's tick.

    Args:
        program: path of the ``.sexp`` file.
        seed: the generator seed (§6).
        actions: events as returned by :func:`parse_event` (or action strings).
        order: ``"declaration"`` (the reference) or ``"legacy"`` (autumn-language.md A.1).

    Raises:
        AutumnError: a parse, load or runtime error (frames before it have been yielded).
    """
    world = load_program(str(program), order=order).start(seed)
    yield {"t": 0, "grid": world.grid()}
    for i, a in enumerate(actions, start=1):
        world.step(parse_event(a, i - 1) if isinstance(a, str) else a)
        yield {"t": i, "grid": world.grid()}


def check(program: str | Path, seed: int = 42) -> str:
    """Parse, compile, check names statically, and load a program; return a one-line summary.

    The static checks (:func:`worldtest.autumn.check.check_names`) find undefined names and
    ``prev`` of a non-global anywhere in the program, before any tick runs.

    Raises:
        AutumnError: the first error, naming file, line and column.
    """
    from worldtest.autumn.check import check_names

    p = load_program(str(program))
    check_names(p)
    w = p.start(seed)
    colours = sorted({c for _, _, c in w.cells} | {w.background})
    return (f"{program}: ok: {len(p.state_names)} state variables, {len(p.rules)} on-rules, "
            f"grid {w.grid_size}x{w.grid_size}, frame rate {w.frame_rate}, "
            f"colours at load: {', '.join(colours)}"
            + (f" ({len(p.warnings)} warnings)" if p.warnings else ""))
