"""The global frame a program starts with (§3.1): the natives (§5.1), then the library (§5.2).

Its own module, above both :mod:`~worldtest.autumn.natives` and :mod:`~worldtest.autumn.stdlib`
(the library is written with the natives' helpers), so neither imports the other in a cycle.
"""

from __future__ import annotations

from typing import Any

from worldtest.autumn import stdlib
from worldtest.autumn.natives import _NATIVES

__all__ = ["BUILTINS"]


def _builtins() -> dict[str, Any]:
    b: dict[str, Any] = {"GRID_SIZE": 16}
    b.update(_NATIVES)
    b["GRID_SIZE"] = 16
    b["FRAME_RATE"] = 8
    b["background"] = "black"
    b.update(stdlib.LIBRARY)
    b["SpecialConditionTriggered"] = False
    return b


BUILTINS: dict[str, Any] = _builtins()
"""Name -> value of every built-in a program's global frame starts with (defaults:
``GRID_SIZE`` 16, ``FRAME_RATE`` 8, ``background`` ``"black"``)."""
