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


# Settings that change where or how fast a run happens, not what it learns. Everything else is
# in the run hash, defaults filled in, so a new section or setting counts without being listed.
NOT_IN_RUN_HASH = (
    "preprocess.workers",  # preprocessing output is identical for any worker count
    "train.device",  # where the run happens (a resumed run may move to another device)
    "train.threads",  # how fast it runs on the CPU (float sums differ with the count, as across devices)
    "evaluate.batch_size",  # test-time batching: the trained weights never see it
    "evaluate.threads",  # test-time speed: the trained weights never see it
)


def run_hash(params: Any) -> str:
    """What shapes the trained weights; a checkpoint made with other values is not resumed."""
    shaping = params.model_dump(mode="json")
    for dotted in NOT_IN_RUN_HASH:
        *parents, leaf = dotted.split(".")
        node = shaping
        for key in parents:
            node = node.get(key, {})
        node.pop(leaf, None)
    return params_hash(shaping)
