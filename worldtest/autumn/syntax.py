"""Autumn abstract syntax: the parser from s-expressions to nodes (``autumn-language.md`` §1.2-1.5).

Every node keeps the 1-based line and column of the form it came from, so that parse, check and
runtime errors can name ``file:line:col``. The parser follows the grammar of §1.4 exactly and
reports the reference's silent quirks (prefix truncation of atoms, non-integer numbers, ``(-5)``,
reserved words as names) as ``parse`` errors instead.
"""

from __future__ import annotations

import re

from worldtest.autumn.limits import MAX_INT_DIGITS
from worldtest.autumn.reader import Atom, SList, Source, Str

__all__ = [
    "Node", "Lit", "EmptyList", "Var", "ListLit", "If", "Let", "Lam", "Get", "Assign", "Bin",
    "Logic", "Unary", "Call", "CellNew", "PrevName", "PrevExpr",
    "ObjectDef", "OnRule", "TypeDecl", "StateDef", "ConstDef", "ExprStmt", "Parser",
    "RESERVED", "names_in", "local_names", "bound_names",
]

RESERVED = frozenset("program object on if then else let initnext fn and or true false nil "
                     "list".split())
BINOPS = frozenset("+ - * / % == != < <= > >=".split())
LOGIC = frozenset(("and", "or", "&", "|"))
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_INT = re.compile(r"[+-]?[0-9]+\Z")
_INT32 = 2 ** 31


class Node:
    """Base of all expression nodes: a source position."""

    __slots__ = ("line", "col")


class Lit(Node):
    """A Number, String or Bool literal."""

    __slots__ = ("value",)

    def __init__(self, value: object, line: int, col: int) -> None:
        self.value, self.line, self.col = value, line, col


class EmptyList(Node):
    """A bare ``list``: the empty list."""

    __slots__ = ()

    def __init__(self, line: int, col: int) -> None:
        self.line, self.col = line, col


class Var(Node):
    """A variable reference (also ``(x)``, which is the variable, not a call: §1.5)."""

    __slots__ = ("name",)

    def __init__(self, name: str, line: int, col: int) -> None:
        self.name, self.line, self.col = name, line, col


class ListLit(Node):
    """``(list e1 ... en)``."""

    __slots__ = ("items",)

    def __init__(self, items: list[Node], line: int, col: int) -> None:
        self.items, self.line, self.col = items, line, col


class If(Node):
    """``(if c then a else b)``; the ``then``/``else`` words are not checked (§1.4)."""

    __slots__ = ("cond", "then", "other")

    def __init__(self, cond: Node, then: Node, other: Node, line: int, col: int) -> None:
        self.cond, self.then, self.other, self.line, self.col = cond, then, other, line, col


class Let(Node):
    """``(let e1 ... en)``: a local frame, value of the last expression (§4.4)."""

    __slots__ = ("body",)

    def __init__(self, body: list[Node], line: int, col: int) -> None:
        self.body, self.line, self.col = body, line, col


class Lam(Node):
    """``(fn params body)`` or ``(--> params body)``."""

    __slots__ = ("params", "body", "name")

    def __init__(self, params: tuple[str, ...], body: Node, line: int, col: int) -> None:
        self.params, self.body, self.line, self.col = params, body, line, col
        self.name = "lambda"


class Get(Node):
    """``(.. obj field)``."""

    __slots__ = ("obj", "field")

    def __init__(self, obj: Node, field: str, line: int, col: int) -> None:
        self.obj, self.field, self.line, self.col = obj, field, line, col


class Assign(Node):
    """``(= name expr)`` as an expression (§4.3)."""

    __slots__ = ("name", "expr")

    def __init__(self, name: str, expr: Node, line: int, col: int) -> None:
        self.name, self.expr, self.line, self.col = name, expr, line, col


class Bin(Node):
    """A binary arithmetic, comparison or equality operator."""

    __slots__ = ("op", "a", "b")

    def __init__(self, op: str, a: Node, b: Node, line: int, col: int) -> None:
        self.op, self.a, self.b, self.line, self.col = op, a, b, line, col


class Logic(Node):
    """``and``/``or``/``&``/``|``: short-circuit, functions called, always a Bool (§1.6)."""

    __slots__ = ("op", "a", "b")

    def __init__(self, op: str, a: Node, b: Node, line: int, col: int) -> None:
        self.op, self.a, self.b, self.line, self.col = op, a, b, line, col


class Unary(Node):
    """Unary ``-``, ``+`` or ``!``."""

    __slots__ = ("op", "a")

    def __init__(self, op: str, a: Node, line: int, col: int) -> None:
        self.op, self.a, self.line, self.col = op, a, line, col


class Call(Node):
    """A call ``(f a1 ... an)``, or ``((f))`` with no arguments."""

    __slots__ = ("fn", "args")

    def __init__(self, fn: Node, args: list[Node], line: int, col: int) -> None:
        self.fn, self.args, self.line, self.col = fn, args, line, col


class CellNew(Node):
    """``(Cell x y color)``: built with the capture rule of §4.5."""

    __slots__ = ("args", "names", "pure")

    def __init__(self, args: list[Node], line: int, col: int) -> None:
        self.args, self.line, self.col = args, line, col
        self.names: tuple[frozenset[str], ...] = tuple(names_in(a) for a in args)


class PrevName(Node):
    """``(prev v)`` with a bare name, or ``(prev "v")``."""

    __slots__ = ("name",)

    def __init__(self, name: str, line: int, col: int) -> None:
        self.name, self.line, self.col = name, line, col


class PrevExpr(Node):
    """``(prev expr)``: the snapshot variable whose value has expr's identity (§4.6)."""

    __slots__ = ("expr",)

    def __init__(self, expr: Node, line: int, col: int) -> None:
        self.expr, self.line, self.col = expr, line, col


# ---- statements -------------------------------------------------------------------------------

class ObjectDef(Node):
    """``(object Name (: f T) ... shape)``."""

    __slots__ = ("name", "fields", "shape")

    def __init__(self, name: str, fields: list[tuple[str, object]], shape: Node, line: int,
                 col: int) -> None:
        self.name, self.fields, self.shape, self.line, self.col = name, fields, shape, line, col


class OnRule(Node):
    """``(on cond body)``."""

    __slots__ = ("cond", "body", "index")

    def __init__(self, cond: Node, body: Node, line: int, col: int) -> None:
        self.cond, self.body, self.line, self.col = cond, body, line, col
        self.index = 0


class TypeDecl(Node):
    """``(: name T)``."""

    __slots__ = ("name", "type")

    def __init__(self, name: str, type_: object, line: int, col: int) -> None:
        self.name, self.type, self.line, self.col = name, type_, line, col


class StateDef(Node):
    """``(= name (initnext init next))``."""

    __slots__ = ("name", "init", "next")

    def __init__(self, name: str, init: Node, next_: Node, line: int, col: int) -> None:
        self.name, self.init, self.next, self.line, self.col = name, init, next_, line, col


class ConstDef(Node):
    """``(= name expr)`` at top level: evaluated at load time."""

    __slots__ = ("name", "expr")

    def __init__(self, name: str, expr: Node, line: int, col: int) -> None:
        self.name, self.expr, self.line, self.col = name, expr, line, col


class ExprStmt(Node):
    """Any other top-level expression: evaluated once at load, value discarded."""

    __slots__ = ("expr",)

    def __init__(self, expr: Node, line: int, col: int) -> None:
        self.expr, self.line, self.col = expr, line, col


def walk(nodes: list[Node]):
    """Every node of ``nodes`` and of their sub-nodes (statements and expressions), any order."""
    stack: list = list(nodes)
    while stack:
        n = stack.pop()
        yield n
        for slot in getattr(type(n), "__slots__", ()):
            v = getattr(n, slot, None)
            if isinstance(v, Node):
                stack.append(v)
            elif isinstance(v, list):
                stack.extend(x for x in v if isinstance(x, Node))


def local_names(stmts: list[Node]) -> frozenset[str]:
    """Names a program may bind outside the global frame (for the global-lookup fast path).

    Lambda parameters, ``=`` targets that are not top-level globals (an ``=`` creates a let-local
    only when no frame has the name; a global's name then resolves locally only while the global
    is deleted, and the fast path falls back to the chain whenever the global is missing), object
    field names with ``origin``, ``elems`` and ``e`` (instance and render frames, §4.5), and every
    name mentioned in a Cell argument (capture tables, §4.5).
    """
    out = {"origin", "elems", "e", "allCells"}
    top = {s.name for s in stmts if isinstance(s, (StateDef, ConstDef))}
    targets: set[str] = set()
    for n in walk(stmts):
        if isinstance(n, Lam):
            out.update(n.params)
        elif isinstance(n, Assign):
            targets.add(n.name)
        elif isinstance(n, ObjectDef):
            out.update(f for f, _ in n.fields)
        elif isinstance(n, CellNew):
            for names in n.names:
                out.update(names)
    return frozenset(out | (targets - top))


def bound_names(stmts: list[Node]) -> frozenset[str]:
    """Names a program defines or binds: top-level definitions, ``=`` targets, parameters."""
    out: set[str] = set()
    for n in walk(stmts):
        if isinstance(n, (StateDef, ConstDef, Assign)):
            out.add(n.name)
        elif isinstance(n, Lam):
            out.update(n.params)
    return frozenset(out)


def names_in(node: Node) -> frozenset[str]:
    """Every name an expression mentions, for the Cell capture rule (§4.5 step 1).

    Variable references (including called function names), field names of ``..`` forms and
    ``prev`` names, in nested ``if``/``let``/lambda bodies too; not the left side of ``=``.
    """
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Var):
            out.add(n.name)
        elif isinstance(n, PrevName):
            out.add(n.name)
        elif isinstance(n, Get):
            out.add(n.field)
            stack.append(n.obj)
        elif isinstance(n, (ListLit,)):
            stack.extend(n.items)
        elif isinstance(n, If):
            stack.extend((n.cond, n.then, n.other))
        elif isinstance(n, Let):
            stack.extend(n.body)
        elif isinstance(n, Lam):
            stack.append(n.body)
        elif isinstance(n, Assign):
            stack.append(n.expr)
        elif isinstance(n, (Bin, Logic)):
            stack.extend((n.a, n.b))
        elif isinstance(n, Unary):
            stack.append(n.a)
        elif isinstance(n, Call):
            stack.append(n.fn)
            stack.extend(n.args)
        elif isinstance(n, CellNew):
            out.add("Cell")
            stack.extend(n.args)
        elif isinstance(n, PrevExpr):
            stack.append(n.expr)
    return frozenset(out)


class Parser:
    """Parses s-expressions of one :class:`Source` into nodes; errors name file:line:col."""

    def __init__(self, source: Source) -> None:
        self.source = source

    def fail(self, message: str, at: Atom | Str | SList, width: int = 1) -> Exception:
        return self.source.error("parse", message, at.line, at.col, width)

    # -- atoms --------------------------------------------------------------------------------
    def ident(self, sx: object, what: str) -> str:
        if not isinstance(sx, Atom):
            raise self.fail(f"expected {what} (an identifier), found a "
                            f"{'string' if isinstance(sx, Str) else 'list'}", sx)
        if not _IDENT.match(sx.text):
            raise self.fail(f"expected {what}, found '{sx.text}': identifiers are letters, "
                            "digits and '_' and start with a letter or '_'", sx, len(sx.text))
        if sx.text in RESERVED:
            raise self.fail(f"'{sx.text}' is a reserved word and cannot be used as {what}", sx,
                            len(sx.text))
        return sx.text

    def atom(self, a: Atom) -> Node:
        t = a.text
        if _INT.match(t):
            if len(t.lstrip("+-")) > MAX_INT_DIGITS:
                raise self.fail(f"integer literal of {len(t.lstrip('+-'))} digits does not fit "
                                "in 32 bits", a, min(len(t), 40))
            v = int(t)
            if not -_INT32 <= v < _INT32:
                raise self.fail(f"integer literal {t} does not fit in 32 bits", a, len(t))
            return Lit(v, a.line, a.col)
        if t == "true" or t == "false":
            return Lit(t == "true", a.line, a.col)
        if t == "list":
            return EmptyList(a.line, a.col)
        if t[0].isdigit() or (t[0] in "+-" and len(t) > 1 and t[1].isdigit()):
            raise self.fail(f"'{t}' is not a number: Autumn numbers are 32-bit integers", a,
                            len(t))
        if t.startswith("-") and len(t) > 1:
            raise self.fail(f"'{t}': minus before a name is not allowed; write (- {t[1:]})", a,
                            len(t))
        return Var(self.ident(a, "a variable name"), a.line, a.col)

    # -- expressions --------------------------------------------------------------------------
    def expr(self, sx: object) -> Node:
        if isinstance(sx, Atom):
            return self.atom(sx)
        if isinstance(sx, Str):
            return Lit(sx.text, sx.line, sx.col)
        items = sx.items
        if not items:
            raise self.fail("empty form '()'", sx)
        head = items[0]
        if isinstance(head, Str):
            return Lit(head.text, sx.line, sx.col)
        if isinstance(head, SList):
            fn = self.expr(head)
            if not isinstance(fn, (Var, Get)):
                raise self.fail("a call's head must be a name or a field access; bind the "
                                "lambda to a name first", head)
            return Call(fn, [self.expr(a) for a in items[1:]], sx.line, sx.col)
        h = head.text
        n = len(items)
        L, C = sx.line, sx.col
        if h == "if":
            if n < 6:
                raise self.fail("'if' needs the form (if cond then a else b)", sx)
            return If(self.expr(items[1]), self.expr(items[3]), self.expr(items[5]), L, C)
        if h == "let":
            return Let([self.expr(e) for e in items[1:]], L, C)
        if h in ("fn", "-->"):
            if n != 3:
                raise self.fail(f"'{h}' needs parameters and one body: ({h} (x y) body)", sx)
            p = items[1]
            if isinstance(p, SList):
                params = tuple(self.ident(q, "a parameter name") for q in p.items)
            else:
                params = (self.ident(p, "a parameter name"),)
            return Lam(params, self.expr(items[2]), L, C)
        if h == "..":
            if n != 3:
                raise self.fail("'..' needs an object and a field: (.. obj field)", sx)
            f = items[2]
            field = f.text if isinstance(f, Str) else self.ident(f, "a field name")
            return Get(self.expr(items[1]), field, L, C)
        if h == "=":
            if n != 3:
                raise self.fail("'=' needs a name and a value: (= name value)", sx)
            if isinstance(items[1], SList):
                raise self.fail("assignment to a field (= (.. obj f) v) is not supported; use "
                                "(updateObj obj \"f\" v)", items[1])
            if isinstance(items[2], SList) and items[2].items and \
                    isinstance(items[2].items[0], Atom) and items[2].items[0].text == "initnext":
                raise self.fail("'initnext' is only allowed in a top-level state definition",
                                items[2])
            return Assign(self.ident(items[1], "a variable name"), self.expr(items[2]), L, C)
        if h == "list":
            return ListLit([self.expr(e) for e in items[1:]], L, C)
        if h in ("-", "+") and n == 2:
            return Unary(h, self.expr(items[1]), L, C)
        if h == "!":
            if n != 2:
                raise self.fail("'!' takes exactly one operand", sx)
            return Unary(h, self.expr(items[1]), L, C)
        if h in BINOPS:
            if n != 3:
                raise self.fail(f"'{h}' takes exactly two operands, got {n - 1}", sx)
            return Bin(h, self.expr(items[1]), self.expr(items[2]), L, C)
        if h in LOGIC:
            if n != 3:
                raise self.fail(f"'{h}' takes exactly two operands, got {n - 1}", sx)
            return Logic(h, self.expr(items[1]), self.expr(items[2]), L, C)
        if h == "prev":
            if n != 2:
                raise self.fail("'prev' takes exactly one argument", sx)
            a = items[1]
            if isinstance(a, Str):
                return PrevName(a.text, L, C)
            if isinstance(a, Atom) and _IDENT.match(a.text) and a.text not in RESERVED:
                return PrevName(a.text, L, C)
            return PrevExpr(self.expr(a), L, C)
        if h in ("initnext", "program", "object", "on", ":", "then", "else", "nil"):
            raise self.fail(f"'{h}' cannot be used here, inside an expression", head, len(h))
        if _INT.match(h) or h in ("true", "false"):
            if h.startswith("-"):
                raise self.fail(f"a parenthesised negative literal ({h}) crashes the reference "
                                f"interpreter; write {h} or (- {h[1:]})", sx)
            return self.atom(head)
        name = self.ident(head, "a function name")
        if n == 1:
            return Var(name, L, C)
        args = [self.expr(a) for a in items[1:]]
        if name == "Cell":
            if len(args) != 3:
                raise self.fail(f"'Cell' takes exactly 3 arguments (x y color), got {len(args)}",
                                sx)
            return CellNew(args, L, C)
        return Call(Var(name, head.line, head.col), args, L, C)

    # -- types and statements -----------------------------------------------------------------
    def type_(self, sx: object) -> object:
        if isinstance(sx, Atom):
            return self.ident(sx, "a type name")
        if isinstance(sx, SList) and sx.items:
            head = self.ident(sx.items[0], "a type name")
            if head == "List":
                if len(sx.items) != 2:
                    raise self.fail("a list type is written (List T)", sx)
                return ("List", self.type_(sx.items[1]))
            return head
        raise self.fail("expected a type", sx)

    def statement(self, sx: object) -> Node:
        if not isinstance(sx, SList) or not sx.items:
            raise self.fail("each statement of a program must be a parenthesised form", sx)
        items = sx.items
        head = items[0]
        h = head.text if isinstance(head, Atom) else None
        L, C = sx.line, sx.col
        if h == "object":
            if len(items) < 3:
                raise self.fail("an object needs a name and a shape: (object Name shape)", sx)
            name = self.ident(items[1], "an object name")
            fields: list[tuple[str, object]] = []
            shape = None
            for part in items[2:]:
                if isinstance(part, SList) and part.items and isinstance(part.items[0], Atom) \
                        and part.items[0].text == ":":
                    if len(part.items) != 3:
                        raise self.fail("a field is declared (: name Type)", part)
                    fields.append((self.ident(part.items[1], "a field name"),
                                   self.type_(part.items[2])))
                else:
                    shape = self.expr(part)
            if shape is None:
                raise self.fail(f"object {name} has no shape (a Cell or a list of Cells)", sx)
            return ObjectDef(name, fields, shape, L, C)
        if h == "on":
            if len(items) < 3:
                raise self.fail("an on-rule needs a condition and a body: (on cond body)", sx)
            return OnRule(self.expr(items[1]), self.expr(items[2]), L, C)
        if h == ":":
            if len(items) != 3:
                raise self.fail("a type declaration is written (: name Type)", sx)
            return TypeDecl(self.ident(items[1], "a variable name"), self.type_(items[2]), L, C)
        if h == "=" and len(items) >= 3 and isinstance(items[1], Atom):
            name = self.ident(items[1], "a variable name")
            v = items[2]
            if isinstance(v, SList) and v.items and isinstance(v.items[0], Atom) and \
                    v.items[0].text == "initnext":
                if len(v.items) < 3:
                    raise self.fail("initnext needs an initial and a next expression", v)
                return StateDef(name, self.expr(v.items[1]), self.expr(v.items[2]), L, C)
            return ConstDef(name, self.expr(v), L, C)
        return ExprStmt(self.expr(sx), L, C)

    def program(self, form: SList) -> list[Node]:
        """Parse ``(program statement ...)``; the head word is not checked (§1.3)."""
        return [self.statement(s) for s in form.items[1:]]
