"""Mutations of Autumn programs, for robustness testing (``tests/test_fuzz_programs.py`` and
``benchmarks/fuzz_programs.py``).

A mutation takes program text and a chooser ``choose(n) -> int in [0, n)`` (``random.randrange``
for a fuzz loop, a Hypothesis draw in a property test, so that failures shrink) and returns the
mutated program as bytes: token edits (delete, duplicate, swap), subtree edits (delete, duplicate,
swap), literals replaced by extreme values, identifiers swapped, runaway constructs inserted as
top-level statements, deep nesting, truncation and raw byte garbage (possibly not UTF-8).

:func:`run_program` then loads a mutant from a file and runs a few ticks, and says how it ended:
``"ok"``, ``"AutumnError:<kind>"`` or ``"BUG:<exception type>"`` (anything else than the
project's error is a bug of the interpreter).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from worldtest.errors import AutumnError

__all__ = ["MUTATIONS", "RUNAWAYS", "tokens", "mutate", "run_program"]

Choose = Callable[[int], int]

_TOKEN = re.compile(r'\(|\)|"(?:[^"\\\n]|\\.)*"?|;[^\n]*|[^\s()";]+|\s+|.', re.S)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_NUMBER = re.compile(r"[+-]?[0-9]+\Z")

#: Extreme replacements for a number literal.
HUGE_NUMBERS = ("0", "-1", "2147483647", "-2147483648", "2147483648", "100000", "1000000",
                "99999999999999999999", "1" + "0" * 5000, "-" + "9" * 4400, "007")

#: Top-level statements that try to run away; ``{n}`` is a fresh suffix. Each targets a limit of
#: :mod:`worldtest.autumn.limits` (or an error path) named in its comment.
RUNAWAYS = (
    # a list doubled each tick (MAX_LIST / work)
    "(: dbl{n} (List Number)) (= dbl{n} (initnext (list 1) (concat (list (prev dbl{n}) "
    "(prev dbl{n})))))",
    # a list doubled 60 times at load (MAX_LIST)
    "(= twice{n} (fn (l k) (if (== k 0) then l else (twice{n} (concat (list l l)) (- k 1))))) "
    "(= big{n} (twice{n} (list 1 2) 60))",
    # lists nested 60 deep with sharing: exponential traversal (work)
    "(= nest{n} (fn (l k) (if (== k 0) then l else (nest{n} (list l l) (- k 1))))) "
    "(= deep{n} (nest{n} (list 1) 60)) (= eq{n} (== deep{n} (nest{n} (list 1) 60)))",
    # a huge grid (MAX_GRID_SIZE)
    "(= GRID_SIZE 1000000)",
    "(= GRID_SIZE 0)",
    # 100,000 objects added in one tick (work, MAX_CELLS)
    "(object Blob{n} (Cell 0 0 \"red\")) (: blobs{n} (List Blob{n})) "
    "(= blobs{n} (initnext (list) (foldl (--> (acc i) (addObj acc (Blob{n} (Position i 0)))) "
    "(prev blobs{n}) (range 0 100000))))",
    # randomPositions with a huge count (MAX_LIST)
    "(= rp{n} (randomPositions 16 1000000))",
    "(= rg{n} (range 0 2000000000))",
    "(= ap{n} (allPositions 100000))",
    "(= rc{n} (rect (Position 0 0) (Position 100000 100000)))",
    # unbounded recursion (recursion limit) and endless mutual calls (work)
    "(= loop{n} (fn (k) (loop{n} (+ k 1)))) (on true (= x{n} (loop{n} 0)))",
    "(= spin{n} (fn (k) (if (> k 0) then (spin{n} (- k 1)) else 0))) "
    "(on true (= y{n} (map spin{n} (range 0 5000))))",
    # a state that grows by one nesting level per tick
    "(= grow{n} (initnext (list) (list (prev grow{n}) (prev grow{n}))))",
    # prev of a non-global, an undefined name, prev during load
    "(on true (= z{n} (prev notAGlobal{n})))",
    "(on true (= z{n} undefinedName{n}))",
    "(= early{n} (prev GRID_SIZE))",
)


def tokens(text: str) -> list[str]:
    """Split program text into tokens, whitespace and comments kept (so ``"".join`` restores it)."""
    return _TOKEN.findall(text)


def _spans(toks: list[str]) -> list[tuple[int, int]]:
    """``(open, close)`` token indices of every balanced parenthesised subtree."""
    out, stack = [], []
    for i, t in enumerate(toks):
        if t == "(":
            stack.append(i)
        elif t == ")" and stack:
            out.append((stack.pop(), i))
    return out


def _words(toks: list[str]) -> list[int]:
    return [i for i, t in enumerate(toks) if t.strip() and not t.startswith(";")]


def _m_delete_token(toks: list[str], choose: Choose) -> list[str]:
    w = _words(toks)
    if w:
        del toks[w[choose(len(w))]]
    return toks


def _m_duplicate_token(toks: list[str], choose: Choose) -> list[str]:
    w = _words(toks)
    if w:
        i = w[choose(len(w))]
        toks[i:i] = [toks[i], " "]
    return toks


def _m_swap_tokens(toks: list[str], choose: Choose) -> list[str]:
    w = _words(toks)
    if len(w) > 1:
        i, j = w[choose(len(w))], w[choose(len(w))]
        toks[i], toks[j] = toks[j], toks[i]
    return toks


def _m_delete_subtree(toks: list[str], choose: Choose) -> list[str]:
    s = _spans(toks)
    if s:
        a, b = s[choose(len(s))]
        del toks[a:b + 1]
    return toks


def _m_duplicate_subtree(toks: list[str], choose: Choose) -> list[str]:
    s = _spans(toks)
    if s:
        a, b = s[choose(len(s))]
        toks[b + 1:b + 1] = [" "] + toks[a:b + 1]
    return toks


def _m_swap_subtrees(toks: list[str], choose: Choose) -> list[str]:
    s = _spans(toks)
    if len(s) > 1:
        (a, b), (c, d) = sorted((s[choose(len(s))], s[choose(len(s))]))
        if b < c:
            toks[a:d + 1] = toks[c:d + 1] + toks[b + 1:c] + toks[a:b + 1]
    return toks


def _m_huge_number(toks: list[str], choose: Choose) -> list[str]:
    nums = [i for i, t in enumerate(toks) if _NUMBER.match(t)]
    if nums:
        toks[nums[choose(len(nums))]] = HUGE_NUMBERS[choose(len(HUGE_NUMBERS))]
    return toks


def _m_huge_string(toks: list[str], choose: Choose) -> list[str]:
    strs = [i for i, t in enumerate(toks) if t.startswith('"')]
    if strs:
        size = (0, 5, 999, 1001, 50_000, 1_100_000)[choose(6)]
        toks[strs[choose(len(strs))]] = '"' + "r" * size + '"'
    return toks


def _m_swap_identifier(toks: list[str], choose: Choose) -> list[str]:
    ids = [i for i, t in enumerate(toks) if _IDENT.match(t)]
    if ids:
        toks[ids[choose(len(ids))]] = toks[ids[choose(len(ids))]]
    return toks


def _m_runaway(toks: list[str], choose: Choose) -> list[str]:
    snippet = RUNAWAYS[choose(len(RUNAWAYS))].replace("{n}", str(choose(1000)))
    # after the first "(program" word, or at the end
    at = next((i + 1 for i, t in enumerate(toks) if t == "program"), len(toks))
    at = (at, len(toks) - 1 if toks and toks[-1] == ")" else len(toks))[choose(2)]
    toks[at:at] = [" ", snippet, " "]
    return toks


def _m_deep_nesting(toks: list[str], choose: Choose) -> list[str]:
    depth = (50, 199, 201, 1000, 25_000)[choose(5)]
    core = ("(list " * depth + "1" + ")" * depth, "(" * depth + ")" * depth,
            "(- " * depth + "1" + ")" * depth)[choose(3)]
    w = _words(toks)
    at = w[choose(len(w))] if w else 0
    toks[at:at] = [" ", core, " "]
    return toks


def _m_truncate(toks: list[str], choose: Choose) -> list[str]:
    return toks[:choose(len(toks) + 1)]


MUTATIONS: dict[str, Callable[[list[str], Choose], list[str]]] = {
    "delete-token": _m_delete_token,
    "duplicate-token": _m_duplicate_token,
    "swap-tokens": _m_swap_tokens,
    "delete-subtree": _m_delete_subtree,
    "duplicate-subtree": _m_duplicate_subtree,
    "swap-subtrees": _m_swap_subtrees,
    "huge-number": _m_huge_number,
    "huge-string": _m_huge_string,
    "swap-identifier": _m_swap_identifier,
    "runaway": _m_runaway,
    "deep-nesting": _m_deep_nesting,
    "truncate": _m_truncate,
}
_GARBAGE = (b"\xff", b"\xc3", b"\xe2\x82", b"\x00", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
            "é".encode(), b"\r", b"\\", b'"', b";", b"(", b")")


def mutate(text: str, choose: Choose, rounds: int = 1) -> bytes:
    """Apply ``rounds`` mutations (each one picked by ``choose``), then maybe byte garbage.

    Args:
        text: a program's source text.
        choose: ``choose(n)`` returns an integer in ``[0, n)``; every random choice goes
            through it.
        rounds: number of token/subtree mutations.

    Returns:
        The mutant, UTF-8 encoded, with raw garbage bytes inserted in one case in eight.
    """
    toks = tokens(text)
    names = list(MUTATIONS)
    for _ in range(rounds):
        toks = MUTATIONS[names[choose(len(names))]](toks, choose)
    data = "".join(toks).encode("utf-8")
    if choose(8) == 0:
        for _ in range(1 + choose(3)):
            at = choose(len(data) + 1)
            data = data[:at] + _GARBAGE[choose(len(_GARBAGE))] + data[at:]
    return data


def run_program(path: str | Path, ticks: int, choose: Choose, max_calls: int | None = None,
                check: bool = True) -> str:
    """Load the program in ``path``, check it statically, run ``ticks`` ticks of random input.

    Args:
        path: the program file (any bytes).
        ticks: ticks to run after loading (events drawn by ``choose``).
        choose: as for :func:`mutate`.
        max_calls: the per-tick work budget (default: the interpreter's).
        check: also run the static checks of ``worldtest autumn check``.

    Returns:
        ``"ok"``, ``"AutumnError:<kind>"`` for the project's error, or ``"BUG:<type>: <message>"``
        for any other exception (a bug of the interpreter).
    """
    from worldtest.autumn.runtime import DEFAULT_MAX_CALLS, load_program

    try:
        program = load_program(str(path))
        if check:
            from worldtest.autumn.check import check_names
            check_names(program)
        world = program.start(1 + choose(1000), max_calls=max_calls or DEFAULT_MAX_CALLS)
        world.grid()
        for _ in range(ticks):
            k = choose(6)
            if k == 5:
                n = world.grid_size
                event = ("click", choose(n), choose(n))
            else:
                event = (None, "left", "right", "up", "down")[k]
            world.step(event)
            world.grid()
        return "ok"
    except AutumnError as e:
        return f"AutumnError:{e.kind}"
    except Exception as e:  # noqa: BLE001 - the point is to catch every other exception
        return f"BUG:{type(e).__name__}: {str(e)[:200]}"
