"""A task's own code and installed plug-ins, loaded before any component name is resolved.

- ``task.code: [code/my_readers.py, ...]`` in params.yaml: files of the task, relative to its
  folder, imported by ``load_params`` (so by every stage, ``mtf check``, ``mtf components
  --params``) and, through the bundle's record of them, by ``Predictor.load`` and the web app.
- An installed package's entry points in the group ``mtf.components``: imported the first time
  any registry is used.

A file is imported under a module name made from its absolute path, so two tasks' files of the
same name stay two modules (and two registrations of one component name clash loudly).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from mtf_lib.errors import CodeError

ENTRY_POINT_GROUP = "mtf.components"
_entry_points_loaded = False


def module_name(path: Path) -> str:
    resolved = path.resolve()
    digest = hashlib.sha1(str(resolved).encode()).hexdigest()[:10]
    stem = "".join(c if c.isalnum() else "_" for c in resolved.stem)
    return f"mtf_task_code.{stem}_{digest}"


def load_code_file(path: Path, shown: str) -> ModuleType:
    """Import the Python file ``path`` once (``shown`` names it in errors)."""
    name = module_name(path)
    if name in sys.modules:
        return sys.modules[name]
    if not path.is_file():
        raise CodeError(f"{shown}: no such file ({path}); fix task.code in params.yaml", shown)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 - any failure of the user's module is reported as theirs
        del sys.modules[name]
        raise CodeError(f"{shown} failed to import: {type(error).__name__}: {error}", shown) from error
    return module


def load_task_code(task_dir: Path, files: Sequence[str]) -> list[ModuleType]:
    """The task's own modules (``task.code``), imported from ``task_dir``."""
    return [load_code_file(Path(task_dir) / file, f"task.code {file}") for file in files]


def load_entry_points() -> None:
    """Import the modules of installed plug-ins (entry point group ``mtf.components``), once."""
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    from importlib.metadata import entry_points

    for point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            point.load()
        except Exception as error:  # noqa: BLE001 - a broken plug-in is the plug-in's, named as such
            raise CodeError(
                f"the installed plug-in {point.name!r} ({point.value}, entry point group {ENTRY_POINT_GROUP}) "
                f"failed to import: {type(error).__name__}: {error}",
                point.value,
            ) from error


def code_record(task_dir: Path, files: Sequence[str], bundle_dir: Path, components: Sequence[Any]) -> dict[str, Any]:
    """What a bundle needs besides mtf_lib: the task's code files (as paths from the bundle) and
    the modules outside mtf_lib and the task's code that registered its ``components``."""
    own = {module_name(Path(task_dir) / f) for f in files}
    outside = {c.__module__ for c in components} - own
    modules = sorted(m for m in outside if m != "mtf_lib" and not m.startswith("mtf_lib."))
    paths = [Path(os.path.relpath(Path(task_dir) / f, bundle_dir)).as_posix() for f in files]
    return {"files": paths, "shown": list(files), "modules": modules}


def load_bundle_code(bundle_dir: Path, record: dict[str, Any] | None) -> None:
    """Import what a bundle's model needs (``code_record``); CodeError naming what is missing."""
    if not record:
        return
    for path, shown in zip(record["files"], record["shown"], strict=True):
        file = Path(bundle_dir) / path
        if not file.is_file():
            raise CodeError(
                f"the model in {bundle_dir} needs its task's code {shown} (task.code when it was trained), "
                f"which is not at {file}: restore it, or train the task again",
                shown,
            )
        load_code_file(file, shown)
    for name in record["modules"]:
        try:
            importlib.import_module(name)
        except ImportError as error:
            raise CodeError(
                f"the model in {bundle_dir} needs the module {name!r}, which cannot be imported ({error}): "
                "install the package that provides it",
                name,
            ) from error
