"""Write a task's dvc.yaml from its task type's declared stages, and check a committed one.

The file has two parts: the generated stages, and below the marker line (``USER_MARKER``) the
user's own — stages of their own, or top-level keys such as ``plots:`` — kept as written.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from mtf_lib.pipeline.declare import StageDecl, split_note
from mtf_lib.pipeline.library import LIBRARY, closure, code_roots, fold

USER_MARKER = "  # ---- your own stages below this line: `mtf pipeline` keeps them as they are ----"
HEADER = """\
# The {name} task's pipeline, written by `mtf pipeline` from the stages its task type ({type})
# declares: after changing params.yaml run `mtf pipeline` again (`mtf pipeline --check` says when
# this file is out of date). Each stage lists only the params keys it reads, so a change re-runs
# only the stages it affects. {library}
"""
IN_CHECKOUT = (
    "The mtf_lib folders and files a stage runs (computed from the\n"
    "# imports) are its deps too: a change in the library re-runs what it affects."
)
INSTALLED = "mtf_lib is an installed package here, not a dep: after\n# upgrading it, run `dvc repro -f`."


class PipelineError(RuntimeError):
    """A task whose dvc.yaml cannot be written: says what is wrong and how to fix it."""


def render(task: Path, params: Any, raw: dict[str, Any], stages: list[StageDecl], user_part: str) -> str:
    """The whole dvc.yaml text of ``task`` (``raw``: its params.yaml as read, to list only keys it has)."""
    from mtf_lib import registry

    kind = registry.task_types.get(params.task.type)
    checkout = checkout_of(task)
    lines = [HEADER.format(name=params.task.name, type=kind.name, library=IN_CHECKOUT if checkout else INSTALLED)]
    lines.append("stages:")
    for stage in stages:
        library = library_deps(task, checkout, params, stage.name) if checkout else []
        lines += _stage_lines(stage, library, raw)
        lines.append("")
    lines.append(USER_MARKER)
    text = "\n".join(lines) + "\n"
    return text + user_part if user_part.strip() else text


def checkout_of(task: Path) -> Path | None:
    """The mtf checkout (a folder with mtf_lib/ and the task template) that holds ``task``: there
    the library's files are deps; elsewhere mtf_lib is an installed package, and paths into
    site-packages would not hold on another machine."""
    for folder in (task.resolve(), *task.resolve().parents):
        if (folder / "mtf_lib" / "__init__.py").is_file() and (folder / "cookiecutter.json").is_file():
            return folder
    return None


def library_deps(task: Path, checkout: Path, params: Any, stage: str) -> list[str]:
    """The mtf_lib folders and files ``stage`` runs, as paths from ``task`` into ``checkout``."""
    units = fold(closure(stage_roots(params, stage), entry="mtf_lib.cli"))  # dvc.yaml runs `mtf stage`
    return [
        Path(os.path.relpath(checkout / unit.relative_to(LIBRARY.parent), task.resolve())).as_posix() for unit in units
    ]


def stage_roots(params: Any, stage: str) -> list[str]:
    """What a stage's process runs: the stage runner and params validation, the task type's
    modules (its declaration, schema, components), every registry's built-ins, the components the
    params name, and the stage's own function with what runs after it."""
    from mtf_lib import registry
    from mtf_lib.stage import AFTER
    from mtf_lib.tasks.base import COMMON_STAGES
    from mtf_lib.tasks.common import model_components

    kind = registry.task_types.get(params.task.type)
    refs = {**COMMON_STAGES, **kind.stages}
    roots = ["mtf_lib.stage", "mtf_lib.params", *registry.task_types.modules(kind.name)]
    for ref in (kind.params, refs.get(stage), AFTER.get(stage)):
        roots += [ref.partition(":")[0]] if isinstance(ref, str) else code_roots(ref) if ref is not None else []
    roots += kind.components
    roots += [module for reg in registry.ALL.values() if reg is not registry.task_types for module in reg.modules()]
    roots += [getattr(component, "__module__", "") for component in model_components(params)]
    return roots


def _stage_lines(stage: StageDecl, library: list[str], raw: dict[str, Any]) -> list[str]:
    lines = [f"  {stage.name}:", f"    cmd: mtf stage {stage.name}"]
    deps = [*stage.deps, *library]
    if deps:
        lines += ["    deps:", *(_item(dep) for dep in deps)]
    params = [key for key in stage.params if _has_key(raw, split_note(key)[0])]
    if params:
        lines += ["    params:", *(_item(key) for key in params)]
    for kind in ("outs", "metrics", "plots"):
        outs = [out for out in stage.outs if out.kind == kind]
        if outs:
            lines.append(f"    {kind}:")
        for out in outs:
            note = f"   # {out.note}" if out.note else ""
            options = out.options()
            if not options:
                lines.append(f"      - {out.path}{note}")
                continue
            lines.append(f"      - {out.path}:{note}")
            lines += [
                f"          {key}: {str(value).lower() if isinstance(value, bool) else value}"
                for key, value in options.items()
            ]
    return lines


def _item(text: str) -> str:
    value, note = split_note(text)
    return f"      - {value}" + (f"   # {note}" if note else "")


def _has_key(raw: dict[str, Any], dotted: str) -> bool:
    """DVC refuses a params key that params.yaml lacks: a stage lists only the keys the file has."""
    node: Any = raw
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return True


def user_part(existing: str) -> str:
    """What follows the marker line in an existing dvc.yaml (the user's own stages), or ""."""
    head, marker, tail = existing.partition(USER_MARKER + "\n")
    return tail if marker else ""


def generate(task: Path) -> str:
    """The dvc.yaml text the task in folder ``task`` should have."""
    from mtf_lib import registry
    from mtf_lib.config import read_yaml
    from mtf_lib.params import load_params

    params_file = task / "params.yaml"
    params = load_params(params_file)
    raw = read_yaml(params_file)
    stages = registry.task_types.get(params.task.type).pipeline_stages(params)
    target = task / "dvc.yaml"
    existing = target.read_text(encoding="utf-8") if target.is_file() else ""
    kept = user_part(existing)
    clash = sorted(set(_user_stage_names(kept)) & {s.name for s in stages})
    if clash:
        raise PipelineError(
            f"{target}: your own stages {', '.join(clash)} below the marker have the names of stages mtf writes: "
            "rename yours (a stage's name must be unique)"
        )
    # mtf's own stages run `mtf stage <name>`: they are dropped when these params (or another task
    # type) no longer need them; any other stage above the marker is the user's and must not be lost
    above = {
        name: cmd for name, cmd in _stage_commands(target, existing).items() if name not in set(_user_stage_names(kept))
    }
    foreign = sorted(name for name, cmd in above.items() if cmd != f"mtf stage {name}")
    if foreign:
        raise PipelineError(
            f"{target} has stages of your own above the marker line: {', '.join(foreign)}; `mtf pipeline` would "
            f"drop them: move them below the line '{USER_MARKER.strip()}' at the end of the file (add the line "
            "there if it is missing), then run `mtf pipeline` again"
        )
    return render(task, params, raw, stages, kept)


def _stage_commands(target: Path, text: str) -> dict[str, Any]:
    """Each stage of an existing dvc.yaml with its ``cmd``; PipelineError when it does not parse."""
    if not text.strip():
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PipelineError(
            f"{target} is not valid YAML ({error}): fix or remove it, then run `mtf pipeline`"
        ) from None
    stages = data.get("stages") if isinstance(data, dict) else None
    if not isinstance(stages, dict):
        return {}
    return {name: stage.get("cmd") if isinstance(stage, dict) else None for name, stage in stages.items()}


def _user_stage_names(text: str) -> Iterable[str]:
    for line in text.splitlines():
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            yield line.strip()[:-1]


def write(task: Path) -> bool:
    """Write ``task``'s dvc.yaml (atomically); whether it changed."""
    from mtf_lib.io import atomic_write

    text = generate(task)
    target = task / "dvc.yaml"
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False
    with atomic_write(target, "w") as handle:
        handle.write(text)
    return True


def difference(task: Path) -> str:
    """A unified diff from the dvc.yaml on disk to the one ``mtf pipeline`` writes; "" when equal."""
    target = task / "dvc.yaml"
    current = target.read_text(encoding="utf-8") if target.is_file() else ""
    wanted = generate(task)
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        wanted.splitlines(keepends=True),
        f"{target} (on disk)",
        f"{target} (declared)",
    )
    return "".join(diff)
