"""Compile Autumn syntax nodes into Python closures ``f(frame) -> value``.

The tree is compiled once per program; a tick then only runs closures. Semantics follow
``autumn-language.md``: dynamic scoping (§4.2), assignment and marking (§4.3), truthiness and
bare functions as conditions (§1.6, §2.4), equality (§2.5), C-style integer arithmetic with 32-bit
wrap-around (§2.6) and the Cell capture rule (§4.5). Runtime errors carry the source position of
the innermost form that raised them and a context chain of named calls.
"""

from __future__ import annotations

from typing import Any, Callable

from worldtest.autumn import syntax as S
from worldtest.autumn.reader import Source
from worldtest.autumn.values import (
    GLOBAL, INSTANCE, LOCAL, MISSING, RT, AList, BoundRender, Cell, ClassValue, Frame, Lambda,
    Native, Obj, Position, RElem, Thunk, aeq, error, kind_of, too_much_work, wrap32,
)
from worldtest.errors import AutumnError

__all__ = ["Compiler", "apply", "eval_thunk", "NOTHING", "located", "check_assign"]

Closure = Callable[[Frame], Any]


class _Nothing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "nothing"


NOTHING: Any = _Nothing()
_FUNCS = (Lambda, Native, BoundRender)
_IDENTIFIED = (AList, Obj, Position, Cell, RElem)
_MAX_CONTEXT = 12


def located(err: AutumnError, node: S.Node, source: Source) -> AutumnError:
    """Give ``err`` the position of ``node`` unless it already has one (innermost wins)."""
    if not err.line:
        err.line, err.col, err.filename = node.line, node.col, source.filename
        err.source_line = source.line(node.line)
    return err


def check_assign(old: Any, new: Any, name: str) -> None:
    """The assignment type check of §2.3 rule 2, and the identity stamp of §2.7 rule 4."""
    tn = type(new)
    to = type(old)
    if tn is not AList and to is not tn and old is not NOTHING and \
            not (tn in _FUNCS and to in _FUNCS):
        # Functions are one runtime type whatever their implementation: the reference's
        # library is Autumn lambdas, ours is native, and a program may redefine either.
        raise error("type", f"cannot assign a {kind_of(new)} to '{name}', which holds a "
                    f"{kind_of(old)}")
    if tn in _IDENTIFIED and type(old) in _IDENTIFIED:
        new.iid = old.iid


def eval_thunk(th: Thunk, parent: Frame) -> Any:
    """Evaluate a deferred Cell component in a frame holding its capture table (§4.5)."""
    c = th.const
    if c is not MISSING:
        return c
    return th.fn(Frame(th.captured, parent, LOCAL))


def apply(fn: Any, args: list, frame: Frame) -> Any:
    """Call an Autumn function value with evaluated ``args`` from the caller's ``frame``.

    Raises:
        AutumnError: ``arity`` for too few arguments (extra ones are ignored, §4.2), ``type``
            when ``fn`` is not callable, ``runaway`` past the per-tick work budget.
    """
    t = type(fn)
    if t is Lambda:
        params = fn.params
        if len(args) < len(params):
            raise error("arity", f"{fn.name} takes {len(params)} argument(s) "
                        f"({' '.join(params)}), got {len(args)}")
        w = RT.w
        w.calls += 1
        if w.calls > w.max_calls:
            raise too_much_work(w.max_calls)
        if len(params) == 1:
            return fn.body(Frame({params[0]: args[0]}, frame, LOCAL))
        return fn.body(Frame(dict(zip(params, args)), frame, LOCAL))
    if t is Native:
        if len(args) < fn.min_args:
            raise error("arity", f"{fn.name} takes at least {fn.min_args} argument(s), got "
                        f"{len(args)}")
        if fn.max_args is not None and len(args) > fn.max_args:
            raise error("arity", f"{fn.name} takes at most {fn.max_args} argument(s), got "
                        f"{len(args)}")
        return fn.fn(args, frame)
    if t is BoundRender:
        return RT.w.render_elems(fn.obj, frame)
    if t is ClassValue:
        return RT.w.construct(fn, args, frame)
    if t is Thunk:
        return eval_thunk(fn, frame)
    raise error("type", f"cannot call a {kind_of(fn)}")


#: Frames a name lookup may walk before the walk is charged as work: deep recursion makes the
#: chain thousands of frames long, and a lookup at every level would then cost quadratic time.
_LONG_WALK = 16


def _charge_walk(k: int, node: S.Node, source: Source) -> None:
    w = RT.w
    w.calls += k
    if w.calls > w.max_calls:
        raise located(too_much_work(w.max_calls), node, source)


def _call0(fn: Any, frame: Frame) -> Any:
    return apply(fn, [], frame)


class Compiler:
    """Compiles nodes of one program. ``type_names`` are the object names it defines."""

    def __init__(self, source: Source, type_names: frozenset[str],
                 local_names: frozenset[str] | None = None) -> None:
        self.source = source
        self.type_names = type_names | {"Position", "Cell", "RenderedElem"}
        # Names that may be bound in a non-global frame (parameters, let-locals, fields,
        # Cell captures). Every other name can only be found in the global frame, so its lookup
        # may skip the frame chain, except in exact-scope evaluation (Cell trials, §4.5).
        self.local_names = local_names

    def fail(self, node: S.Node, kind: str, message: str) -> AutumnError:
        return located(error(kind, message), node, self.source)

    def compile(self, node: S.Node) -> Closure:
        """Compile one expression node."""
        return getattr(self, "c_" + type(node).__name__)(node)

    # -- leaves -------------------------------------------------------------------------------
    def c_Lit(self, n: S.Lit) -> Closure:
        v = n.value
        return lambda fr: v

    def c_EmptyList(self, n: S.EmptyList) -> Closure:
        return lambda fr: AList()

    def c_Var(self, n: S.Var) -> Closure:
        name = n.name
        fail, source = self.fail, self.source

        def var(fr: Frame) -> Any:
            f = fr
            k = 0
            while f is not None:
                v = f.vars.get(name, MISSING)
                if v is not MISSING:
                    if k > _LONG_WALK:
                        _charge_walk(k, n, source)
                    return v
                f = f.parent
                k += 1
            if name == "click":
                raise fail(n, "undefined-name", "'click' is not defined (no click has been "
                           "evaluated by clicked yet)")
            raise fail(n, "undefined-name", f"'{name}' is not defined")

        if name in self.type_names:
            def type_or_var(fr: Frame) -> Any:
                t = RT.w.classes.get(name)
                return t if t is not None else var(fr)
            return type_or_var
        if self.local_names is not None and name not in self.local_names:
            def global_var(fr: Frame) -> Any:
                w = RT.w
                if w.exact_scope:
                    return var(fr)
                v = w.gv.get(name, MISSING)
                return var(fr) if v is MISSING else v
            return global_var
        return var

    def c_ListLit(self, n: S.ListLit) -> Closure:
        items = [self.compile(i) for i in n.items]
        return lambda fr: AList([c(fr) for c in items])

    def c_If(self, n: S.If) -> Closure:
        cond, then, other = self.compile(n.cond), self.compile(n.then), self.compile(n.other)

        def if_(fr: Frame) -> Any:
            c = cond(fr)
            t = type(c)
            if (c if t is bool else (len(c) > 0 if t is AList else True)):
                return then(fr)
            return other(fr)
        return if_

    def c_Let(self, n: S.Let) -> Closure:
        body = [self.compile(e) for e in n.body]
        if not body:
            return lambda fr: NOTHING

        def let(fr: Frame) -> Any:
            local = Frame({}, fr, LOCAL)
            v = NOTHING
            for e in body:
                v = e(local)
            return v
        return let

    def c_Lam(self, n: S.Lam) -> Closure:
        body = self.compile(n.body)
        params, name = n.params, n.name
        return lambda fr: Lambda(params, body, name, n)

    def c_Get(self, n: S.Get) -> Closure:
        obj, field, fail = self.compile(n.obj), n.field, self.fail

        def get(fr: Frame) -> Any:
            o = obj(fr)
            t = type(o)
            if t is Obj:
                v = o.f.get(field, MISSING)
                if v is not MISSING:
                    return v
                if field == "render":
                    return BoundRender(o)
                raise fail(n, "undefined-name", f"object {o.otype.name} has no field '{field}'")
            if t is Position:
                if field == "x":
                    return o.x
                if field == "y":
                    return o.y
            elif t is Cell:
                if field in ("x", "y", "color"):
                    return getattr(o, field)
            elif t is RElem:
                if field in ("position", "color"):
                    return getattr(o, field)
            else:
                raise fail(n, "type", f"'..' needs an object, got a {kind_of(o)}")
            raise fail(n, "undefined-name", f"a {kind_of(o)} has no field '{field}'")
        return get

    def c_Assign(self, n: S.Assign) -> Closure:
        name, expr, source = n.name, self.compile(n.expr), self.source

        def assign(fr: Frame) -> Any:
            v = expr(fr)
            f = fr
            k = 0
            while f is not None:
                d = f.vars
                if name in d:
                    if k > _LONG_WALK:
                        _charge_walk(k, n, source)
                    try:
                        if f.kind == GLOBAL:
                            RT.w.assign_global(name, v)
                        else:
                            check_assign(d[name], v, name)
                            d[name] = v
                    except AutumnError as e:
                        raise located(e, n, source)
                    return v
                f = f.parent
                k += 1
            if fr.kind == GLOBAL:
                RT.w.create_global(name, v)
            else:
                fr.vars[name] = v
            return v
        return assign

    # -- operators ----------------------------------------------------------------------------
    def c_Bin(self, n: S.Bin) -> Closure:
        a, b, op, fail = self.compile(n.a), self.compile(n.b), n.op, self.fail
        if op == "==":
            return lambda fr: aeq(a(fr), b(fr))
        if op == "!=":
            return lambda fr: not aeq(a(fr), b(fr))

        def bad(x: Any, y: Any) -> AutumnError:
            return fail(n, "type", f"'{op}' needs two Numbers, got {kind_of(x)} and {kind_of(y)}")

        if op == "+":
            def add(fr: Frame) -> Any:
                x, y = a(fr), b(fr)
                if type(x) is int and type(y) is int:
                    r = x + y
                    return r if -2147483648 <= r <= 2147483647 else wrap32(r)
                raise bad(x, y)
            return add
        if op == "-":
            def sub(fr: Frame) -> Any:
                x, y = a(fr), b(fr)
                if type(x) is int and type(y) is int:
                    r = x - y
                    return r if -2147483648 <= r <= 2147483647 else wrap32(r)
                raise bad(x, y)
            return sub
        if op == "*":
            def mul(fr: Frame) -> Any:
                x, y = a(fr), b(fr)
                if type(x) is int and type(y) is int:
                    return wrap32(x * y)
                raise bad(x, y)
            return mul
        if op in ("/", "%"):
            is_div = op == "/"

            def div(fr: Frame) -> Any:
                x, y = a(fr), b(fr)
                if type(x) is not int or type(y) is not int:
                    raise bad(x, y)
                if y == 0:
                    raise fail(n, "zero-division", f"'{op}' by zero")
                q = abs(x) // abs(y)
                if (x < 0) != (y < 0):
                    q = -q
                return wrap32(q) if is_div else wrap32(x - y * q)
            return div
        cmp = {"<": int.__lt__, "<=": int.__le__, ">": int.__gt__, ">=": int.__ge__}[op]

        def compare(fr: Frame) -> Any:
            x, y = a(fr), b(fr)
            if type(x) is int and type(y) is int:
                return cmp(x, y)
            raise bad(x, y)
        return compare

    def c_Logic(self, n: S.Logic) -> Closure:
        a, b, source = self.compile(n.a), self.compile(n.b), self.source
        is_and = n.op in ("and", "&")

        def operand(c: Closure, fr: Frame) -> bool:
            v = c(fr)
            if v is True or v is False:
                return v
            if type(v) in _FUNCS:
                try:
                    v = _call0(v, fr)
                except AutumnError as e:
                    raise located(e, n, source)
            t = type(v)
            return v if t is bool else (len(v) > 0 if t is AList else True)

        if is_and:
            return lambda fr: operand(a, fr) and operand(b, fr)
        return lambda fr: operand(a, fr) or operand(b, fr)

    def c_Unary(self, n: S.Unary) -> Closure:
        a, op, fail = self.compile(n.a), n.op, self.fail
        if op == "!":
            def not_(fr: Frame) -> Any:
                v = a(fr)
                if type(v) is not bool:
                    raise fail(n, "type", f"'!' must be applied to a Bool, got a {kind_of(v)}"
                               + (" (call it: (! ((f))))" if type(v) in _FUNCS else ""))
                return not v
            return not_
        neg = op == "-"

        def sign(fr: Frame) -> Any:
            v = a(fr)
            if type(v) is not int:
                raise fail(n, "type", f"unary '{op}' needs a Number, got a {kind_of(v)}")
            return wrap32(-v) if neg else v
        return sign

    # -- calls --------------------------------------------------------------------------------
    def c_Call(self, n: S.Call) -> Closure:
        fn, args, source = self.compile(n.fn), [self.compile(a) for a in n.args], self.source
        label = n.fn.name if isinstance(n.fn, S.Var) else "(.. " + n.fn.field + ")"
        where = f"call of {label} (line {n.line})"
        nargs = len(args)

        def call(fr: Frame) -> Any:
            f = fn(fr)
            tf = type(f)
            if tf is Thunk:
                return eval_thunk(f, fr)
            if nargs == 1:
                vals = [args[0](fr)]
            else:
                vals = [c(fr) for c in args]
            try:
                if tf is Lambda:
                    params = f.params
                    if len(params) == 1 and vals:
                        w = RT.w
                        w.calls += 1
                        if w.calls <= w.max_calls:
                            return f.body(Frame({params[0]: vals[0]}, fr, LOCAL))
                elif tf is Native:
                    if len(vals) >= f.min_args and (f.max_args is None or
                                                    len(vals) <= f.max_args):
                        return f.fn(vals, fr)
                return apply(f, vals, fr)
            except AutumnError as e:
                located(e, n, source)
                if len(e.context) < _MAX_CONTEXT:
                    e.context.append(where)
                raise
        return call

    def c_CellNew(self, n: S.CellNew) -> Closure:
        comps = [self.compile(a) for a in n.args]
        nodes = n.args
        allnames = tuple(frozenset().union(*n.names))
        uses_e = "e" in allnames
        kinds = []
        for node in nodes:
            if isinstance(node, S.Lit) and type(node.value) is int:
                kinds.append(("int", node.value))
            elif isinstance(node, S.Lit) and type(node.value) is str:
                kinds.append(("str", node.value))
            else:
                kinds.append(("expr", None))

        def cell(fr: Frame) -> Cell:
            chain = []
            f = fr
            while f is not None:
                chain.append(f)
                f = f.parent
            w = RT.w
            w.calls += len(chain)  # the capture walks every frame: deep recursion makes it long
            if w.calls > w.max_calls:
                raise too_much_work(w.max_calls)
            captured: dict = {}
            skipped = False
            for f in reversed(chain):
                if f.kind == INSTANCE and not skipped:
                    skipped = True
                    continue
                d = f.vars
                for name in allnames:
                    v = d.get(name, MISSING)
                    if v is not MISSING:
                        captured[name] = v
            parts = []
            for (kind, lit), node, comp in zip(kinds, nodes, comps):
                if kind == "int":
                    parts.append(Thunk(None, None, captured, lit))
                elif kind == "str":
                    parts.append(Thunk(node, comp, captured, lit, uses_e))
                else:
                    w = RT.w
                    w.exact_scope += 1
                    try:
                        v = comp(Frame(dict(captured), None, LOCAL))
                    except AutumnError:
                        v = MISSING
                    finally:
                        w.exact_scope -= 1
                    if type(v) is int:
                        parts.append(Thunk(None, None, captured, v))
                    else:
                        parts.append(Thunk(node, comp, captured, MISSING, uses_e))
            return Cell(parts[0], parts[1], parts[2])
        return cell

    def c_PrevName(self, n: S.PrevName) -> Closure:
        name, source = n.name, self.source

        def prev(fr: Frame) -> Any:
            try:
                return RT.w.prev(name)
            except AutumnError as e:
                raise located(e, n, source)
        return prev

    def c_PrevExpr(self, n: S.PrevExpr) -> Closure:
        expr, source = self.compile(n.expr), self.source

        def prev(fr: Frame) -> Any:
            v = expr(fr)
            try:
                return RT.w.prev_identity(v)
            except AutumnError as e:
                raise located(e, n, source)
        return prev
