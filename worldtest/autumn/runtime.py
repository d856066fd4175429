"""Programs and worlds: loading, the tick algorithm, rendering and occupancy.

:class:`Program` is a parsed and compiled Autumn program (immutable, shareable); :class:`World`
is one running instance of it with a seed. The order of work follows ``autumn-language.md``:
loading §3.2, the tick §3.3, input §3.4, rendering §3.5, occupancy §3.6, identity §2.7, deletion
and ``prev`` §4.6, host protocol and trigger §3.8.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Hashable

from worldtest.autumn import natives, syntax as S
from worldtest.autumn.compiler import (
    NOTHING, Compiler, apply, check_assign, eval_thunk, located,
)
from worldtest.autumn.limits import MAX_CELLS, MAX_GRID_SIZE, MAX_SOURCE_BYTES, MAX_WORK_PER_TICK
from worldtest.autumn.prelude import BUILTINS
from worldtest.autumn.reader import SList, Source, read, read_program
from worldtest.autumn.rng import seed_state
from worldtest.autumn.values import (
    GLOBAL, INSTANCE, LOCAL, MISSING, RT, AList, BoundRender, Cell, ClassValue, Frame, Lambda, Native, Obj,
    ObjType, Position, RElem, Thunk, error, kind_of, too_much_work, truthy,
)
from worldtest.errors import AutumnError

__all__ = ["Program", "World", "compile_program", "load_program", "DEFAULT_MAX_CALLS"]

#: Work allowed in one tick before it is stopped as a runaway (§9.2 advice): function calls plus
#: list elements built or traversed. Its value and reasons: :mod:`worldtest.autumn.limits`.
DEFAULT_MAX_CALLS = MAX_WORK_PER_TICK
_ABSENT: Any = object()
_LIBRARY_SENSITIVE: frozenset[str] = frozenset()  # set below, once the library is imported          # "did not exist at tick start" in the snapshot overlay
_BASIC_TYPES = {"Bool", "Number", "Int", "String", "Position", "Cell"}
if sys.getrecursionlimit() < 20000:
    sys.setrecursionlimit(20000)


STDLIB_PATH = Path(__file__).with_name("stdlib.sexp")
#: The reference library's internal local names (autumn-language.md §5.3).
LIBRARY_LOCALS = frozenset(
    "xmin xmax ymin ymax rectPos delta sign_x sign_y prev_elems curr_elems filtered_elems "
    "allCheckedPos filtered_pos wbound fr ret closestHole nextRowPos holes dir movedObj".split())
_STDLIB_CACHE: dict[str, tuple[Source, list]] = {}


def _stdlib_statements() -> tuple[Source, list]:
    """The Autumn-source standard library (``stdlib.sexp``), parsed once per process."""
    if "lib" not in _STDLIB_CACHE:
        src = Source(STDLIB_PATH.read_text(encoding="utf-8"), str(STDLIB_PATH))
        form, _ = read_program(src)
        _STDLIB_CACHE["lib"] = (src, S.Parser(src).program(form))
    return _STDLIB_CACHE["lib"]


class Program:
    """A parsed, checked and compiled Autumn program.

    Args:
        source: the program text.
        filename: used in error messages.
        stdlib: ``"native"`` (default: the library of §5.2 implemented in Python, fast) or
            ``"autumn"`` (the same library written in Autumn, ``worldtest/autumn/stdlib.sexp``,
            loaded before the program as the reference does, §3.1; slower, used to cross-check
            the native one and for bug-compatibility with §5.3's name collisions).
        order: the order of init and next-expressions (Appendix A.1): ``"declaration"``
            (default, the reference) or ``"legacy"`` (reverse declaration order, which matches
            the older build that may have produced the released AutumnBench recordings; it
            changes the frames of programs whose next-expressions read another state variable
            without ``prev``). Rendering is in declaration order either way.

    Raises:
        AutumnError: kind ``parse`` (with file, line and column) for any syntax error, including
            a string literal, integer literal or nesting past the limits of
            :mod:`worldtest.autumn.limits`; ``config`` for an unknown ``stdlib`` or ``order``, or
            a text longer than ``MAX_SOURCE_BYTES`` characters.
    """

    def __init__(self, source: str, filename: str = "<program>", stdlib: str = "native",
                 order: str = "declaration") -> None:
        if stdlib not in ("native", "autumn"):
            raise AutumnError("config", f"stdlib must be 'native' or 'autumn', got {stdlib!r}")
        if order not in ("declaration", "legacy"):
            raise AutumnError("config", f"order must be 'declaration' or 'legacy', got {order!r}")
        if len(source) > MAX_SOURCE_BYTES:
            raise AutumnError("config", f"program text longer than {MAX_SOURCE_BYTES} characters "
                              "(limit MAX_SOURCE_BYTES in worldtest/autumn/limits.py)", filename)
        self.order = order
        self.stdlib = stdlib
        self.source = Source(source, filename)
        form, self.warnings = read_program(self.source)
        stmts = S.Parser(self.source).program(form)
        self.statements = stmts
        type_names = frozenset(s.name for s in stmts if isinstance(s, S.ObjectDef))
        self.local_names = S.local_names(stmts)
        if stdlib == "native":
            clash = sorted(S.bound_names(stmts) & _LIBRARY_SENSITIVE)
            if clash:
                # The reference's library is Autumn source looked up at call time: a program
                # that redefines a library function, or binds a name the library uses as a
                # local (§5.3), changes what the library does. Run such a program on our Autumn
                # library, which reproduces both; every other program keeps the fast one.
                stdlib = self.stdlib = "autumn"
                self.warnings.append(
                    f"{filename}: warning: {', '.join(clash)} "
                    f"{'is a name' if len(clash) == 1 else 'are names'} the standard library "
                    "uses; running on the Autumn-source library for exact reference behaviour")
        self.library: list[tuple[S.ConstDef, Any]] = []
        if stdlib == "autumn":
            lib_src, lib_stmts = _stdlib_statements()
            self.local_names |= S.local_names(lib_stmts)
            lib_comp = Compiler(lib_src, type_names, self.local_names)
            for st in lib_stmts:
                if not isinstance(st, S.ConstDef):
                    raise lib_src.error("parse", "the library may only define (= name expr)",
                                        st.line, st.col)
                if isinstance(st.expr, S.Lam):
                    st.expr.name = st.name
                self.library.append((st, lib_comp.compile(st.expr)))
        self.compiler = Compiler(self.source, type_names, self.local_names)
        comp = self.compiler.compile
        self.state_names: list[str] = []
        self.inits: dict[str, Any] = {}
        self.nexts: list[tuple[str, Any, S.StateDef]] = []
        self.rules: list[tuple[Any, Any, S.OnRule, str]] = []
        self.load_steps: list[tuple[S.Node, Any]] = []
        for st in stmts:
            if isinstance(st, S.StateDef):
                if st.name in self.inits:
                    raise self.source.error("parse", f"state variable '{st.name}' is defined "
                                            "twice", st.line, st.col)
                self.state_names.append(st.name)
                self.inits[st.name] = comp(st.init)
                self.nexts.append((st.name, comp(st.next), st))
            elif isinstance(st, S.OnRule):
                st.index = len(self.rules) + 1
                self.rules.append((comp(st.cond), comp(st.body), st,
                                   f"on-rule #{st.index} (line {st.line})"))
            elif isinstance(st, S.ObjectDef):
                self.load_steps.append((st, comp(st.shape)))
            elif isinstance(st, S.ConstDef):
                if isinstance(st.expr, S.Lam):
                    st.expr.name = st.name
                self.load_steps.append((st, comp(st.expr)))
            elif isinstance(st, S.ExprStmt):
                self.load_steps.append((st, comp(st.expr)))
            else:
                self.load_steps.append((st, None))
        self.state_set = frozenset(self.state_names)
        if order == "legacy":
            self.nexts.reverse()
        self.init_order = [name for name, _, _ in self.nexts]
        self._expr_cache: dict[str, Any] = {}
        self._frame_rate: int | None = None

    @property
    def frame_rate(self) -> int:
        """The program's ``FRAME_RATE`` (ticks per second) as loading binds it, static.

        A top-level ``(= FRAME_RATE <integer literal>)`` (every shipped program) is read from
        the syntax; any other definition is evaluated once by loading the program with seed 0.
        Either way the value equals :attr:`World.frame_rate` right after load: the last
        definition wins; unset, it is the built-in 8 (natives); not an integer, 16.

        Raises:
            AutumnError: the program fails to load (only when FRAME_RATE is not a literal).
        """
        if self._frame_rate is None:
            defs = [st for st in self.statements
                    if isinstance(st, S.ConstDef) and st.name == "FRAME_RATE"]
            other = any(isinstance(st, S.StateDef) and st.name == "FRAME_RATE"
                        for st in self.statements)
            if defs and not other and isinstance(defs[-1].expr, S.Lit):
                value = defs[-1].expr.value
                self._frame_rate = value if type(value) is int else 16
            else:
                self._frame_rate = self.start(0).frame_rate
        return self._frame_rate

    def start(self, seed: int, *, trigger: str | None = None,
              max_calls: int = DEFAULT_MAX_CALLS) -> "World":
        """Load the program with ``seed`` and render frame 0 (§3.2).

        Args:
            seed: the generator seed (§6); 0 is degenerate, as in the reference.
            trigger: an optional change-detection condition evaluated at step 3 of every tick
                into ``SpecialConditionTriggered`` (§3.8).
            max_calls: the per-tick work budget (function calls plus list elements built or
                traversed) before a ``runaway`` error; also the budget of loading, of each
                render and of each :meth:`World.evaluate`.

        Raises:
            AutumnError: any load-time error, with its position and context.
        """
        return World(self, seed, trigger, max_calls)

    def expression(self, text: str) -> Any:
        """Compile expression text (outer parentheses optional, §3.8); cached per text.

        Raises:
            AutumnError: kind ``parse`` naming the position inside ``text``.
        """
        fn = self._expr_cache.get(text)
        if fn is None:
            src = Source(text, "<expression>")
            forms = read(src)
            if not forms:
                raise src.error("parse", "empty expression", 1, 1)
            form = forms[0] if len(forms) == 1 and isinstance(forms[0], SList) else \
                SList(forms, 1, 1)
            node = S.Parser(src).expr(form)
            fn = Compiler(src, self.compiler.type_names).compile(node)
            if not S.local_names([node]) <= self.local_names | {"origin", "elems", "e"}:
                # The expression binds a name the program's compiled lookups assume global:
                # evaluate it (and every program function it calls) with exact scoping.
                inner = fn

                def fn(frame: Frame, inner: Any = inner) -> Any:
                    RT.w.exact_scope += 1
                    try:
                        return inner(frame)
                    finally:
                        RT.w.exact_scope -= 1
            self._expr_cache[text] = fn
        return fn


def _library_sensitive() -> frozenset[str]:
    from worldtest.autumn.stdlib import LIBRARY
    return frozenset(LIBRARY) | LIBRARY_LOCALS


_LIBRARY_SENSITIVE = _library_sensitive()


def compile_program(source: str, filename: str = "<program>", stdlib: str = "native",
                    order: str = "declaration") -> Program:
    """Parse and compile Autumn source text. See :class:`Program`."""
    return Program(source, filename, stdlib, order)


def load_program(path: str, stdlib: str = "native", order: str = "declaration") -> Program:
    """Read, parse and compile the Autumn program in file ``path`` (UTF-8 text).

    Raises:
        AutumnError: kind ``parse`` naming ``path:line:col`` (also for a byte that is not UTF-8);
            kind ``config`` if unreadable or larger than
            :data:`~worldtest.autumn.limits.MAX_SOURCE_BYTES`.
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SOURCE_BYTES + 1)
    except OSError as e:
        raise AutumnError("config", f"cannot read program: {e.strerror}", str(path)) from None
    if len(data) > MAX_SOURCE_BYTES:
        raise AutumnError("config", f"program file larger than {MAX_SOURCE_BYTES} bytes (limit "
                          "MAX_SOURCE_BYTES in worldtest/autumn/limits.py)", str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        start = data.rfind(b"\n", 0, e.start) + 1
        col = len(data[start:e.start].decode("utf-8", errors="replace")) + 1
        shown = data[start:data.find(b"\n", e.start) if b"\n" in data[e.start:] else len(data)]
        raise AutumnError("parse", f"byte 0x{data[e.start]:02x} is not valid UTF-8: a program "
                          "must be UTF-8 text", str(path), line, col,
                          source_line=shown.decode("utf-8", errors="replace")) from None
    # universal newlines, as reading in text mode did
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Program(text, str(path), stdlib, order)


class World:
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


def _key(v: Any) -> Hashable:
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
            k: Hashable = ("L",) + tuple(_key(x) for x in v)
        else:
            k = (v.otype.name,) + tuple(_key(x) if name != "elems" else _elems_key(x)
                                        for name, x in v.f.items())
        v.kcache = (epoch, k)
        return k
    if t is Cell:
        return ("C", _key(v.x), _key(v.y), _key(v.color))
    if t is Thunk:
        if v.const is not MISSING:
            return ("T", v.const)
        return ("T", id(v.node)) + tuple(sorted((k, _key(x)) for k, x in v.captured.items()
                                                if type(x) in (int, str, bool, Position)))
    if v is _ABSENT:
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
    return _key(elems)


def _tname(t: Any) -> str:
    return f"(List {_tname(t[1])})" if isinstance(t, tuple) else str(t)


__all__ += ["NOTHING"]
