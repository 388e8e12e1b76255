"""What the task template (cookiecutter, at the repository root) generates for a task type.

A task type's template is a folder beside its code::

    template/
      params.yaml   its params groups after ``task`` and ``fetch`` (Jinja: the options' values)
      README.md     the generated README's "your own data" part (Jinja: the options' values)
      sample/       a small data set, copied to the task's data/sample/ so that it runs at once
      pipeline.md   optional: the README's pipeline part, for a type whose stages are not
                    preprocess → dataset → train → evaluate

and its options: the questions the template asks for this type only (tagging: the tag scheme),
given on the cookiecutter command line as ``options="tag_scheme=BIO"``. The template, its hooks
and the bake tests read these from the registry; none of them names a task type.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLE = "sample"


@dataclass(frozen=True)
class TemplateOption:
    """One question of a task type's template: its default answer and the answers allowed."""

    default: str
    choices: tuple[str, ...]
    help: str

    def problem(self, name: str, value: str) -> str | None:
        if value in self.choices:
            return None
        return f"option {name}={value!r} is not allowed: choose one of {', '.join(self.choices)} ({self.help})"


@dataclass(frozen=True)
class TaskTemplate:
    """``folder``: params.yaml, README.md and sample/ (see the module doc); ``options``: the
    type's own questions; ``smoke``: params overrides that make the generated smoke test's
    ``dvc repro`` quick (group → settings)."""

    folder: Path
    options: Mapping[str, TemplateOption] = field(default_factory=dict)
    smoke: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def default_options(self) -> str:
        """The options' defaults in the command-line form, ``tag_scheme=BIOES``."""
        return format_options({name: option.default for name, option in self.options.items()})

    def option_values(self, text: str, task_type: str) -> dict[str, str]:
        """Every option's value: those given in ``text`` (``a=1, b=2``), defaults for the rest;
        ValueError listing every problem."""
        given, problems = parse_options(text)
        problems += [
            f"task type {task_type!r} has no option {name!r}; {self.options_hint()}"
            for name in given
            if name not in self.options
        ]
        values = {name: given.get(name, option.default) for name, option in self.options.items()}
        problems += [p for name, option in self.options.items() if (p := option.problem(name, values[name]))]
        if problems:
            raise ValueError("; ".join(problems))
        return values

    def options_hint(self) -> str:
        if not self.options:
            return "it takes no options (leave options empty)"
        return "its options: " + ", ".join(f"{n} ({'|'.join(o.choices)}; {o.help})" for n, o in self.options.items())

    def render(self, name: str, values: Mapping[str, str]) -> str:
        """``params.yaml``, ``README.md`` or ``pipeline.md`` of the folder, rendered with the options' values."""
        from jinja2 import Environment, StrictUndefined

        text = self._file(name).read_text(encoding="utf-8")
        environment = Environment(undefined=StrictUndefined, keep_trailing_newline=True)
        return environment.from_string(text).render(**values).rstrip("\n")

    def has(self, name: str) -> bool:
        return self._file(name).is_file()

    def _file(self, name: str) -> Path:
        return self.folder / name

    def copy_files(self, task: Path) -> list[Path]:
        """Copy the sample data set to ``task``/data/sample/; the copied files."""
        source, destination = self.folder / SAMPLE, task / "data" / "sample"
        files = sorted(p for p in source.iterdir() if p.is_file()) if source.is_dir() else []
        if files:
            destination.mkdir(parents=True, exist_ok=True)
        return [Path(shutil.copy2(file, destination / file.name)) for file in files]


def parse_options(text: str) -> tuple[dict[str, str], list[str]]:
    """``"a=1, b=2"`` (commas or spaces between) → ({"a": "1", "b": "2"}, problems)."""
    given: dict[str, str] = {}
    problems: list[str] = []
    for item in text.replace(",", " ").split():
        name, equals, value = item.partition("=")
        if not equals or not name:
            problems.append(f"options item {item!r} is not name=value")
        else:
            given[name] = value
    return given, problems


def format_options(values: Mapping[str, str]) -> str:
    return ", ".join(f"{name}={value}" for name, value in values.items())


def sample_task(task_type: str, folder: Path, options: str = "") -> Path:
    """A task of ``task_type`` in ``folder`` made from its registered template, as cookiecutter
    makes one but without its README and tests: params.yaml with the template's smoke settings
    (a slice, few epochs), and the sample data in data/sample/."""
    import yaml

    from mtf_lib import registry

    spec = registry.task_types.get(task_type).template_spec()
    groups = yaml.safe_load(spec.render("params.yaml", spec.option_values(options, task_type)))
    params = {"task": {"name": f"{task_type}_sample", "type": task_type}, "fetch": {"dataset": None}, **groups}
    for group, settings in spec.smoke.items():
        params[group] = {**params.get(group, {}), **settings}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), "utf-8")
    spec.copy_files(folder)
    return folder
