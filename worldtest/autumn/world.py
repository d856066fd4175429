"""Worlds: one running instance of a program, its loading and its tick loop.

:class:`World` is a :class:`~worldtest.autumn.program.Program` running with a seed. The order of
work follows ``autumn-language.md``: loading §3.2, the tick §3.3, input §3.4, identity §2.7,
deletion and ``prev`` §4.6, host protocol and trigger §3.8. Rendering and occupancy (§3.5, §3.6)
are in :mod:`worldtest.autumn.render`, state keys in :mod:`worldtest.autumn.keys`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Hashable

from worldtest.autumn import natives, syntax as S
from worldtest.autumn.compiler import apply, check_assign, located
from worldtest.autumn.keys import ABSENT as _ABSENT, state_value_key as _key
from worldtest.autumn.limits import MAX_GRID_SIZE
from worldtest.autumn.prelude import BUILTINS
from worldtest.autumn.render import Rendering
from worldtest.autumn.rng import seed_state
from worldtest.autumn.values import (
    GLOBAL, INSTANCE, LOCAL, MISSING, RT, AList, BoundRender, Cell, ClassValue, Frame, Lambda,
    Native, Obj, ObjType, Position, RElem, Thunk, error, kind_of, too_much_work, truthy,
)
from worldtest.errors import AutumnError

if TYPE_CHECKING:
    from worldtest.autumn.program import Program

__all__ = ["World"]

_BASIC_TYPES = {"Bool", "Number", "Int", "String", "Position", "Cell"}


class World(Rendering):
    """One running instance of a :class:`Program` (use :meth:`Program.start`).

    Attributes:
        tick: ticks run since load (frame ``tick`` is the current frame).
        grid_size: side of the square grid, in cells.
        background: the colour name of empty cells.
        frame_rate: the program's ``FRAME_RATE`` (ticks per second on the web player).
        cells: the last render: ``(x, y, colour)`` in paint order.
    """

    def __init__(self, program: Program, seed: int, trigger: str | None, max_calls: int) -> None:
        self.program = program
        self.seed = seed
        self.rng = seed_state(seed)
        self.max_calls = max_calls
        self.calls = 0
        self.exact_scope = 0
        self.tick = 0
        self.failed = False
        self.loading = True
        self.click: tuple[int, int] | None = None
        self.k_left = self.k_right = self.k_up = self.k_down = False
        self.tick_old: dict[str, Any] = {}
        self.assigned: set[str] = set()
        self.classes: dict[str, Any] = dict(natives.CLASSES)
        self.decl_types: dict[str, Any] = {}
        self.gv: dict[str, Any] = dict(BUILTINS)
        self.g = Frame(self.gv, None, GLOBAL)
        self.order: list[str] = []
        self.rcache: dict[str, tuple] = {}
        self.trigger = program.expression(trigger) if trigger else None
        self._grid: list[list[str]] | None = None
        # Occupancy is the previous frame's (§3.6); during loading there is none yet.
        self.cells: list = []
        self.occ: set = set()
        RT.w = self
        self._run(self._load, "load")
        self.loading = False
        self.render()
        self._check_grid_size(self.gv.get("GRID_SIZE"))

    # -- loading ------------------------------------------------------------------------------
    def _load(self) -> None:
        p = self.program
        for st, fn in p.library:
            # Library definitions replace the native library entries in place (§3.1 order).
            try:
                self.gv[st.name] = fn(self.g)
            except AutumnError as e:
                raise self._context(e, f"library definition of {st.name}")
        for st, fn in p.load_steps:
            ctx = f"top-level statement at line {st.line}"
            try:
                if isinstance(st, S.ObjectDef):
                    types = tuple(self._resolve_type(t, st) for _, t in st.fields)
                    otype = ObjType(st.name, tuple(f for f, _ in st.fields), types, fn, st)
                    self.classes[st.name] = ClassValue(st.name, otype)
                elif isinstance(st, S.TypeDecl):
                    self.decl_types[st.name] = self._resolve_type(st.type, st)
                elif isinstance(st, S.ConstDef):
                    v = fn(self.g)
                    if st.name in self.gv:
                        self.assign_global(st.name, v)
                    else:
                        self.create_global(st.name, v)
                elif isinstance(st, S.ExprStmt):
                    fn(self.g)
            except AutumnError as e:
                raise self._context(located(e, st, p.source), ctx)
        for name in p.init_order:
            try:
                self.create_global(name, p.inits[name](self.g))
            except AutumnError as e:
                raise self._context(e, f"init of {name}")
        self.assigned.clear()
        self.tick_old = {}

    def _check_grid_size(self, n: Any) -> None:
        """Refuse a ``GRID_SIZE`` that is not a Number in ``[1, MAX_GRID_SIZE]`` (kind ``config``),
        naming the program's top-level definition of it when there is one."""
        if type(n) is int and 0 < n <= MAX_GRID_SIZE:
            return
        why = (f"more than {MAX_GRID_SIZE} (limit MAX_GRID_SIZE in worldtest/autumn/limits.py)"
               if type(n) is int and n > 0 else "GRID_SIZE must be a positive Number")
        err = AutumnError("config", f"GRID_SIZE is {n if type(n) is int else kind_of(n)}: {why}",
                          self.program.source.filename)
        for st in self.program.statements:
            if isinstance(st, S.ConstDef) and st.name == "GRID_SIZE":
                located(err, st, self.program.source)
        self.failed = True
        raise err

    def _resolve_type(self, t: Any, st: S.Node) -> Any:
        if isinstance(t, tuple):
            return ("List", self._resolve_type(t[1], st))
        if t in _BASIC_TYPES or (t in self.classes and self.classes[t].otype is not None):
            return t
        raise located(error("undefined-name", f"undefined type '{t}' (objects must be defined "
                            "before annotations that mention them)"), st, self.program.source)

    # -- stepping -----------------------------------------------------------------------------
    def step(self, event: Any = None) -> None:
        """Inject ``event`` and run exactly one tick, then render (§3.3, §3.8).

        Args:
            event: None (noop), ``"left"``, ``"right"``, ``"up"``, ``"down"`` or
                ``("click", x, y)`` with x the column and y the row.

        Raises:
            AutumnError: a runtime error (the world is then failed and refuses further steps),
                kind ``failed`` when stepped after an earlier error, or ``config`` for an
                unknown event.
        """
        if self.failed:
            raise AutumnError("failed", "this world stopped at an earlier runtime error",
                              self.program.source.filename)
        if event is None:
            pass
        elif type(event) is tuple and len(event) == 3 and event[0] == "click":
            self.click = (int(event[1]), int(event[2]))
        elif event == "left":
            self.k_left = True
        elif event == "right":
            self.k_right = True
        elif event == "up":
            self.k_up = True
        elif event == "down":
            self.k_down = True
        else:
            raise AutumnError("config", f"unknown event {event!r}; expected None, 'left', "
                              "'right', 'up', 'down' or ('click', x, y)")
        RT.w = self
        try:
            self._run(self._tick, f"tick {self.tick + 1}")
        finally:
            self.click = None
            self.k_left = self.k_right = self.k_up = self.k_down = False
        self.tick += 1
        self.render()

    def _tick(self) -> None:
        self.tick_old = {}
        self.assigned = set()
        self.calls = 0
        g = self.g
        if self.trigger is not None:
            try:
                self._gset("SpecialConditionTriggered", truthy(self.trigger(g)))
            except AutumnError as e:
                raise self._context(e, "the trigger condition")
        for cond, body, rule, label in self.program.rules:
            try:
                c = cond(g)
                if type(c) in (Lambda, Native, BoundRender):
                    c = apply(c, [], g)
                if type(c) is not bool:
                    raise located(error("type", f"an on-rule condition must be a Bool, got a "
                                        f"{kind_of(c)}"), rule.cond, self.program.source)
                if c:
                    body(g)
            except AutumnError as e:
                raise self._context(e, label)
            except RecursionError:
                raise self._runaway(rule, label) from None
        gv, assigned = self.gv, self.assigned
        for name, nxt, st in self.program.nexts:
            if name in assigned or name not in gv:
                continue
            try:
                v = nxt(g)
                if name in gv:
                    self.assign_global(name, v)
                else:
                    # the next-expression deleted its own variable (one-argument removeObj):
                    # the update re-creates it, as a top-level (= x ...) does (§4.6)
                    self.create_global(name, v)
            except AutumnError as e:
                raise self._context(located(e, st.next, self.program.source),
                                    f"next-expression of {name} (line {st.line})")
            except RecursionError:
                raise self._runaway(st, f"next-expression of {name} (line {st.line})") from None
        self.tick_old = {}

    def _run(self, fn: Any, what: str) -> None:
        try:
            fn()
        except AutumnError as e:
            self.failed = True
            if not e.filename or e.filename == "<program>":
                e.filename = self.program.source.filename
            e.context.insert(0, what)
            raise
        except RecursionError:
            self.failed = True
            self.exact_scope = 0
            raise AutumnError("runaway", "recursion too deep: the program probably recurses "
                              "without end", self.program.source.filename, context=[what]) \
                from None

    def _runaway(self, node: S.Node, label: str) -> AutumnError:
        err = error("runaway", "recursion too deep: the program probably recurses without end")
        return self._context(located(err, node, self.program.source), label)

    @staticmethod
    def _context(e: AutumnError, label: str) -> AutumnError:
        e.context.append(label)
        return e

    # -- globals, assignment, identity --------------------------------------------------------
    def _gset(self, name: str, v: Any) -> None:
        gv = self.gv
        if name not in self.tick_old:
            self.tick_old[name] = gv.get(name, _ABSENT)
        gv[name] = v

    def assign_global(self, name: str, v: Any) -> None:
        """Replace an existing global: type check, identity stamp, mark (§2.3, §2.7, §4.3)."""
        check_assign(self.gv[name], v, name)
        if name == "GRID_SIZE" and not (type(v) is int and 0 < v <= MAX_GRID_SIZE):
            raise error("config", f"GRID_SIZE set to {v if type(v) is int else kind_of(v)}: "
                        f"it must be a Number from 1 to {MAX_GRID_SIZE} (limit MAX_GRID_SIZE "
                        "in worldtest/autumn/limits.py)")
        self._gset(name, v)
        self.assigned.add(name)

    def create_global(self, name: str, v: Any) -> None:
        """Create a global (unmarked), appending it to the definition order the first time."""
        if name not in self.order and name not in BUILTINS:
            self.order.append(name)
        self._gset(name, v)

    def delete_global(self, v: Any) -> None:
        """One-argument ``removeObj``: delete the global whose value has ``v``'s identity."""
        iid = getattr(v, "iid", None)
        if iid is None:
            return
        for name, val in self.gv.items():
            if getattr(val, "iid", None) == iid:
                if name not in self.tick_old:
                    self.tick_old[name] = val
                del self.gv[name]
                return

    def prev(self, name: str) -> Any:
        """``(prev name)``: the value ``name`` had at the start of this tick (§4.6)."""
        if self.loading:
            raise error("prev", f"(prev {name}) during loading: no tick has started yet")
        v = self.tick_old.get(name, MISSING)
        if v is MISSING:
            v = self.gv.get(name, _ABSENT)
        if v is _ABSENT:
            raise error("prev", f"'{name}' was not a global at the start of this tick")
        return v

    def prev_identity(self, value: Any) -> Any:
        """``(prev expr)``: the snapshot variable whose value has ``value``'s identity."""
        if self.loading:
            raise error("prev", "prev during loading: no tick has started yet")
        iid = getattr(value, "iid", None)
        if iid is not None:
            snapshot = {**self.gv, **self.tick_old}
            for v in snapshot.values():
                if v is not _ABSENT and getattr(v, "iid", None) == iid:
                    return v
        raise error("prev", f"no variable held this {kind_of(value)} at the start of the tick")

    def define_click(self) -> None:
        """(Re)define the global ``click`` from the pending click (§3.4)."""
        p = Position(*self.click)
        if "click" in self.gv:
            check_assign(self.gv["click"], p, "click")
            self._gset("click", p)
        else:
            self.create_global("click", p)

    # -- construction -------------------------------------------------------------------------
    def construct(self, cls: ClassValue, args: list, frame: Frame) -> Any:
        """Call a class value: build an object (§4.5), a Position, a Cell or a RenderedElem."""
        name = cls.name
        if name == "Position":
            if len(args) != 2 or type(args[0]) is not int or type(args[1]) is not int:
                raise error("type", "Position takes exactly two Numbers, got "
                            + " ".join(kind_of(a) for a in args))
            return Position(args[0], args[1])
        if name == "Cell":
            if len(args) != 3:
                raise error("arity", f"Cell takes exactly 3 arguments, got {len(args)}")
            return Cell(*(Thunk(None, None, {}, a) for a in args))
        if name == "RenderedElem":
            if len(args) < 2:
                raise error("arity", "RenderedElem takes a Position and a colour")
            return RElem(args[0], args[1])
        otype: ObjType = cls.otype
        self.calls += 1
        if self.calls > self.max_calls:
            raise too_much_work(self.max_calls)
        nf = len(otype.fields)
        if len(args) < nf + 1:
            raise error("arity", f"{name} takes {nf + 1} argument(s) "
                        f"({' '.join(otype.fields + ('origin',))}), got {len(args)}")
        fields = dict(zip(otype.fields, args))
        origin = args[nf]
        if type(origin) is not Position:
            raise error("type", f"the origin of {name} must be a Position, got a "
                        f"{kind_of(origin)}")
        for fname, t in zip(otype.fields, otype.types):
            if not self.type_ok(fields[fname], t):
                raise error("type", f"field '{fname}' of {name} must be a {_tname(t)}, got a "
                            f"{kind_of(fields[fname])}")
        fields["origin"] = origin
        inst = Frame(fields, frame, INSTANCE)
        shape = otype.shape(Frame({}, inst, LOCAL))
        elems = shape if type(shape) is AList else AList([shape])
        f = dict(fields)
        f["elems"] = elems
        return Obj(otype, f)

    def type_ok(self, v: Any, t: Any) -> bool:
        """Whether ``v`` has declared type ``t`` (§2.3 rule 1)."""
        if isinstance(t, tuple):
            if type(v) is not AList:
                return False
            self.calls += len(v)
            if self.calls > self.max_calls:
                raise too_much_work(self.max_calls)
            return all(self.type_ok(x, t[1]) for x in v)
        if t in ("Number", "Int"):
            return type(v) is int
        if t == "Bool":
            return type(v) is bool
        if t == "String":
            return type(v) is str
        if t == "Position":
            return type(v) is Position
        if t == "Cell":
            return type(v) is Cell
        return type(v) is Obj and v.otype.name == t


    def evaluate(self, text: str) -> Any:
        """Evaluate expression text on the current state (outer parentheses optional, §3.8).

        The evaluation has its own work budget (``max_calls``), like a tick.

        Raises:
            AutumnError: any parse or runtime error of the expression; ``runaway`` past the
                budget or the recursion limit.
        """
        fn = self.program.expression(text)
        RT.w = self
        self.calls = 0
        try:
            return fn(self.g)
        except RecursionError:
            raise AutumnError("runaway", "recursion too deep: the expression probably recurses "
                              "without end", "<expression>") from None

    def condition(self, text: str) -> bool:
        """The truthiness (§2.4) of :meth:`evaluate`."""
        return truthy(self.evaluate(text))

    def copy(self) -> "World":
        """An independent fork of this world (values are immutable, so sharing is safe)."""
        w = World.__new__(World)
        w.__dict__.update(self.__dict__)
        w.gv = dict(self.gv)
        w.g = Frame(w.gv, None, GLOBAL)
        w.order = list(self.order)
        w.rcache = dict(self.rcache)
        w.tick_old = {}
        w.assigned = set()
        return w

    def state_key(self, ignore: tuple[str, ...] = ()) -> Hashable:
        """A hashable digest of the state (globals, generator, click) for search dedup.

        Two worlds with equal keys behave identically from here on, identities aside.

        Args:
            ignore: globals to leave out, e.g. ``("click",)``: the last click position persists
                (§3.4) but most programs never read it outside a click tick, so a search may
                treat states differing only there as one.
        """
        names = self.program.state_names + [n for n in self.order if n not in ignore]
        return (self.rng, tuple(_key(self.gv.get(n, _ABSENT)) for n in names))


def _tname(t: Any) -> str:
    return f"(List {_tname(t[1])})" if isinstance(t, tuple) else str(t)
