"""Helpers for Autumn tests: run a program and read frames as letter boards."""

from __future__ import annotations

import pytest

from worldtest.autumn import compile_program

LETTERS = {"black": ".", "red": "R", "blue": "B", "green": "G", "yellow": "Y", "gray": "A",
           "gold": "O", "orange": "N", "white": "W", "pink": "P"}


def board(world, rows=None) -> list[str]:
    g = world.grid()
    rows = range(len(g)) if rows is None else rows
    return ["".join(LETTERS.get(c, "?") for c in g[r]) for r in rows]


def event(a):
    if a is None or a == "noop":
        return None
    if a.startswith("click"):
        _, x, y = a.split()
        return ("click", int(x), int(y))
    return a


def run_frames(src: str, actions: list, seed: int = 42, rows=None) -> list[list[str]]:
    """Frames 0..n as letter boards (optionally only some rows)."""
    w = compile_program(src, "test.sexp").start(seed)
    out = [board(w, rows)]
    for a in actions:
        w.step(event(a))
        out.append(board(w, rows))
    return out


@pytest.fixture
def frames():
    return run_frames
