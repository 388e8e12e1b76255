"""What every task type shares: split names, preprocessed records, the run hash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mtf_lib.training.checkpoint import params_hash

SPLITS = ("train", "dev", "test")


def read_preprocessed(path: Path) -> list[dict]:
    """The records a preprocess stage wrote: one JSON object per line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def run_hash(params: Any) -> str:
    """What shapes the trained weights; a checkpoint made with other values is not resumed.

    Device and worker counts are left out: they change where a run happens, not its result.
    """
    shaping = {
        "task": params.task.model_dump(),
        "preprocess": params.preprocess.model_dump(exclude={"workers"}),
        "dataset": params.dataset.model_dump(),
        "model": params.model.model_dump(),
        "train": params.train.model_dump(exclude={"device"}),
    }
    return params_hash(shaping)
