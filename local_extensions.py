"""cookiecutter local extension of the task template (``_extensions`` in cookiecutter.json).

The template asks for a task type and that type's own options, and takes the rest from the
task type's registered template (``mtf_lib.tasks.template``), so that it names no task type:

- ``task_type_options(task_type)``: the type's options with their defaults (``tag_scheme=BIOES``);
- ``task_file(task_type, options, name)``: its ``params.yaml`` groups or ``README.md`` part,
  rendered with the options' values; ``task_has(task_type, name)``: whether it has that file.

The task's dvc.yaml is not a template file: the post-generation hook writes it from the stages
the task type declares (``mtf pipeline``).

They run in the Python that runs cookiecutter, which must have mtf installed (it reads mtf's
registry of task types).
"""

from __future__ import annotations

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


def task_file(task_type: str, options: str, name: str) -> str:
    spec = task_template(task_type)
    return spec.render(name, spec.option_values(options, task_type))


def task_has(task_type: str, name: str) -> bool:
    return task_template(task_type).has(name)


def task_example(task_type: str) -> str:
    """The body of an example predict request of the type's REST endpoint (its ``ApiSpec``)."""
    import json

    spec = mtf_registry().task_types.get(task_type).api_spec()
    return json.dumps(dict(spec.example), ensure_ascii=False) if spec is not None else '{"texts": ["..."]}'


def task_stages(task_type: str) -> list[str]:
    """The stages a task of the type made from its template has, in order (``baseline``: the
    pair-scoring type's stage without training; no teacher until params ask for distillation)."""
    import tempfile

    from mtf_lib.params import load_params
    from mtf_lib.tasks.template import sample_task

    with tempfile.TemporaryDirectory() as folder:
        params = load_params(sample_task(task_type, Path(folder)) / "params.yaml")
        return [stage.name for stage in mtf_registry().task_types.get(task_type).pipeline_stages(params)]


class MtfExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals.update(
            task_type_options=task_type_options,
            task_file=task_file,
            task_has=task_has,
            task_example=task_example,
            task_stages=task_stages,
        )
