"""Resource limits of the Autumn interpreter: every bound a program can hit, in one place.

A hostile or broken program must end in an :class:`~worldtest.errors.AutumnError` within bounded
time and memory, never in a raw Python exception, a hang or an exhausted machine. Each limit is
far above what any shipped or public program uses (the figures below were measured on the 43
programs of ``environments/``, their ``tasks/*/cd_wrong.sexp`` variants and the Autumn-source
library ``stdlib.sexp``), so a program that hits one is broken or hostile, not ambitious.

What is bounded, and the error kind raised:

- at read time (kind ``parse``, naming file:line:col): source size, string literal size, the
  digits of an integer literal, the nesting depth of parentheses;
- at load (kind ``config``, naming the definition): ``GRID_SIZE``;
- at run time (kind ``runaway``, naming the form being evaluated): the length of any list built,
  the work of one tick (function calls plus list elements built, compared or traversed), the cells
  rendered in one frame (which bounds the objects alive, since every object a global holds is
  rendered).

Memory per tick is bounded through the work budget: every list element built is charged, so one
tick (or loading) allocates at most about :data:`MAX_WORK_PER_TICK` elements. A program may still
keep what it built from tick to tick; the cells it keeps in globals are bounded by
:data:`MAX_CELLS`, and the caller bounds the number of ticks.
"""

from __future__ import annotations

__all__ = [
    "MAX_SOURCE_BYTES", "MAX_STRING_CHARS", "MAX_INT_DIGITS", "MAX_DEPTH", "MAX_GRID_SIZE",
    "MAX_LIST", "MAX_CELLS", "MAX_WORK_PER_TICK",
]

#: Largest program file or text, in bytes (UTF-8) or characters. The largest shipped program is
#: 7.9 kB (platformer.sexp); the Autumn-source library is about 20 kB. One megabyte is over 100
#: times that, and reads in well under a second.
MAX_SOURCE_BYTES = 1_000_000

#: Longest string literal, in characters. Autumn strings are colour names and field names (the
#: longest in the shipped programs has 12 characters); the language has no string operations, so
#: a string can only be as long as a literal.
MAX_STRING_CHARS = 1_000

#: Most digits (sign excluded) in an integer literal. Numbers are 32-bit (``autumn-language.md``
#: §2.6), at most 10 digits; 20 leaves room for leading zeros and still rejects, before any
#: conversion, the 4,300-digit literals that Python's ``int()`` refuses with a ValueError.
MAX_INT_DIGITS = 20

#: Deepest nesting of parentheses. The deepest shipped program nests 15 levels (tetris.sexp). The
#: parser, compiler and compiled closures recurse once or twice per level, so 200 levels stay far
#: inside Python's recursion limit.
MAX_DEPTH = 200

#: Largest ``GRID_SIZE``. The public programs use 7 to 21 (``autumn-language.md`` §3.7), the
#: shipped ones 3 to 25; 128 is five times the largest. A frame is ``GRID_SIZE**2`` cells, so
#: 128 keeps a frame at 16,384 cells (``allPositions GRID_SIZE`` fits in :data:`MAX_LIST`).
MAX_GRID_SIZE = 128

#: Longest list a program may build (by any means: a literal, a library function, ``concat``,
#: ``addObj``, ``range``, ``randomPositions``, ``uniformChoice``...). The longest list of a shipped
#: program is ``allPositions GRID_SIZE`` on a 25x25 grid (625); 100,000 is six times a full grid of
#: the largest allowed size. A list of 100,000 Positions takes about 10 MB.
MAX_LIST = 100_000

#: Most cells rendered in one frame. A full grid of the largest size is 16,384 cells; objects may
#: also sit off-grid, hence the margin. Every object a global holds is rendered, so this also
#: bounds the objects alive.
MAX_CELLS = 200_000

#: Work allowed in one tick (and in loading, in one render and in one ``World.evaluate``): one
#: unit per user-function call, per object constructed, per frame a Cell's capture walks (§4.5)
#: and per list element built, compared or traversed by the interpreter. The busiest shipped program uses 2,712 units in a tick (lines.sexp; 300 ticks of
#: the ``benchmarks/interpreter_speed.py`` action mix on each of the 43 programs), 5,455 on the
#: Autumn-source library (ants.sexp). 500,000 is 90 times that; a tick that spends it all takes
#: about 1.4 s of CPU (measured: 1,000,000 calls of a recursive function took 2.75 s on the shared
#: 2-core machine), and at 100 to 150 bytes per element built caps what one tick allocates at
#: about 75 MB. ``Program.start(max_calls=...)`` overrides it per world.
MAX_WORK_PER_TICK = 500_000
