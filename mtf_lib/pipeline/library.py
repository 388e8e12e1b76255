"""The mtf_lib files a stage runs, computed from the code's imports, folded into a short list.

A stage's library deps are the import closure of its roots (the stage runner, the task type's
modules, the stage's function), read from the source with ``ast``: every ``import`` statement,
at module level or inside a function, so lazy imports count. The closure over-covers (an import
in a branch the stage never takes still counts), which only ever re-runs a stage, never leaves
its outputs stale; the tracer test (tests/pipeline) checks that what a real run imports is covered.

Folding: a file is listed through the library unit that holds it, the folder just below the
deepest "hub" package (one holding two or more packages: ``mtf_lib``, ``mtf_lib/tasks``), so a
stage lists ``mtf_lib/models`` rather than each model file; a file directly in a hub is listed
itself (``mtf_lib/config.py``), so work on one task type never re-runs another's stages.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PACKAGE = "mtf_lib"
LIBRARY = Path(__file__).resolve().parent.parent  # the mtf_lib folder


def module_file(module: str) -> Path | None:
    """The source file of an mtf_lib module (``mtf_lib.tasks.base``), or None (not mtf_lib, or none)."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    base = LIBRARY.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def imported_modules(path: Path, anywhere: bool = True) -> frozenset[str]:
    """The mtf_lib modules ``path`` imports anywhere in it (or at module level only), with the
    packages they are in."""
    package = _module_name(path).rpartition(".")[0] if path.name != "__init__.py" else _module_name(path)
    names: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree) if anywhere else tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
    found = set()
    for name in names:
        parts = name.split(".")
        found.update(".".join(parts[: n + 1]) for n in range(len(parts)))  # a module's packages run too
    return frozenset(name for name in found if module_file(name))


def closure(roots: Iterable[str], entry: str | None = None) -> set[Path]:
    """The files of ``roots`` (mtf_lib module names) and of every mtf_lib module they import;
    of the ``entry`` module (a command line whose sub-commands import what they need) only what
    it imports at module level."""
    seen: set[str] = set()
    todo = [root for root in [*roots, *([entry] if entry else [])] if module_file(root)]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(imported_modules(module_file(module), anywhere=module != entry) - seen)
    return {module_file(module) for module in seen}


def fold(files: Iterable[Path]) -> list[Path]:
    """Each file through the unit that holds it (module doc), sorted; docstring-only package
    ``__init__.py`` files are left out (nothing in them can go stale)."""
    units = set()
    for file in files:
        if file.name == "__init__.py" and _only_docstring(file):
            continue
        relative = file.relative_to(LIBRARY)
        folder = LIBRARY
        for part in relative.parts[:-1]:
            if not _is_hub(folder):
                break
            folder = folder / part
        units.add(file if _is_hub(folder) else folder)
    return sorted(units)


@cache
def _is_hub(folder: Path) -> bool:
    return sum(1 for child in folder.iterdir() if (child / "__init__.py").is_file()) >= 2


def code_roots(part: object) -> list[str]:
    """The mtf_lib modules a task type's part given as an object runs: its own module when that is
    mtf_lib's (a stage made by ``train_stage``), else the mtf_lib modules its module's file
    imports (a task's own code, which the ``code`` dep covers itself)."""
    import sys

    module = getattr(part, "__module__", None) or ""
    if module.split(".")[0] == PACKAGE:
        return [module]
    source = getattr(sys.modules.get(module), "__file__", None)
    return sorted(imported_modules(Path(source))) if source else []


def _module_name(path: Path) -> str:
    if not path.is_relative_to(LIBRARY.parent):
        return ""  # a task's own file: its relative imports are not mtf_lib's
    relative = path.relative_to(LIBRARY.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


@cache
def _only_docstring(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body)
