"""Autumn runtime values (``autumn-language.md`` §2) and the frames they live in (§4.1).

Numbers are Python ``int`` (wrapped to 32 bits by the arithmetic), Bools are ``bool`` (always
tested with ``type(v) is bool``: a Bool never acts as a Number, §2.1), Strings are ``str``. Lists,
objects and records carry an identity token ``iid`` (§2.7), a plain integer drawn from one counter,
so that identity survives the stamping that assignment performs.
"""

from __future__ import annotations

from itertools import count
from typing import Any, Callable

from worldtest.autumn.limits import MAX_LIST
from worldtest.errors import AutumnError

__all__ = [
    "MISSING", "GLOBAL", "LOCAL", "INSTANCE", "Frame", "AList", "Position", "Cell", "Thunk",
    "RElem", "ObjType", "Obj", "Lambda", "Native", "BoundRender", "ClassValue", "new_iid",
    "truthy", "aeq", "kind_of", "wrap32", "Runtime", "RT", "charge", "too_much_work",
]

MISSING: Any = object()
GLOBAL, LOCAL, INSTANCE = 0, 1, 2
_ids = count(1)
new_iid = _ids.__next__


def wrap32(v: int) -> int:
    """Wrap ``v`` to a signed 32-bit integer (two's complement, §2.6)."""
    if -2147483648 <= v <= 2147483647:
        return v
    return ((v + 2147483648) & 0xFFFFFFFF) - 2147483648


class Frame:
    """A scope: a name -> value dict and a parent (§4.1). Lookup is dynamic (§4.2)."""

    __slots__ = ("vars", "parent", "kind")

    def __init__(self, vars: dict, parent: "Frame | None", kind: int = LOCAL) -> None:
        self.vars = vars
        self.parent = parent
        self.kind = kind


class AList(list):
    """An Autumn list: a Python list with an identity token and a render cache slot.

    Every list a program builds is made here, so this is where list length is bounded and list
    building is charged to the tick's work budget (see :mod:`worldtest.autumn.limits`).

    Raises:
        AutumnError: kind ``runaway`` for a list longer than ``MAX_LIST`` elements, or when its
            elements take the tick past its work budget.
    """

    __slots__ = ("iid", "rcache", "kcache")

    def __init__(self, items: Any = ()) -> None:
        _list_init(self, items)
        n = len(self)
        if n:
            w = RT.w
            if w is not None:
                w.calls += n
                if w.calls > w.max_calls or n > MAX_LIST:
                    _too_long(n, w.max_calls)
        self.iid = new_iid()
        self.rcache = None
        self.kcache = None


_list_init = list.__init__


def _too_long(n: int, budget: int) -> None:
    if n > MAX_LIST:
        raise error("runaway", f"a list of {n} elements: more than {MAX_LIST} (limit MAX_LIST in "
                    "worldtest/autumn/limits.py)")
    raise too_much_work(budget)


class Position:
    """The built-in record ``(Position x y)``: Number fields ``x`` and ``y``."""

    __slots__ = ("x", "y", "iid")

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y
        self.iid = new_iid()

    def __repr__(self) -> str:
        return f"(Position {self.x} {self.y})"


class Thunk:
    """A deferred Cell component (§4.5): an expression node with its capture table.

    ``const`` holds the value when it is known without evaluation (a trial-evaluated Number, or a
    literal String); otherwise it is :data:`MISSING` and ``fn`` (the compiled node) is run in a
    frame holding ``captured`` whose parent is the frame current at evaluation time. ``node`` is
    the source node; two deferred expressions are equal iff built from the same node (§2.5), and a
    constant gets a fresh node (None: never equal to another).
    """

    __slots__ = ("node", "fn", "captured", "const", "uses_e")

    def __init__(self, node: Any, fn: Callable | None, captured: dict, const: Any,
                 uses_e: bool = False) -> None:
        self.node = node
        self.fn = fn
        self.captured = captured
        self.const = const
        self.uses_e = uses_e


class Cell:
    """The built-in record ``(Cell x y color)``; each component is a :class:`Thunk`.

    ``static`` caches ``(x, y, color)`` when all three components are constants (the common case:
    numeric offsets and a literal colour), so rendering needs no evaluation.
    """

    __slots__ = ("x", "y", "color", "iid", "static")

    def __init__(self, x: Thunk, y: Thunk, color: Thunk) -> None:
        self.x, self.y, self.color = x, y, color
        self.iid = new_iid()
        self.refresh()

    def refresh(self) -> None:
        """Recompute the static cache (after an in-place rotation, §5.1 ``rotate``)."""
        cx, cy, cc = self.x.const, self.y.const, self.color.const
        if cx is not MISSING and cy is not MISSING and type(cc) is str \
                and type(cx) is int and type(cy) is int:
            self.static = (cx, cy, cc)
        else:
            self.static = None


class RElem:
    """The internal record RenderedElem: ``position`` (a Position) and ``color`` (a String)."""

    __slots__ = ("position", "color", "iid")

    def __init__(self, position: Position, color: str) -> None:
        self.position = position
        self.color = color
        self.iid = new_iid()


class ObjType:
    """A user object type (§2.2): declared fields with their types, and the compiled shape."""

    __slots__ = ("name", "fields", "types", "shape", "node")

    def __init__(self, name: str, fields: tuple[str, ...], types: tuple, shape: Callable,
                 node: Any) -> None:
        self.name, self.fields, self.types, self.shape, self.node = name, fields, types, shape, node


class Obj:
    """An object instance: type, field dict (declared fields, ``origin``, ``elems``), identity."""

    __slots__ = ("otype", "f", "iid", "kcache")

    def __init__(self, otype: ObjType, f: dict) -> None:
        self.otype = otype
        self.f = f
        self.iid = new_iid()
        self.kcache = None

    def copy_with(self, name: str, value: Any) -> "Obj":
        """A copy with a fresh identity, ``name`` replaced, every other field shared (§2.2)."""
        f = self.f.copy()
        f[name] = value
        o = Obj.__new__(Obj)
        o.otype = self.otype
        o.f = f
        o.iid = new_iid()
        o.kcache = None
        return o

    def __repr__(self) -> str:
        o = self.f["origin"]
        return f"({self.otype.name} at {o.x} {o.y})"


class Lambda:
    """A user function (``fn``/``-->``): parameters and compiled body; no closure (§4.2)."""

    __slots__ = ("params", "body", "name", "node")

    def __init__(self, params: tuple[str, ...], body: Callable, name: str, node: Any) -> None:
        self.params, self.body, self.name, self.node = params, body, name, node


class Native:
    """A built-in function implemented in Python: ``fn(args, frame)``."""

    __slots__ = ("name", "fn", "min_args", "max_args")

    def __init__(self, name: str, fn: Callable, min_args: int, max_args: int | None) -> None:
        self.name, self.fn, self.min_args, self.max_args = name, fn, min_args, max_args


class BoundRender:
    """``(.. obj render)``: a zero-argument function giving the object's RenderedElems."""

    __slots__ = ("obj",)

    def __init__(self, obj: Obj) -> None:
        self.obj = obj


class ClassValue:
    """The value of a type name used as an expression; calling it constructs (§2.1)."""

    __slots__ = ("name", "otype")

    def __init__(self, name: str, otype: ObjType | None = None) -> None:
        self.name, self.otype = name, otype


FUNCTION_TYPES = (Lambda, Native, BoundRender)


def truthy(v: Any) -> bool:
    """Autumn truthiness (§2.4): Bools are themselves, lists are non-empty, all else is true."""
    t = type(v)
    if t is bool:
        return v
    if t is AList:
        return len(v) > 0
    return True


def kind_of(v: Any) -> str:
    """A short name of a value's kind, for error messages."""
    t = type(v)
    if t is bool:
        return "Bool"
    if t is int:
        return "Number"
    if t is str:
        return "String"
    if t is AList:
        return "List"
    if t is Obj:
        return v.otype.name
    if t is Position:
        return "Position"
    if t is Cell:
        return "Cell"
    if t is RElem:
        return "RenderedElem"
    if t is Thunk:
        return "deferred expression"
    if t in FUNCTION_TYPES:
        return "function"
    if t is ClassValue:
        return "type " + v.name
    return "nothing"


def _record_fields(v: Any) -> dict | None:
    t = type(v)
    if t is Obj:
        return v.f
    if t is Position:
        return {"x": v.x, "y": v.y}
    if t is Cell:
        return {"x": v.x, "y": v.y, "color": v.color}
    if t is RElem:
        return {"position": v.position, "color": v.color}
    return None


def aeq(a: Any, b: Any) -> bool:
    """Autumn ``==`` (§2.5), asymmetric: the left operand decides the comparison."""
    if a is b:
        return type(a) is not ClassValue
    ta = type(a)
    if ta is int:
        tb = type(b)
        if tb is int:
            return a == b
        if tb is bool:
            return a == (1 if b else 0)
        return False
    if ta is str or ta is bool:
        return type(b) is ta and a == b
    if ta is AList:
        if type(b) is not AList or len(a) != len(b):
            return False
        charge(len(a))
        for x, y in zip(a, b):
            if not aeq(x, y):
                return False
        return True
    if ta is Position:
        tb = type(b)
        if tb is Position:
            return a.x == b.x and a.y == b.y
    if ta is Thunk:
        return type(b) is Thunk and a.node is not None and a.node is b.node
    fa = _record_fields(a)
    if fa is not None:
        fb = _record_fields(b)
        if fb is None or fa.keys() != fb.keys():
            return False
        for k, va in fa.items():
            if not aeq(va, fb[k]):
                return False
        return True
    return False


class Runtime:
    """Holder of the world being stepped, read by natives and compiled closures.

    Single-threaded by design: a world sets itself here on entry to load, step and evaluate.
    """

    __slots__ = ("w",)

    def __init__(self) -> None:
        self.w: Any = None


RT = Runtime()


def too_much_work(budget: int) -> AutumnError:
    """The ``runaway`` error of a tick past its work budget (no position yet)."""
    return error("runaway", f"more than {budget} units of work in one tick (function calls and "
                 "list elements built or traversed; limit MAX_WORK_PER_TICK in "
                 "worldtest/autumn/limits.py): the program probably recurses or grows without end")


def charge(n: int) -> None:
    """Charge ``n`` units of work to the world being stepped (``RT.w``).

    Raises:
        AutumnError: kind ``runaway`` once the tick's work passes its budget.
    """
    w = RT.w
    if w is not None:
        w.calls += n
        if w.calls > w.max_calls:
            raise too_much_work(w.max_calls)


def error(kind: str, message: str) -> AutumnError:
    """An AutumnError without a position yet; the enclosing call site adds it."""
    return AutumnError(kind, message)
