"""Rendering (§3.5), occupancy (§3.6) and the observation of a world's frame.

:class:`Rendering` is a base of :class:`~worldtest.autumn.world.World`: its methods read the
world's globals (``gv``, ``g``), work budget (``calls``, ``max_calls``) and render cache.
"""

from __future__ import annotations

from typing import Any

from worldtest.autumn import natives
from worldtest.autumn.compiler import eval_thunk
from worldtest.autumn.limits import MAX_CELLS
from worldtest.autumn.values import (
    INSTANCE, LOCAL, MISSING, RT, AList, Cell, Frame, Obj, Position, RElem, error, kind_of,
    too_much_work,
)
from worldtest.errors import AutumnError

__all__ = ["Rendering"]


class Rendering:
    """Rendering, occupancy and observation of a :class:`~worldtest.autumn.world.World`.

    Attributes (set by ``World``):
        cells: the last render: ``(x, y, colour)`` in paint order.
        occ: the set of occupied ``(x, y)`` of the last render.
    """

    # -- rendering and occupancy --------------------------------------------------------------
    def cells_of(self, v: Any, frame: Frame, out: list) -> bool:
        """Append the cells of ``v`` (objects, nested lists) to ``out``; True if all static."""
        t = type(v)
        if t is Obj:
            return self._obj_cells(v, frame, out)
        if t is AList:
            self.calls += len(v) + 1
            if self.calls > self.max_calls:
                raise too_much_work(self.max_calls)
            static = True
            for x in v:
                tx = type(x)
                if tx is Obj:
                    static = self._obj_cells(x, frame, out) and static
                elif tx is AList:
                    static = self.cells_of(x, frame, out) and static
            return static
        return True

    def _obj_cells(self, o: Obj, frame: Frame, out: list) -> bool:
        f = o.f
        origin = f["origin"]
        if type(origin) is not Position:
            raise error("type", f"the origin of {o.otype.name} is a {kind_of(origin)}, not a "
                        "Position")
        ox, oy = origin.x, origin.y
        elems = f["elems"]
        rc = elems.rcache
        if rc is None or rc[0] != natives.EPOCH[0]:
            statics = []
            for c in elems:
                if type(c) is not Cell:
                    raise error("type", f"the shape of {o.otype.name} holds a {kind_of(c)}; a "
                                "shape must be a flat list of Cells (use concat)")
                if c.static is None:
                    statics = None
                    break
                statics.append(c.static)
            rc = elems.rcache = (natives.EPOCH[0], statics)
        statics = rc[1]
        self.calls += len(elems)
        if self.calls > self.max_calls:
            raise too_much_work(self.max_calls)
        if statics is not None:
            out.extend([(ox + x, oy + y, c) for x, y, c in statics])
            return True
        inst = Frame(f, frame, INSTANCE)
        for c in elems:
            if type(c) is not Cell:
                raise error("type", f"the shape of {o.otype.name} holds a {kind_of(c)}; a shape "
                            "must be a flat list of Cells (use concat)")
            st = c.static
            if st is not None:
                out.append((ox + st[0], oy + st[1], st[2]))
                continue
            base = Frame({"e": c}, Frame({}, inst, LOCAL), LOCAL)
            x, y, col = eval_thunk(c.x, base), eval_thunk(c.y, base), eval_thunk(c.color, base)
            if type(x) is not int or type(y) is not int:
                raise error("type", f"a cell of {o.otype.name} has a non-Number position "
                            f"({kind_of(x)}, {kind_of(y)})")
            if type(col) is not str:
                raise error("type", f"a cell of {o.otype.name} has a colour that is a "
                            f"{kind_of(col)}, not a String")
            out.append((ox + x, oy + y, col))
        return False

    def render_elems(self, o: Any, frame: Frame) -> AList:
        """``((.. o render))``: the object's cells as a list of RenderedElems."""
        out: list = []
        self.cells_of(o, frame, out)
        return AList([RElem(Position(x, y), c) for x, y, c in out])

    def render(self) -> list[tuple[int, int, str]]:
        """Render the current frame (§3.5) and rebuild occupancy (§3.6)."""
        RT.w = self
        self.calls = 0
        out: list = []
        gv, g, rcache = self.gv, self.g, self.rcache
        epoch = natives.EPOCH[0]
        names = self._render_names()
        try:
            for name in names:
                v = gv.get(name, MISSING)
                if v is MISSING:
                    continue
                t = type(v)
                if t is not Obj and t is not AList:
                    continue
                hit = rcache.get(name)
                if hit is not None and hit[0] is v and hit[1] == epoch:
                    out.extend(hit[2])
                    continue
                part: list = []
                if self.cells_of(v, g, part):
                    rcache[name] = (v, epoch, part)
                out.extend(part)
            if len(out) > MAX_CELLS:
                raise error("runaway", f"{len(out)} cells to render: more than {MAX_CELLS} "
                            "(limit MAX_CELLS in worldtest/autumn/limits.py): the program "
                            "probably makes objects without end")
        except RecursionError:
            self.failed = True
            raise AutumnError("runaway", "values nested too deep to render",
                              self.program.source.filename, context=[f"render of {name}"]) \
                from None
        except AutumnError as e:
            self.failed = True
            e.filename = self.program.source.filename
            e.context.append(f"render of {name}")
            raise
        self.cells = out
        self.occ = {(x, y) for x, y, _ in out}
        self._grid = None
        return out

    def _render_names(self) -> list[str]:
        cached = self.__dict__.get("_rnames")
        if cached is not None and cached[0] == len(self.order):
            return cached[1]
        p = self.program
        names = p.state_names + [n for n in self.order if n not in p.state_set]
        self._rnames = (len(self.order), names)
        return names

    # -- observation --------------------------------------------------------------------------
    @property
    def grid_size(self) -> int:
        n = self.gv.get("GRID_SIZE")
        if type(n) is not int or n <= 0:
            raise AutumnError("config", f"GRID_SIZE must be a positive Number, got {n!r}",
                              self.program.source.filename)
        return n

    @property
    def background(self) -> str:
        b = self.gv.get("background")
        if type(b) is not str:
            raise AutumnError("config", "background must be a String",
                              self.program.source.filename)
        return b

    @property
    def frame_rate(self) -> int:
        r = self.gv.get("FRAME_RATE", 16)
        return r if type(r) is int else 16

    def grid(self) -> list[list[str]]:
        """The current frame: ``grid[y][x]`` colour names, background-filled (§3.5)."""
        if self._grid is None:
            n, bg = self.grid_size, self.background
            rows = [[bg] * n for _ in range(n)]
            for x, y, c in self.cells:
                if 0 <= x < n and 0 <= y < n:
                    rows[y][x] = c
            self._grid = rows
        return [r[:] for r in self._grid]

    @property
    def triggered(self) -> bool:
        """``SpecialConditionTriggered``: the trigger's value at step 3 of the last tick (§3.8).

        Step 3 runs after the tick's input is injected and before any rule, on the state the
        previous tick left, so the trigger may read ``clicked``, the arrows and ``prev``.
        """
        return self.gv.get("SpecialConditionTriggered") is True
