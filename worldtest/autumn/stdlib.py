"""The Autumn standard library, implemented natively from ``autumn-language.md`` §5.2.

The reference defines these functions in Autumn source; we implement them in Python for speed,
with the same copy-versus-same-object behaviour, the same tie rules (``closest``, ``closestPos``
and ``nextLiquid`` prefer the later candidate; ``unitVector`` prefers the horizontal axis), the
same reliance on the previous frame's occupancy (§3.6) and the same ``rotateNoCollision`` quirk.
Documented difference: the reference library's internal local names (§5.3) do not leak into user
variables here; none of the public programs depends on that leak.
"""

from __future__ import annotations

from typing import Any

from worldtest.autumn.compiler import apply
from worldtest.autumn.natives import (
    _NATIVES, EPOCH, _size, all_objs, cells, need_int, need_list, need_obj, need_pos,
)
from worldtest.autumn.values import (
    RT, AList, Native, Obj, Position, RElem, aeq, charge, error, kind_of, wrap32,
)

__all__ = ["LIBRARY"]

LIBRARY: dict[str, Any] = {}


def lib(name: str, nargs: int):
    """Register a library function of ``nargs`` parameters (extra arguments are ignored)."""
    def deco(fn):
        LIBRARY[name] = Native(name, fn, nargs, None)
        return fn
    return deco


def _origin(o: Any, fname: str) -> Position:
    if type(o) is not Obj:
        raise error("type", f"{fname} needs an object, got a {kind_of(o)}")
    p = o.f["origin"]
    if type(p) is not Position:     # updateObj does not type-check "origin" (§5.1)
        raise error("type", f"{fname}: the origin of {o.otype.name} is a {kind_of(p)}, not a "
                    "Position")
    return p


def _sign(v: int) -> int:
    return (v > 0) - (v < 0)


def _abs32(v: int) -> int:
    """``abs`` with the 32-bit wrap of §2.6 (the absolute value of -2**31 is -2**31)."""
    return wrap32(abs(v))


def move(o: Any, dx: int, dy: int) -> Obj:
    """A copy of ``o`` (fresh identity, shared elems) moved by ``(dx, dy)``."""
    p = _origin(o, "move")
    return o.copy_with("origin", Position(wrap32(p.x + dx), wrap32(p.y + dy)))


def _occ_free(cs: list) -> bool:
    occ = RT.w.occ
    for x, y, _ in cs:
        if (x, y) in occ:
            return False
    return True


def is_free(o: Any, fr: Any) -> bool:
    return _occ_free(cells(o, fr))


def is_free_except(o: Any, ex: Any, fr: Any) -> bool:
    """Cells of ``o`` not matching a cell of ``ex`` in position AND colour are all free."""
    excl = set(cells(ex, fr))
    return _occ_free([c for c in cells(o, fr) if c not in excl])


def within_bounds(o: Any, fr: Any) -> bool:
    n = RT.w.gv["GRID_SIZE"]
    return all(0 <= x < n and 0 <= y < n for x, y, _ in cells(o, fr))


# -- movement -----------------------------------------------------------------------------------
@lib("move", 2)
def _move(a, fr):
    d = need_pos(a[1], "move (vector)")
    return move(a[0], d.x, d.y)


def _mover(dx: int, dy: int):
    return lambda a, fr: move(a[0], dx, dy)


def _pos_mover(dx: int, dy: int):
    def f(a, fr):
        p = need_pos(a[0], "move…Pos")
        return Position(wrap32(p.x + dx), wrap32(p.y + dy))
    return f


def _no_collision(dx: int, dy: int):
    def f(a, fr):
        o = a[0]
        m = move(o, dx, dy)
        return m if within_bounds(m, fr) and is_free_except(m, o, fr) else o
    return f


@lib("movePos", 2)
def _move_pos(a, fr):
    p, d = need_pos(a[0], "movePos"), need_pos(a[1], "movePos")
    return Position(wrap32(p.x + d.x), wrap32(p.y + d.y))


@lib("moveNoCollision", 3)
def _move_no_collision(a, fr):
    o = a[0]
    m = move(o, need_int(a[1], "moveNoCollision"), need_int(a[2], "moveNoCollision"))
    return m if is_free_except(m, o, fr) else o


@lib("moveCanCollision", 4)
def _move_can_collision(a, fr):
    o = a[0]
    m = move(o, need_int(a[1], "moveCanCollision"), need_int(a[2], "moveCanCollision"))
    return m if is_free_except(m, AList([o, a[3]]), fr) else o


for _name, (_dx, _dy) in {"Left": (-1, 0), "Right": (1, 0), "Up": (0, -1),
                          "Down": (0, 1)}.items():
    lib("move" + _name, 1)(_mover(_dx, _dy))
    lib("move" + _name + "Pos", 1)(_pos_mover(_dx, _dy))
    lib("move" + _name + "NoCollision", 1)(_no_collision(_dx, _dy))
# "the same function as moveDownNoCollision" (§5.2): the same function value, so == holds (§2.5).
LIBRARY["nextSolid"] = LIBRARY["moveDownNoCollision"]


@lib("rotateNoCollision", 1)
def _rotate_no_collision(a, fr):
    # The reference's definition, whose three calls of rotate each rewrite the shared Cells in
    # place (§5.2): within bounds the shape ends three quarter turns round, otherwise one.
    rotate = _NATIVES["rotate"].fn
    o = a[0]
    if within_bounds(rotate([o], fr), fr) and is_free_except(rotate([o], fr), o, fr):
        return rotate([o], fr)
    return o


# -- arithmetic ---------------------------------------------------------------------------------
@lib("abs", 1)
def _abs(a, fr):
    return _abs32(need_int(a[0], "abs"))


@lib("sign", 1)
def _sign_fn(a, fr):
    return _sign(need_int(a[0], "sign"))


@lib("max", 2)
def _max(a, fr):
    x, y = need_int(a[0], "max"), need_int(a[1], "max")
    return y if x < y else x


@lib("min", 2)
def _min(a, fr):
    x, y = need_int(a[0], "min"), need_int(a[1], "min")
    return x if x < y else y


@lib("sum", 1)
def _sum(a, fr):
    total = 0
    for v in need_list(a[0], "sum"):
        total = wrap32(total + need_int(v, "sum"))
    return total


def sqdist(p: Position, q: Position) -> int:
    # One final wrap equals wrapping every step: wrap-around is arithmetic modulo 2**32 (§2.6).
    return wrap32((q.x - p.x) ** 2 + (q.y - p.y) ** 2)


@lib("sqdist", 2)
def _sqdist(a, fr):
    return sqdist(need_pos(a[0], "sqdist"), need_pos(a[1], "sqdist"))


# -- positions and vectors ----------------------------------------------------------------------
@lib("deltaPos", 2)
def _delta_pos(a, fr):
    p, q = need_pos(a[0], "deltaPos"), need_pos(a[1], "deltaPos")
    return Position(wrap32(q.x - p.x), wrap32(q.y - p.y))


LIBRARY["displacement"] = LIBRARY["deltaPos"]     # "the same function as deltaPos" (§5.2)


def _elem_pos(e: Any, fname: str) -> Position:
    if type(e) is not RElem:
        raise error("type", f"{fname} needs a RenderedElem, got a {kind_of(e)}")
    return e.position


@lib("deltaElem", 2)
def _delta_elem(a, fr):
    return _delta_pos([_elem_pos(a[0], "deltaElem"), _elem_pos(a[1], "deltaElem")], fr)


@lib("deltaObj", 2)
def _delta_obj(a, fr):
    return _delta_pos([_origin(a[0], "deltaObj"), _origin(a[1], "deltaObj")], fr)


@lib("rect", 2)
def _rect(a, fr):
    p, q = need_pos(a[0], "rect"), need_pos(a[1], "rect")
    w, h = max(q.x - p.x, 0), max(q.y - p.y, 0)
    _size(h, "rect")
    _size(w * h, "rect")
    return AList([Position(x, y) for y in range(p.y, q.y) for x in range(p.x, q.x)])


LIBRARY["vcat"] = _NATIVES["concat"]     # "the same function as concat" (§5.2)


# -- adjacency ----------------------------------------------------------------------------------
def _manhattan(p: Position, q: Position) -> int:
    return wrap32(_abs32(wrap32(q.x - p.x)) + _abs32(wrap32(q.y - p.y)))


@lib("adjacentElem", 2)
def _adjacent_elem(a, fr):
    return _manhattan(_elem_pos(a[0], "adjacentElem"), _elem_pos(a[1], "adjacentElem")) == 1


@lib("adjacentPoss", 3)
def _adjacent_poss(a, fr):
    return _manhattan(need_pos(a[0], "adjacentPoss"), need_pos(a[1], "adjacentPoss")) \
        <= need_int(a[2], "adjacentPoss")


@lib("adjacentTwoObjs", 3)
def _adjacent_two_objs(a, fr):
    return _manhattan(_origin(a[0], "adjacentTwoObjs"), _origin(a[1], "adjacentTwoObjs")) \
        <= need_int(a[2], "adjacentTwoObjs")


def _diag(p: Position, q: Position) -> bool:
    return _abs32(wrap32(q.x - p.x)) <= 1 and _abs32(wrap32(q.y - p.y)) <= 1


@lib("adjacentPossDiag", 2)
def _adjacent_poss_diag(a, fr):
    return _diag(need_pos(a[0], "adjacentPossDiag"), need_pos(a[1], "adjacentPossDiag"))


@lib("adjacentTwoObjsDiag", 2)
def _adjacent_two_objs_diag(a, fr):
    return _diag(_origin(a[0], "adjacentTwoObjsDiag"), _origin(a[1], "adjacentTwoObjsDiag"))


def _adjacent_objs(x: Any, test) -> AList:
    xs = list(x) if type(x) is AList else [x]
    objs = all_objs()
    charge(len(objs) * len(xs))
    return AList([o2 for o2 in all_objs() if any(test(o, o2) for o in xs)])


@lib("adjacentObjs", 2)
def _adjacent_objs_k(a, fr):
    k = need_int(a[1], "adjacentObjs")
    return _adjacent_objs(a[0], lambda o, o2: _manhattan(_origin(o, "adjacentObjs"),
                                                         o2.f["origin"]) <= k)


@lib("adjacentObjsDiag", 1)
def _adjacent_objs_diag(a, fr):
    return _adjacent_objs(a[0], lambda o, o2: _diag(_origin(o, "adjacentObjsDiag"),
                                                    o2.f["origin"]))


@lib("adj", 3)
def _adj(a, fr):
    p, k = _origin(a[0], "adj"), need_int(a[2], "adj")
    return any(_manhattan(p, _origin(o2, "adj")) <= k for o2 in need_list(a[1], "adj"))


# -- clicks and directions ----------------------------------------------------------------------
@lib("objClicked", 1)
def _obj_clicked(a, fr):
    clicked = _NATIVES["clicked"].fn
    return AList([o for o in need_list(a[0], "objClicked") if clicked([o], fr)])


def _unit(dx: int, dy: int) -> Position:
    sx, sy = _sign(wrap32(dx)), _sign(wrap32(dy))
    return Position(sx, 0) if sx and sy else Position(sx, sy)


@lib("unitVector", 2)
def _unit_vector(a, fr):
    p, q = _origin(a[0], "unitVector"), _origin(a[1], "unitVector")
    return _unit(q.x - p.x, q.y - p.y)


@lib("unitVectorObjPos", 2)
def _unit_vector_obj_pos(a, fr):
    p, q = _origin(a[0], "unitVectorObjPos"), need_pos(a[1], "unitVectorObjPos")
    return _unit(q.x - p.x, q.y - p.y)


@lib("unitVectorSinglePos", 1)
def _unit_vector_single_pos(a, fr):
    p = need_pos(a[0], "unitVectorSinglePos")
    return Position(_sign(p.x), _sign(p.y))


# -- nearest ------------------------------------------------------------------------------------
@lib("closest", 2)
def _closest(a, fr):
    o, objs = a[0], need_list(a[1], "closest")
    if not objs:
        return o
    p = _origin(o, "closest")
    best = objs[0]
    bd = sqdist(_origin(best, "closest"), p)
    for c in objs:
        cd = sqdist(_origin(c, "closest"), p)
        if not bd < cd:
            best, bd = c, cd
    return best


def closest_pos(p: Position, ps: list) -> Position:
    if not ps:
        return p
    best = need_pos(ps[0], "closestPos")
    bd = sqdist(best, p)
    for c in ps:
        cd = sqdist(need_pos(c, "closestPos"), p)
        if not bd < cd:
            best, bd = c, cd
    return best


@lib("closestPos", 2)
def _closest_pos(a, fr):
    return closest_pos(_origin(a[0], "closestPos"), need_list(a[1], "closestPos"))


# -- rendering and overlap ----------------------------------------------------------------------
def render_value(x: Any, fr: Any, out: list | None = None) -> list:
    """Cells of ``renderValue x`` (§5.2): objects and (nested) lists of objects, else an error."""
    if out is None:
        out = []
    if type(x) is not AList:
        need_obj(x, "renderValue")
        out.extend(cells(x, fr))
        return out
    epoch = EPOCH[0]
    charge(len(x) + 1)
    for e in x:
        te = type(e)
        if te is Obj:
            f = e.f
            rc = f["elems"].rcache
            o = f["origin"]
            if rc is not None and rc[1] is not None and rc[0] == epoch and type(o) is Position:
                ox, oy = o.x, o.y
                charge(len(rc[1]))
                out.extend([(ox + cx, oy + cy, c) for cx, cy, c in rc[1]])
            else:
                out.extend(cells(e, fr))
        elif te is AList:
            render_value(e, fr, out)
        else:
            need_obj(e, "renderValue")
    return out


@lib("renderValue", 1)
def _render_value(a, fr):
    return AList([RElem(Position(x, y), c) for x, y, c in render_value(a[0], fr)])


def _elem_list(v: Any, fname: str) -> list[tuple[int, int]]:
    return [(_elem_pos(e, fname).x, e.position.y) for e in need_list(v, fname)]


@lib("intersectsElems", 2)
def _intersects_elems(a, fr):
    c1, c2 = _elem_list(a[0], "intersectsElems"), _elem_list(a[1], "intersectsElems")
    return bool(c1) and bool(c2) and not set(c1).isdisjoint(c2)


@lib("intersectsPosElems", 2)
def _intersects_pos_elems(a, fr):
    p = need_pos(a[0], "intersectsPosElems")
    return (p.x, p.y) in set(_elem_list(a[1], "intersectsPosElems"))


@lib("intersectsPosPoss", 2)
def _intersects_pos_poss(a, fr):
    p = a[0]
    return any(aeq(x, p) for x in need_list(a[1], "intersectsPosPoss"))


@lib("intersects", 2)
def _intersects(a, fr):
    c1 = {(x, y) for x, y, _ in render_value(a[0], fr)}
    c2 = {(x, y) for x, y, _ in render_value(a[1], fr)}
    return bool(c1) and bool(c2) and not c1.isdisjoint(c2)


@lib("in", 2)
def _in(a, fr):
    e = a[0]
    return any(aeq(x, e) for x in need_list(a[1], "in"))


# -- free space (previous frame's occupancy, §3.6) ----------------------------------------------
@lib("isFree", 1)
def _is_free(a, fr):
    return is_free(a[0], fr)


@lib("isFreeExcept", 2)
def _is_free_except(a, fr):
    return is_free_except(a[0], a[1], fr)


@lib("isFreePosExceptObj", 2)
def _is_free_pos_except_obj(a, fr):
    p = need_pos(a[0], "isFreePosExceptObj")
    if (p.x, p.y) not in RT.w.occ:
        return True
    return any(x == p.x and y == p.y for x, y, _ in cells(a[1], fr))


@lib("isFreeRangeExceptObj", 3)
def _is_free_range_except_obj(a, fr):
    lo, hi = need_int(a[0], "isFreeRangeExceptObj"), need_int(a[1], "isFreeRangeExceptObj")
    _size(hi - lo, "isFreeRangeExceptObj")
    covered = {(x, y) for x, y, _ in cells(a[2], fr)}
    occ = RT.w.occ
    return all((x, 0) not in occ for x in range(lo, hi) if (x, 0) not in covered)


# -- liquid physics -----------------------------------------------------------------------------
def _liquid_step(o: Obj, hole: Position, fr: Any) -> Obj:
    p = o.f["origin"]
    m = move(o, _sign(wrap32(hole.x - p.x)), 0)
    occ = RT.w.occ
    mo = m.f["origin"]
    if (hole.x, p.y) not in occ and (mo.x, mo.y) not in occ and within_bounds(m, fr):
        return m
    return o


@lib("nextLiquid", 1)
def _next_liquid(a, fr):
    o = a[0]
    p = _origin(o, "nextLiquid")
    n = RT.w.gv["GRID_SIZE"]
    oy = p.y
    if oy != n - 1:
        down = move(o, 0, 1)
        if is_free(down, fr):
            return down
    if oy + 1 == n:
        return o
    occ = RT.w.occ
    ny = wrap32(oy + 1)
    holes = [Position(x, ny) for x in range(n) if (x, ny) not in occ and (x, oy) not in occ]
    if not holes:
        return o
    return _liquid_step(o, closest_pos(p, holes), fr)


@lib("nextLiquidClosestHole", 2)
def _next_liquid_closest_hole(a, fr):
    o, holes = a[0], need_list(a[1], "nextLiquidClosestHole")
    if not holes:
        return o
    return _liquid_step(o, closest_pos(_origin(o, "nextLiquidClosestHole"), holes), fr)


@lib("nextLiquidMoveClosestHole", 2)
def _next_liquid_move_closest_hole(a, fr):
    _origin(a[0], "nextLiquidMoveClosestHole")
    return _liquid_step(a[0], need_pos(a[1], "nextLiquidMoveClosestHole"), fr)


# `apply` is re-exported for library code written against it.
__all__ += ["apply"]
