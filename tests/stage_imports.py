"""What each pipeline stage really imports from mtf_lib, measured, against the deps dvc.yaml lists.

A stage's deps must cover every mtf_lib file it runs, or a change there leaves its outputs stale
(DVC would skip the stage). A traced run puts ``tests/import_trace`` on PYTHONPATH: its
``sitecustomize`` makes every Python process append, at exit, the mtf_lib modules it loaded
(lazy imports included) to the log named by ``MTF_TRACE_IMPORTS``.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
from collections.abc import Iterable
from pathlib import Path

TRACE_DIR = Path(__file__).resolve().parent / "import_trace"


def trace_env(log: Path, env: dict[str, str]) -> dict[str, str]:
    """``env`` for a traced run that logs to ``log``."""
    path = os.pathsep.join(p for p in (str(TRACE_DIR), env.get("PYTHONPATH", "")) if p)
    return {**env, "PYTHONPATH": path, "MTF_TRACE_IMPORTS": str(log)}


def stage_name(argv: list[str]) -> str | None:
    """The stage a process ran: ``mtf stage <name>``, ``python -m mtf_lib.stage <name>``, or a
    user's own script ``stages/<name>.py``; None for any other process."""
    script = Path(argv[0])
    if script.name == "mtf" and argv[1:2] == ["stage"] and len(argv) > 2:
        return argv[2]
    if script.name == "stage.py" and script.parent.name == "mtf_lib" and len(argv) > 1:
        return argv[1]
    return script.stem if script.parent.name == "stages" and script.suffix == ".py" else None


def stage_imports(log: Path) -> dict[str, set[str]]:
    """``{stage: mtf_lib module names}`` for every stage process in ``log``."""
    found: dict[str, set[str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        stage = stage_name(record["argv"])
        if stage:
            found.setdefault(stage, set()).update(record["modules"])
    return found


def module_files(modules: Iterable[str], root: Path) -> set[str]:
    """The source files of ``modules`` relative to ``root``, leaving out packages whose
    ``__init__.py`` holds nothing but a docstring (no behaviour that could go stale)."""
    files = set()
    for module in modules:
        origin = Path(importlib.util.find_spec(module).origin)
        if origin.name == "__init__.py" and _only_docstring(origin):
            continue
        files.add(origin.resolve().relative_to(root.resolve()).as_posix())
    return files


def _only_docstring(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body)


def uncovered(files: Iterable[str], deps: Iterable[str]) -> list[str]:
    """The files that no dep names, itself or as a folder above it."""
    deps = list(deps)
    folders = [d.rstrip("/") + "/" for d in deps]
    return sorted(f for f in files if f not in deps and not any(f.startswith(d) for d in folders))


def missing_deps(task: Path, log: Path, root: Path) -> dict[str, list[str]]:
    """For each stage of ``task``'s dvc.yaml: the mtf_lib files it ran (traced in ``log``) that its
    deps do not cover. Deps are read relative to ``task``, files relative to ``root`` (the
    repository holding both)."""
    import yaml

    stages = yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    traced = stage_imports(log)
    assert set(traced) == set(stages), f"traced stages {sorted(traced)}, dvc.yaml has {sorted(stages)}"
    library = Path(importlib.util.find_spec("mtf_lib").origin).parent.parent  # where the code that ran lives
    out = {}
    for name, stage in stages.items():
        deps = [_from_root(task / dep, root) for dep in stage["deps"] if "${" not in dep]
        out[name] = uncovered(module_files(traced[name], library), deps)
    return out


def _from_root(path: Path, root: Path) -> str:
    return Path(os.path.normpath(path)).relative_to(root).as_posix()
