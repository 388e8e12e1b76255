"""Running a task's stages in-process, as the stage scripts do, with every output under one folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.stage import AFTER, StagePaths
from mtf_lib.tasks.base import resolve

STAGES = ("preprocess", "dataset", "train", "evaluate")


def paths_under(root: Path, **overrides: Any) -> StagePaths:
    """The stage paths of a task whose outputs all lie under ``root`` (no progress bars)."""
    root = Path(root)
    return StagePaths(
        **{
            "preprocessed": root / "data" / "preprocessed",
            "dataset": root / "data" / "dataset",
            "checkpoints": root / "models" / "checkpoints",
            "bundle": root / "models" / "model",
            "live": root / "metrics" / "train",
            "dev_metrics": root / "metrics" / "dev.json",
            "metrics": root / "metrics",
            "progress": False,
            **overrides,
        }
    )


def run_stages(params: Any, paths: StagePaths, stages: tuple[str, ...] = STAGES) -> dict[str, dict[str, Any]]:
    """The task type's stage functions, in order, each followed by what every type gets after it
    (``mtf_lib.stage.AFTER``: the model card after evaluate): ``{stage: its summary}``."""
    task_type = registry.task_types.get(params.task.type)
    summaries = {}
    for stage in stages:
        started = time.monotonic()
        summaries[stage] = task_type.stage(stage)(params, paths)
        if stage in AFTER:
            resolve(AFTER[stage])(params, paths, time.monotonic() - started)
    return summaries
