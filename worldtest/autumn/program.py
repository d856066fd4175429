"""Programs: parsing, checking and compiling Autumn source, loading it from a file.

:class:`Program` is a parsed and compiled Autumn program (immutable, shareable);
:meth:`Program.start` makes a :class:`~worldtest.autumn.world.World` of it with a seed. Loading
follows ``autumn-language.md`` §3.2; the expression text of §3.8 is compiled here too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from worldtest.autumn import syntax as S
from worldtest.autumn.compiler import Compiler
from worldtest.autumn.limits import MAX_SOURCE_BYTES, MAX_WORK_PER_TICK
from worldtest.autumn.reader import SList, Source, read, read_program
from worldtest.autumn.values import RT, Frame
from worldtest.autumn.world import World
from worldtest.errors import AutumnError

__all__ = ["Program", "compile_program", "load_program", "DEFAULT_MAX_CALLS", "LIBRARY_LOCALS",
           "STDLIB_PATH"]

#: Work allowed in one tick before it is stopped as a runaway (§9.2 advice): function calls plus
#: list elements built or traversed. Its value and reasons: :mod:`worldtest.autumn.limits`.
DEFAULT_MAX_CALLS = MAX_WORK_PER_TICK
_LIBRARY_SENSITIVE: frozenset[str] = frozenset()  # set below, once the library is imported
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
