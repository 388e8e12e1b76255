"""What every task type shares: split names, preprocessed records, the run hash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mtf_lib.errors import InputError
from mtf_lib.training.checkpoint import params_hash

SPLITS = ("train", "dev", "test")


def require_file(path: Path, key: str) -> None:
    """InputError unless ``path`` is a file: the params key ``key`` names it."""
    if not Path(path).is_file():
        raise InputError(f"{path} not found: run the fetch stage, or set {key} to your own file")


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
    "evaluate.beam",  # test-time decoding (seq2seq): dev is decoded greedily in training
    "evaluate.length_penalty",  # ranks finished beam hypotheses; greedy dev decoding ignores it
    "evaluate.samples",  # how many test translations are written out
)


# Settings added to mtf after runs were made with it, whose default keeps the earlier behaviour:
# hashed only when set away from that default, so adding one leaves earlier checkpoints resumable.
HASHED_WHEN_SET = {"train.eval_every": 0, "distill": None, "distill.unlabeled": None}


def task_dir(params: Any) -> Path:
    """The task's folder (where its params.yaml lies; ``task.code`` is relative to it)."""
    return params.task.folder


def model_components(params: Any) -> list[Any]:
    """The registered factories that ``params`` names (models, their heads, tokenizers, ...):
    a bundle records the modules outside mtf_lib they come from."""
    from mtf_lib import registry

    found: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            found.extend(reg._entries[value] for reg in registry.ALL.values() if value in reg._entries)

    walk(params.model_dump(mode="json"))
    return [f for f in found if callable(f)]


def run_hash(params: Any) -> str:
    """What shapes the trained weights; a checkpoint made with other values is not resumed."""
    shaping = params.model_dump(mode="json")
    for dotted in NOT_IN_RUN_HASH:
        _drop(shaping, dotted, lambda value: True)
    for dotted, neutral in HASHED_WHEN_SET.items():
        _drop(shaping, dotted, lambda value, neutral=neutral: value == neutral)
    return params_hash(shaping)


def _drop(tree: dict[str, Any], dotted: str, when: Any) -> None:
    *parents, leaf = dotted.split(".")
    for key in parents:
        tree = tree.get(key) or {}
    if leaf in tree and when(tree[leaf]):
        del tree[leaf]
