"""The library's modules import each other without circles: every import, also one inside a
function or under TYPE_CHECKING, points down a layering that a reader can follow."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

LIBRARY = Path(__file__).resolve().parents[1] / "mtf_lib"


def module_of(path: Path) -> str:
    parts = path.relative_to(LIBRARY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, modules: set[str]) -> set[str]:
    """The library modules a file's import statements name (``from pkg import module`` counts as the module)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if candidate in modules:
                    out.add(candidate)
                elif node.module in modules:
                    out.add(node.module)
    return out


def import_graph() -> nx.DiGraph:
    files = {module_of(path): path for path in LIBRARY.rglob("*.py") if "template" not in path.parts}
    graph = nx.DiGraph()
    for module, path in files.items():
        for target in imported(ast.parse(path.read_text(encoding="utf-8")), set(files)):
            # A package's __init__ that only hands names on ties nothing; its own imports still count.
            if target != module and not (module.startswith(f"{target}.") and target != "mtf_lib"):
                graph.add_edge(module, target)
    return graph


def test_the_library_has_no_import_circle() -> None:
    circles = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert circles == [], f"modules that import each other: {circles}"
