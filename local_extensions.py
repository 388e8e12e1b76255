"""cookiecutter local extension of the task template (``_extensions`` in cookiecutter.json).

``library_deps(output_dir, task_slug, task_type, stage)``: the mtf_lib files a stage of the task
type runs (``mtf_lib/tasks/<type>/library_deps.py``), as paths from the generated task into the
mtf checkout that holds it, so that a change there re-runs the stage. Empty for a task outside
any checkout: there mtf_lib is an installed package, and a path into site-packages would not
hold on another machine (README: `dvc repro -f` after upgrading mtf).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from jinja2 import Environment
from jinja2.ext import Extension


def checkout_of(task: Path) -> Path | None:
    """The mtf checkout (a folder with mtf_lib/ and the template) that holds ``task``."""
    for folder in task.parents:
        if (folder / "mtf_lib" / "__init__.py").is_file() and (folder / "cookiecutter.json").is_file():
            return folder
    return None


def library_deps(output_dir: str, task_slug: str, task_type: str, stage: str) -> list[str]:
    task = Path(output_dir).resolve() / task_slug
    checkout = checkout_of(task)
    if checkout is None:
        return []
    manifest = checkout / "mtf_lib" / "tasks" / task_type / "library_deps.py"
    spec = importlib.util.spec_from_file_location(f"_mtf_library_deps_{task_type}", manifest)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [Path(os.path.relpath(checkout / dep, task)).as_posix() for dep in module.LIBRARY_DEPS[stage]]


class MtfExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["library_deps"] = library_deps
