"""Static checks of a parsed program: names that can never be defined, ``prev`` of a non-global.

Autumn scoping is dynamic (``autumn-language.md`` §4.2): a function body may read a name that
only its caller binds, and ``=`` creates a global when no frame has the name (§4.3). So a name is
accepted when *some* binding site of the program could define it at run time, and rejected only
when none can: then every evaluation of the reference fails with ``undefined-name``. The checks
never reject a program that could run; they reject what ``worldtest autumn trace`` would only
report once the faulty form is reached.

Binding sites: top-level definitions, every ``=`` target, lambda parameters, object field names
(and ``origin``, ``elems``, the render frame's ``e``, §4.5), object type names, the built-ins and
library functions of the global frame (§3.1), ``click`` (defined by ``clicked``, §3.4),
``cacheRendered`` (``renderAll``) and the reference library's internal locals (§5.3, visible to a
program run on the Autumn-source library).

Globals, for ``(prev name)`` (§4.6: the snapshot holds only globals): top-level definitions, the
built-in globals, and the targets of ``=`` forms evaluated directly in the global frame (an
on-rule, an init or next-expression, a top-level expression: not inside a ``let`` or a lambda).
"""

from __future__ import annotations

from worldtest.autumn import syntax as S
from worldtest.errors import AutumnError

__all__ = ["check_names", "BUILTIN_FIELDS"]

#: Fields every value of a built-in kind, or every object, has (§2.2, §5.2).
BUILTIN_FIELDS = frozenset(("origin", "elems", "render", "x", "y", "color", "position"))
_RUNTIME_GLOBALS = frozenset(("click", "cacheRendered", "SpecialConditionTriggered"))


def _children(n: S.Node) -> list[S.Node]:
    out: list[S.Node] = []
    for slot in type(n).__slots__:
        v = getattr(n, slot, None)
        if isinstance(v, S.Node):
            out.append(v)
        elif isinstance(v, list):
            out.extend(x for x in v if isinstance(x, S.Node))
    return out


def _global_targets(roots: list[S.Node]) -> set[str]:
    """``=`` targets evaluated in the global frame: not under a ``let`` or a lambda body."""
    out: set[str] = set()
    stack = list(roots)
    while stack:
        n = stack.pop()
        if isinstance(n, (S.Let, S.Lam, S.CellNew)):
            continue
        if isinstance(n, S.Assign):
            out.add(n.name)
        stack.extend(_children(n))
    return out


def check_names(program) -> None:
    """Check every name and ``prev`` of a compiled :class:`~worldtest.autumn.runtime.Program`.

    Raises:
        AutumnError: kind ``undefined-name`` for a variable, function or field that no binding
            site of the program defines, or kind ``prev`` for ``(prev name)`` of a name that is
            never a global; the error names file, line and column of the first such form.
    """
    from worldtest.autumn.prelude import BUILTINS
    from worldtest.autumn.runtime import LIBRARY_LOCALS

    stmts: list[S.Node] = program.statements
    source = program.source
    top = {s.name for s in stmts if isinstance(s, (S.StateDef, S.ConstDef))}
    types = {s.name for s in stmts if isinstance(s, S.ObjectDef)}
    fields = {f for s in stmts if isinstance(s, S.ObjectDef) for f, _ in s.fields}
    roots: list[S.Node] = []
    for s in stmts:
        if isinstance(s, S.StateDef):
            roots += [s.init, s.next]
        elif isinstance(s, S.OnRule):
            roots += [s.cond, s.body]
        elif isinstance(s, (S.ConstDef, S.ExprStmt)):
            roots.append(s.expr)
    globals_ = top | set(BUILTINS) | _RUNTIME_GLOBALS | _global_targets(roots)
    bound = (globals_ | S.bound_names(stmts) | types | fields | LIBRARY_LOCALS
             | {"Position", "Cell", "RenderedElem", "origin", "elems", "e", "allCells"})
    known_fields = fields | BUILTIN_FIELDS

    bad: list[tuple[int, int, str, str, int]] = []
    for n in S.walk(stmts):
        if isinstance(n, S.Var) and n.name not in bound:
            bad.append((n.line, n.col, "undefined-name",
                        f"'{n.name}' is not defined anywhere in the program (no definition, "
                        "assignment, parameter, field or built-in has this name)", len(n.name)))
        elif isinstance(n, S.Get) and n.field not in known_fields:
            bad.append((n.line, n.col, "undefined-name",
                        f"no object type has a field '{n.field}' (fields: "
                        f"{', '.join(sorted(fields)) or 'none declared'}; built-in: "
                        "origin, elems, render, x, y, color, position)", 2))
        elif isinstance(n, S.PrevName) and n.name not in globals_:
            what = "a local name (a parameter, let-local or field)" if n.name in bound else \
                "not defined anywhere in the program"
            bad.append((n.line, n.col, "prev",
                        f"(prev {n.name}): '{n.name}' is never a global variable ({what}); "
                        "prev reads the value a global had at the start of the tick", 5))
    if bad:
        line, col, kind, message, width = min(bad)
        if len(bad) > 1:
            message += f" (and {len(bad) - 1} more such form(s) after this one)"
        err: AutumnError = source.error(kind, message, line, col, width)
        raise err
