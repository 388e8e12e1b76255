"""cookiecutter local extension of the task template (``_extensions`` in cookiecutter.json).

The template asks for a task type and that type's own options, and takes the rest from the
task type's registered template (``mtf_lib.tasks.template``), so that it names no task type:

- ``task_type_options(task_type)``: the type's options with their defaults (``tag_scheme=BIOES``);
- ``task_file(task_type, options, name[, output_dir, task_slug])``: its ``params.yaml`` groups,
  ``README.md`` part or ``dvc.yaml`` stages, rendered with the options' values (and, for
  ``dvc.yaml``, ``library(stage)``: the stage's mtf_lib deps); ``task_has(task_type, name)``: whether
  it has that file (a type without ``dvc.yaml`` gets the template's four stages);
- ``library_deps(output_dir, task_slug, task_type, stage)``: the mtf_lib files a stage runs
  (``mtf_lib/tasks/<type>/library_deps.py``), as paths from the generated task into the mtf
  checkout that holds it, so that a change there re-runs the stage. Empty for a task outside any
  checkout, or of a type without such a manifest: there mtf_lib is an installed package, and a
  path into site-packages would not hold on another machine (README: `dvc repro -f` after
  upgrading mtf).

They run in the Python that runs cookiecutter, which must have mtf installed (it reads mtf's
registry of task types).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from jinja2 import Environment
from jinja2.ext import Extension


class TemplateProblem(RuntimeError):
    pass


def mtf_registry() -> Any:
    try:
        from mtf_lib import registry
    except ImportError as error:
        raise TemplateProblem(
            f"the mtf template reads mtf's task types, but this Python ({error}) cannot import mtf_lib: "
            "run cookiecutter from mtf's environment (`.venv/bin/cookiecutter` after `make install`), "
            "or `pip install -e <mtf checkout>` first"
        ) from error
    return registry


def task_template(task_type: str) -> Any:
    return mtf_registry().task_types.get(task_type).template_spec()


def task_type_options(task_type: str) -> str:
    """The defaults; empty for an unknown task type, which the pre-generation hook reports."""
    if task_type not in mtf_registry().task_types.own_names():
        return ""
    try:
        return task_template(task_type).default_options()
    except LookupError:
        return ""


def task_file(task_type: str, options: str, name: str, output_dir: str = "", task_slug: str = "") -> str:
    """A type's own ``dvc.yaml`` also gets ``library(stage)``: the stage's mtf_lib deps as list
    items (``library_deps``; none outside a checkout)."""
    spec = task_template(task_type)

    def library(stage: str) -> str:
        deps = library_deps(output_dir, task_slug, task_type, stage) if output_dir else []
        return "".join(f"\n      - {dep}" for dep in deps)

    return spec.render(name, {**spec.option_values(options, task_type), "library": library})


def task_has(task_type: str, name: str) -> bool:
    return task_template(task_type).has(name)


def task_example(task_type: str) -> str:
    """The body of an example predict request of the type's REST endpoint (its ``ApiSpec``)."""
    import json

    spec = mtf_registry().task_types.get(task_type).api_spec()
    return json.dumps(dict(spec.example), ensure_ascii=False) if spec is not None else '{"texts": ["..."]}'


def task_stages(task_type: str) -> list[str]:
    """The type's stage names (``baseline``: the pair-scoring type's stage without training)."""
    return list(mtf_registry().task_types.get(task_type).stages)


def checkout_of(task: Path) -> Path | None:
    """The mtf checkout (a folder with mtf_lib/ and the template) that holds ``task``."""
    for folder in task.parents:
        if (folder / "mtf_lib" / "__init__.py").is_file() and (folder / "cookiecutter.json").is_file():
            return folder
    return None


def library_deps(output_dir: str, task_slug: str, task_type: str, stage: str) -> list[str]:
    task = Path(output_dir).resolve() / task_slug
    checkout = checkout_of(task)
    manifest = checkout / "mtf_lib" / "tasks" / task_type / "library_deps.py" if checkout else None
    if manifest is None or not manifest.is_file():
        return []
    spec = importlib.util.spec_from_file_location(f"_mtf_library_deps_{task_type}", manifest)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [Path(os.path.relpath(checkout / dep, task)).as_posix() for dep in module.LIBRARY_DEPS.get(stage, [])]


class MtfExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals.update(
            task_type_options=task_type_options,
            task_file=task_file,
            task_has=task_has,
            task_example=task_example,
            task_stages=task_stages,
            library_deps=library_deps,
        )
