"""The ``${...}`` references of a task's dvc.yaml that its params.yaml leaves null or lacks.

DVC cannot resolve a dep such as ``${preprocess.dev}`` when the key is null or missing and then
stops with only "unexpected error"; ``mtf check`` names the key instead (``mtf pipeline`` writes
a dvc.yaml that refers only to keys the params set).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REFERENCE = re.compile(r"\$\{\s*([A-Za-z_][\w.]*)\s*\}")


def unresolved_references(task: Path) -> list[str]:
    """A problem per ``${key}`` of ``task``/dvc.yaml that ``task``/params.yaml has as null or not
    at all (none without a dvc.yaml)."""
    pipeline, params_file = task / "dvc.yaml", task / "params.yaml"
    if not pipeline.is_file() or not params_file.is_file():
        return []
    params = yaml.safe_load(params_file.read_text(encoding="utf-8")) or {}
    problems = []
    lines = pipeline.read_text(encoding="utf-8").splitlines()
    text = "\n".join(line.split("#", 1)[0] for line in lines)  # a comment refers to nothing
    for key in dict.fromkeys(REFERENCE.findall(text)):
        value: Any = params
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            problems.append(
                f"dvc.yaml refers to ${{{key}}}, which params.yaml leaves null or lacks: DVC cannot run the "
                "pipeline so; run `mtf pipeline` to write dvc.yaml for these params (a stage of your own "
                "below its marker line: remove the reference there), or set the key"
            )
    return problems
