"""Task types (the NLP base tasks): each has a params schema and one function per stage."""

from __future__ import annotations

import importlib
from typing import Any

TASK_TYPES = ("tagging", "classification")


def task_module(task_type: str, part: str) -> Any:
    """``mtf_lib.tasks.<task_type>.<part>``, with a clear error for an unknown type."""
    if task_type not in TASK_TYPES:
        raise ValueError(f"unknown task type {task_type!r}; choose one of {', '.join(TASK_TYPES)}")
    return importlib.import_module(f"mtf_lib.tasks.{task_type}.{part}")
