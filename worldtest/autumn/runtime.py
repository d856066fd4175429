"""Programs and worlds: the Autumn interpreter's entry module.

The interpreter lives in four modules; this one re-exports their public names so that
``from worldtest.autumn.runtime import Program, World`` keeps working:

- :mod:`worldtest.autumn.program`: :class:`Program`, :func:`compile_program`,
  :func:`load_program` (parsing, checking, compiling, the standard library, §3.2);
- :mod:`worldtest.autumn.world`: :class:`World`, its loading and tick loop (§3.2-3.4, §3.8);
- :mod:`worldtest.autumn.render`: rendering and occupancy (§3.5, §3.6);
- :mod:`worldtest.autumn.keys`: the hashable state keys of :meth:`World.state_key`.
"""

from __future__ import annotations

from worldtest.autumn.compiler import NOTHING
from worldtest.autumn.program import (
    DEFAULT_MAX_CALLS, LIBRARY_LOCALS, STDLIB_PATH, Program, compile_program, load_program,
)
from worldtest.autumn.world import World

__all__ = ["Program", "World", "compile_program", "load_program", "DEFAULT_MAX_CALLS",
           "LIBRARY_LOCALS", "STDLIB_PATH", "NOTHING"]
