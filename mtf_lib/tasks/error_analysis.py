"""Error analysis, written by the evaluate stage to ``metrics/errors.json`` (versioned with the
model, like eval.json; the web app only reads it).

A task type supplies the analysis of one split as ``TaskType.errors``: a function
``(records, outputs, limit) -> dict`` (JSON data: counts over the whole split, examples capped at
``limit`` per class or cell, so metrics/ stays small). Its evaluate stage hands over the splits it
has predicted; the file is::

    {"task_type": ..., "limit": N, "splits": {"test": {...}, "dev": {...}}, "note": "..."}

``note`` says why a split is absent (evaluate predicts the test split only, say). A type without
``errors`` gets no file (and an earlier run's is removed, so it cannot pass for this model's).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mtf_lib.io import write_json

ERRORS_FILE = "errors.json"
EXAMPLES_LIMIT = 20  # examples kept per error class, matrix cell or type: enough to read, small to version


def write_error_analysis(
    metrics_dir: Path,
    task_type: str,
    splits: Mapping[str, tuple[list[Any], list[Any]]],
    note: str | None = None,
    limit: int = EXAMPLES_LIMIT,
) -> dict[str, Any] | None:
    """``splits``: name → (records, the model's outputs for them); returns what was written."""
    from mtf_lib import registry

    path = Path(metrics_dir) / ERRORS_FILE
    analyse = registry.task_types.get(task_type).error_analysis()
    if analyse is None:
        path.unlink(missing_ok=True)
        return None
    data: dict[str, Any] = {
        "task_type": task_type,
        "limit": limit,
        "splits": {name: analyse(records, outputs, limit) for name, (records, outputs) in splits.items()},
    }
    if note:
        data["note"] = note
    write_json(path, data)
    return data


def read_error_analysis(metrics_dir: Path) -> dict[str, Any] | None:
    """errors.json's content; None when there is none (or it is not readable JSON)."""
    try:
        data = json.loads((Path(metrics_dir) / ERRORS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("splits"), dict) else None
