"""State keys: hashable digests of Autumn values, for search deduplication.

:meth:`World.state_key <worldtest.autumn.world.World.state_key>` is built of these.
"""

from __future__ import annotations

from typing import Any, Hashable

from worldtest.autumn import natives
from worldtest.autumn.values import (
    MISSING, AList, Cell, Lambda, Native, Obj, Position, Thunk, kind_of,
)

__all__ = ["ABSENT", "state_value_key"]

#: "did not exist at tick start" in the snapshot overlay, and an unset global in a state key.
ABSENT: Any = object()


def state_value_key(v: Any) -> Hashable:
    t = type(v)
    if t is int or t is str:
        return v
    if t is bool:
        return ("b", v)
    if t is Position:
        return ("P", v.x, v.y)
    if t is AList or t is Obj:
        # Lists and objects are immutable but for rotate's in-place Cell rewrite, which bumps
        # the epoch: cache the key on the value itself.
        kc = v.kcache
        epoch = natives.EPOCH[0]
        if kc is not None and kc[0] == epoch:
            return kc[1]
        if t is AList:
            k: Hashable = ("L",) + tuple(state_value_key(x) for x in v)
        else:
            k = (v.otype.name,) + tuple(state_value_key(x) if name != "elems"
                                        else _elems_key(x)
                                        for name, x in v.f.items())
        v.kcache = (epoch, k)
        return k
    if t is Cell:
        return ("C", state_value_key(v.x), state_value_key(v.y), state_value_key(v.color))
    if t is Thunk:
        if v.const is not MISSING:
            return ("T", v.const)
        return ("T", id(v.node)) + tuple(sorted((k, state_value_key(x))
                                                for k, x in v.captured.items()
                                                if type(x) in (int, str, bool, Position)))
    if v is ABSENT:
        return ("absent",)
    if t is Lambda:
        return ("F", id(v.node))
    if t is Native:
        return ("N", v.name)
    return (kind_of(v),)


def _elems_key(elems: Any) -> Hashable:
    rc = elems.rcache
    if rc is not None and rc[1] is not None:
        return tuple(rc[1])
    return state_value_key(elems)
