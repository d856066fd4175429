"""The import graph of worldtest: no cycles and no upward imports, lazy imports included.

Every module's imports are read with ``ast`` (module level and inside functions, so a lazy
import counts like any other). Imports under ``if TYPE_CHECKING:`` are annotations only (never
executed) and are not counted. ``LAYERS`` is the one statement of the layer order (mirrored in
``docs/internals.md``): a module may import only from its own layer or a lower one, and the
modules of one layer may not import each other in a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import worldtest

PACKAGE = Path(worldtest.__file__).parent

LAYERS: list[tuple[str, ...]] = [
    # 0: the base: errors, the package root (its version), plain helpers
    ("worldtest", "worldtest.errors"),
    ("worldtest.palette", "worldtest.parallel", "worldtest.cluster", "worldtest.results"),
    # frames to pixels (PNG, GIF, upscaled images): reports, gallery, replay, window, prompts
    ("worldtest.render",),
    # the Autumn language
    ("worldtest.autumn",),
    # settings and the action vocabulary
    ("worldtest.settings", "worldtest.actions"),
    # task files (data)
    ("worldtest.tasks", "worldtest.tasks.fields", "worldtest.tasks.models"),
    ("worldtest.suite",),
    ("worldtest.env",),
    # search and the test phases, their scores, the cheap task checks, the model-free policies
    ("worldtest.search", "worldtest.tasks.phase", "worldtest.tasks.mfp",
     "worldtest.tasks.planning", "worldtest.tasks.cd", "worldtest.tasks.scoring",
     "worldtest.tasks.checks", "worldtest.tasks.baselines", "worldtest.tasks.policies"),
    # the interaction phase and the Agent protocol (what an agent is given)
    ("worldtest.interaction", "worldtest.agents.base"),
    ("worldtest.protocol",),
    # the one replay API; reports read records and reach the protocol only through it
    ("worldtest.replay",),
    ("worldtest.report",),
    # agent code
    ("worldtest.agents",),
    ("worldtest.runner", "worldtest.gym", "worldtest.dry_run"),
    # task authoring: derive, validate (plays the oracle), the battery (uses the runner), import
    ("worldtest.authoring",),
    # check-agent plays episodes through the runner
    ("worldtest.agent_check",),
    ("worldtest.gallery", "worldtest.download", "worldtest.human"),
    ("worldtest.cli", "worldtest.__main__"),
]

KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()
"""Edges ``(importer, imported)`` allowed against the rules above (none)."""


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path) -> set[str]:
    """The worldtest modules ``name`` imports anywhere (TYPE_CHECKING blocks aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in MODULES else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in MODULES and m != name}


def _layer(module: str) -> int:
    best, layer = -1, None
    for i, names in enumerate(LAYERS):
        for prefix in names:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, layer = len(prefix), i
    if layer is None:
        raise AssertionError(f"{module} is in no layer of LAYERS")
    return layer


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_every_module_has_a_layer_and_every_layer_entry_exists():
    for name in MODULES:
        _layer(name)
    stale = [prefix for names in LAYERS for prefix in names if prefix not in MODULES]
    assert not stale, f"LAYERS names modules that do not exist: {stale}"


def test_no_upward_imports():
    upward = sorted(
        f"{a} (layer {_layer(a)}) imports {b} (layer {_layer(b)})"
        for a, targets in GRAPH.items()
        for b in targets
        if _layer(b) > _layer(a) and (a, b) not in KNOWN_EXCEPTIONS
    )
    assert not upward, "upward imports:\n" + "\n".join(upward)


def _cycle() -> list[str] | None:
    edges = {a: {b for b in t if (a, b) not in KNOWN_EXCEPTIONS} for a, t in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := dfs(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := dfs(node)):
            return found
    return None


def test_no_import_cycles():
    cycle = _cycle()
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_reports_reach_neither_agents_nor_the_runner():
    # Everything report/ imports, transitively: the Agent protocol (agents.base) is part of the
    # protocol layer; agent code and the runner are not.
    seen, todo = set(), [m for m in MODULES if m.startswith("worldtest.report")]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(GRAPH[module])
    banned = sorted(m for m in seen if m == "worldtest.runner" or (
        m.startswith("worldtest.agents.") and m != "worldtest.agents.base"))
    assert not banned, f"report/ reaches {banned}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import worldtest.env", {"worldtest.env"}),
        ("def f():\n    from worldtest.protocol import Episode", {"worldtest.protocol"}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import worldtest.env", set()),
        ("from . import errors", {"worldtest.errors"}),
    ],
)
def test_the_walker_sees_lazy_and_relative_imports(tmp_path, source, expected):
    path = tmp_path / "probe.py"
    path.write_text(source)
    assert _imports("worldtest.probe", path) == expected
