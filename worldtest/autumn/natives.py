"""Native built-in functions (``autumn-language.md`` §5.1) and the global frame's built-ins.

Every function here takes ``(args, frame)``: the evaluated arguments and the caller's frame (the
parent of any frame a function argument is called in, §4.2, and the request frame of any render
it performs, §4.5). The world being stepped is ``RT.w``. The standard library (§5.2) is in
:mod:`worldtest.autumn.stdlib`; :mod:`worldtest.autumn.prelude` puts both, in their documented
order (§3.1), into the global frame's built-ins (``BUILTINS``).
"""

from __future__ import annotations

from math import isqrt
from typing import Any

from worldtest.autumn.compiler import apply
from worldtest.autumn.limits import MAX_LIST
from worldtest.autumn.rng import draw
from worldtest.autumn.values import (
    RT, AList, Cell, ClassValue, Frame, Native, Obj, Position, RElem, Thunk, charge, error,
    kind_of, too_much_work, truthy,
)

__all__ = ["CLASSES", "EPOCH", "native", "cells", "need_int", "need_list",
           "need_pos"]

#: Bumped by ``rotate`` (which rewrites Cells in place) to invalidate every render cache.
EPOCH = [0]
_NATIVES: dict[str, Native] = {}


def native(name: str, min_args: int, max_args: int | None = None):
    """Register ``fn(args, frame)`` as the native ``name`` (extra arguments ignored if None)."""
    def deco(fn):
        _NATIVES[name] = Native(name, fn, min_args, max_args)
        return fn
    return deco


def need_int(v: Any, fname: str) -> int:
    if type(v) is not int:
        raise error("type", f"{fname} needs a Number, got a {kind_of(v)}")
    return v


def need_list(v: Any, fname: str, walk: bool = True) -> AList:
    """``v`` if it is a List, charging its length to the tick's work unless ``walk`` is False
    (for the built-ins that do not traverse it: ``length``, ``head``, ``tail``, ``at``...).

    Raises:
        AutumnError: ``type`` for a non-List; ``runaway`` past the tick's work budget.
    """
    if type(v) is not AList:
        raise error("type", f"{fname} needs a List, got a {kind_of(v)}")
    if walk:
        w = RT.w
        w.calls += len(v)
        if w.calls > w.max_calls:
            raise too_much_work(w.max_calls)
    return v


def need_pos(v: Any, fname: str) -> Position:
    if type(v) is not Position:
        raise error("type", f"{fname} needs a Position, got a {kind_of(v)}")
    return v


def need_obj(v: Any, fname: str) -> Obj:
    if type(v) is not Obj:
        raise error("type", f"{fname} needs an object, got a {kind_of(v)}")
    return v


def cells(v: Any, frame: Frame) -> list[tuple[int, int, str]]:
    """The rendered cells of a value (objects, possibly nested lists; others give none)."""
    if type(v) is Obj:
        f = v.f
        rc = f["elems"].rcache
        if rc is not None and rc[1] is not None and rc[0] == EPOCH[0]:
            o = f["origin"]
            if type(o) is Position:
                ox, oy = o.x, o.y
                charge(len(rc[1]))
                return [(ox + x, oy + y, c) for x, y, c in rc[1]]
    out: list = []
    RT.w.cells_of(v, frame, out)
    return out


def _size(n: int, fname: str) -> None:
    """Refuse, before building it, a list of ``n`` elements longer than ``MAX_LIST``."""
    if n > MAX_LIST:
        raise error("runaway", f"{fname} would build a list of {n} elements: more than "
                    f"{MAX_LIST} (limit MAX_LIST in worldtest/autumn/limits.py)")


# -- lists --------------------------------------------------------------------------------------
@native("map", 2)
def _map(a, fr):
    f, lst = a[0], need_list(a[1], "map")
    return AList([apply(f, [x], fr) for x in lst])


@native("filter", 2)
def _filter(a, fr):
    f, lst = a[0], need_list(a[1], "filter")
    return AList([x for x in lst if truthy(apply(f, [x], fr))])


@native("foldl", 3)
def _foldl(a, fr):
    f, acc, lst = a[0], a[1], need_list(a[2], "foldl")
    for x in lst:
        acc = apply(f, [acc, x], fr)
    return acc


@native("concat", 1)
def _concat(a, fr):
    parts = need_list(a[0], "concat")
    _size(sum(len(need_list(x, "concat (each element)", False)) for x in parts), "concat")
    out: list = []
    for x in parts:
        out.extend(x)
    return AList(out)


@native("length", 1)
def _length(a, fr):
    return len(need_list(a[0], "length", False))


@native("head", 1)
def _head(a, fr):
    lst = need_list(a[0], "head", False)
    if not lst:
        raise error("index", "head of an empty list")
    return lst[0]


@native("tail", 1)
def _tail(a, fr):
    lst = need_list(a[0], "tail", False)
    if not lst:
        raise error("index", "tail of an empty list (tail is the LAST element)")
    return lst[-1]


@native("at", 2)
def _at(a, fr):
    lst, i = need_list(a[0], "at", False), need_int(a[1], "at (index)")
    if not 0 <= i < len(lst):
        raise error("index", f"at: index {i} is outside [0, {len(lst)})")
    return lst[i]


@native("range", 2)
def _range(a, fr):
    lo, hi = need_int(a[0], "range"), need_int(a[1], "range")
    _size(hi - lo, "range")
    return AList(range(lo, hi))


@native("any", 1, 2)
def _any(a, fr):
    if len(a) == 1:
        return any(truthy(x) for x in need_list(a[0], "any"))
    f, lst = a[0], need_list(a[1], "any")
    for x in lst:
        if truthy(apply(f, [x], fr)):
            return True
    return False


@native("isList", 1)
def _is_list(a, fr):
    return type(a[0]) is AList


@native("arrayEqual", 2)
def _array_equal(a, fr):
    from worldtest.autumn.values import aeq
    l1, l2 = need_list(a[0], "arrayEqual"), need_list(a[1], "arrayEqual")
    if len(l1) != len(l2):
        raise error("index", f"arrayEqual of lists of lengths {len(l1)} and {len(l2)}")
    return AList([aeq(x, y) for x, y in zip(l1, l2)])


# -- numbers and names --------------------------------------------------------------------------
@native("sqrt", 1)
def _sqrt(a, fr):
    n = need_int(a[0], "sqrt")
    if n < 0:
        raise error("type", f"sqrt of a negative number ({n})")
    return isqrt(n)


@native("defined", 1)
def _defined(a, fr):
    if type(a[0]) is not str:
        raise error("type", f"defined needs a String name, got a {kind_of(a[0])}")
    return a[0] in RT.w.gv


@native("print", 1)
def _print(a, fr):
    return a[0]


# -- randomness (§6) ----------------------------------------------------------------------------
def _draw(m: int) -> int:
    w = RT.w
    v, w.rng = draw(w.rng, m)
    return v


@native("uniformChoice", 1, 2)
def _uniform_choice(a, fr):
    lst = need_list(a[0], "uniformChoice", False)
    if not lst:
        raise error("index", "uniformChoice of an empty list")
    if len(a) == 1:
        return lst[_draw(len(lst))]
    n = need_int(a[1], "uniformChoice (count)")
    if n < 1:
        raise error("index", f"uniformChoice count must be at least 1, got {n}")
    _size(n, "uniformChoice")
    return AList([lst[_draw(len(lst))] for _ in range(n)])


@native("randomPositions", 2)
def _random_positions(a, fr):
    g, k = need_int(a[0], "randomPositions"), need_int(a[1], "randomPositions (count)")
    if g < 0:
        raise error("type", f"randomPositions needs a non-negative size, got {g}")
    _size(k, "randomPositions")
    out = []
    for _ in range(k):
        x = _draw(g)
        y = _draw(g)
        out.append(Position(x, y))
    return AList(out)


# -- grid queries -------------------------------------------------------------------------------
@native("adjPositions", 1)
def _adj_positions(a, fr):
    p = need_pos(a[0], "adjPositions")
    n = RT.w.gv["GRID_SIZE"]
    x, y = p.x, p.y
    out = []
    for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)):
        if 0 <= nx < n and 0 <= ny < n:
            out.append(Position(nx, ny))
    return AList(out)


@native("allPositions", 1, 2)
def _all_positions(a, fr):
    w = need_int(a[0], "allPositions")
    h = need_int(a[1], "allPositions") if len(a) > 1 else w
    if w < 0 or h < 0:
        raise error("type", f"allPositions needs non-negative sizes, got {w} and {h}")
    _size(w * h, "allPositions")
    return AList([Position(x, y) for x in range(w) for y in range(h)])


@native("isFreePos", 1)
def _is_free_pos(a, fr):
    p = need_pos(a[0], "isFreePos")
    return (p.x, p.y) not in RT.w.occ


@native("isWithinBounds", 1)
def _is_within_bounds(a, fr):
    n = RT.w.gv["GRID_SIZE"]
    return all(0 <= x < n and 0 <= y < n for x, y, _ in cells(a[0], fr))


# -- object lists -------------------------------------------------------------------------------
def _copy_obj(o: Any) -> Any:
    if type(o) is Obj:
        c = Obj(o.otype, o.f.copy())
        return c
    if type(o) is Position:
        return Position(o.x, o.y)
    return o


@native("addObj", 2)
def _add_obj(a, fr):
    lst, o = need_list(a[0], "addObj"), a[1]
    if type(o) in (int, str, bool):
        raise error("type", f"addObj cannot add a {kind_of(o)}")
    out = [_copy_obj(x) for x in lst]
    if type(o) is AList:
        out.extend(o)
    else:
        out.append(o)
    return AList(out)


@native("removeObj", 1, 2)
def _remove_obj(a, fr):
    if len(a) == 1:
        RT.w.delete_global(a[0])
        return a[0]
    lst, x = need_list(a[0], "removeObj"), a[1]
    t = type(x)
    if t is AList:
        ids = {getattr(e, "iid", None) for e in x}
        ids.discard(None)
        return AList([e for e in lst if getattr(e, "iid", None) not in ids])
    if t in (Obj, Position, Cell, RElem):
        iid = x.iid
        return AList([e for e in lst if getattr(e, "iid", None) != iid])
    if t in (int, str, bool):
        raise error("type", f"removeObj cannot remove by a {kind_of(x)}")
    return AList([e for e in lst if not truthy(apply(x, [e], fr))])


@native("updateObj", 2, 3)
def _update_obj(a, fr):
    o = a[0]
    if type(o) is Obj and len(a) == 3 and type(a[1]) is str:
        field = a[1]
        if field not in o.f:
            raise error("undefined-name", f"updateObj: {o.otype.name} has no field '{field}'")
        return o.copy_with(field, a[2])
    if type(o) is Obj:
        return apply(a[1], [o], fr)
    if type(o) is AList:
        f = a[1]
        if len(a) == 2:
            return AList([apply(f, [x], fr) for x in o])
        pred = a[2]
        out = []
        for x in o:
            out.append(apply(f, [x], fr) if truthy(apply(pred, [x], fr)) else x)
        return AList(out)
    raise error("type", f"updateObj needs an object or a list, got a {kind_of(o)}")


def all_objs() -> list[Obj]:
    """Every object held by a global, in definition order, lists searched recursively."""
    w = RT.w
    out: list = []

    def walk(v: Any) -> None:
        if type(v) is Obj:
            out.append(v)
        elif type(v) is AList:
            charge(len(v) + 1)
            for x in v:
                walk(x)
    gv = w.gv
    for name in w.order:
        v = gv.get(name)
        if v is not None:
            walk(v)
    return out


@native("allObjs", 0, 0)
def _all_objs(a, fr):
    return AList(all_objs())


@native("rotate", 1)
def _rotate(a, fr):
    o = need_obj(a[0], "rotate")
    charge(len(o.f["elems"]))
    base = Frame({}, Frame(o.f, fr, 2), 1)
    for c in o.f["elems"]:
        if type(c) is not Cell:
            continue
        from worldtest.autumn.compiler import eval_thunk
        x = eval_thunk(c.x, Frame({"e": c}, base))
        y = eval_thunk(c.y, Frame({"e": c}, base))
        c.x = Thunk(None, None, {}, -y if type(y) is int else y)
        c.y = Thunk(None, None, {}, x)
        c.refresh()
    EPOCH[0] += 1
    return o.copy_with("origin", o.f["origin"])


@native("renderAll", 0, 0)
def _render_all(a, fr):
    w = RT.w
    out: list = []
    for name in w.order:
        w.cells_of(w.gv.get(name), fr, out)
    res = AList([RElem(Position(x, y), c) for x, y, c in out])
    if "cacheRendered" in w.gv:
        w.assign_global("cacheRendered", res)
    else:
        w.create_global("cacheRendered", res)
    return res


# -- input (§3.4) -------------------------------------------------------------------------------
@native("clicked", 0, 1)
def _clicked(a, fr):
    w = RT.w
    if w.click is None:
        return False
    w.define_click()
    if not a:
        return True
    cx, cy = w.click
    return any(x == cx and y == cy for x, y, _ in cells(a[0], fr))


native("left", 0)(lambda a, fr: RT.w.k_left)
native("right", 0)(lambda a, fr: RT.w.k_right)
native("up", 0)(lambda a, fr: RT.w.k_up)
native("down", 0)(lambda a, fr: RT.w.k_down)

CLASSES = {name: ClassValue(name) for name in ("Position", "Cell", "RenderedElem")}

