"""Load a task's params.yaml: pick the schema by ``task.type``, validate everything up front."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib.config import ParamsError, read_yaml, validate
from mtf_lib.tasks import TASK_TYPES, task_module


def load_params(path: str | Path = "params.yaml") -> Any:
    """Validated params (a pydantic model with one attribute per stage group)."""
    data = read_yaml(path)
    task = data.get("task")
    task_type = task.get("type") if isinstance(task, dict) else None
    if task_type not in TASK_TYPES:
        raise ParamsError(str(path), [f"task.type: must be one of {', '.join(TASK_TYPES)} (got {task_type!r})"])
    schema = task_module(task_type, "params").SCHEMA
    return validate(schema, data, str(path))
