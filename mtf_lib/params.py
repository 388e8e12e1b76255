"""Load a task's params.yaml: its own code first, then the task type's schema; validate everything up front."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib.config import ParamsContext, ParamsError, read_yaml, validate
from mtf_lib.errors import CodeError


def load_params(path: str | Path = "params.yaml", stage: str | None = None) -> Any:
    """Validated params (a pydantic model with one attribute per stage group), for ``stage``.

    The files in ``task.code`` are imported first (relative to the params file's folder), so the
    task type, components and readers they register are known to the validation.
    """
    from mtf_lib import registry
    from mtf_lib.plugins import load_task_code

    data = read_yaml(path)
    task = data.get("task")
    task = task if isinstance(task, dict) else {}
    code = task.get("code") or []
    if not isinstance(code, list) or not all(isinstance(f, str) for f in code):
        raise ParamsError(str(path), [f"task.code: a list of Python files of the task, got {code!r}"])
    try:
        load_task_code(Path(path).parent, code)
    except CodeError as exc:
        raise ParamsError(str(path), [str(exc)]) from None
    task_type = task.get("type")
    if not isinstance(task_type, str) or task_type not in registry.task_types:
        known = ", ".join(registry.task_types.names())
        raise ParamsError(
            str(path),
            [f"task.type: must be one of {known} (got {task_type!r}), or a task type that task.code registers"],
        )
    kind = registry.task_types.get(task_type)
    kind.load_components()
    # A check that only one stage needs (a pretrained model folder's) runs for it and for stage None.
    params = validate(kind.schema(), data, str(path), ParamsContext(Path(path).parent, stage))
    params.task._folder = Path(path).parent
    return params
