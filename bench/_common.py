"""Shared helpers of the benchmark scripts: data preparation, fixed batches, the flagship model.

Every script runs from a plain checkout (``python bench/<script>.py``): the repo root is put on
``sys.path`` so ``mtf_lib`` imports even where the package is not installed, and this copy of
the library is the one measured.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATASET = "resume_ner"


def data_mirror() -> str | None:
    """Where fetch_dataset copies Resume NER from: ``$MTF_DATA_MIRROR``, else the checkout's
    own ``resources/datasets`` when the fetch stage already filled it (same layout)."""
    env = os.environ.get("MTF_DATA_MIRROR")
    if env:
        return env
    local = ROOT / "resources" / "datasets"
    if (local / DATASET).is_dir() and any((local / DATASET).iterdir()):
        return str(local)
    return None


def fetch_resume_ner(dest_root: Path) -> Path:
    """Copy (and checksum) the Resume NER files into ``dest_root/resume_ner``; return that folder."""
    from mtf_lib.assets import fetch_dataset

    mirror = data_mirror()
    if mirror is None:
        raise SystemExit(
            "no data mirror: set MTF_DATA_MIRROR to a folder holding resume_ner/ (e.g. ../shared/datasets), "
            "or run the fetch stage first"
        )
    fetch_dataset(DATASET, dest_root, mirror=mirror)
    return dest_root / DATASET


def load_repo_params() -> Any:
    """The validated params.yaml of the flagship task (the repo root)."""
    from mtf_lib.params import load_params

    return load_params(ROOT / "params.yaml")


def prepare_dataset(raw_dir: Path, work: Path, limit: int = 0, workers: int = 0) -> Path:
    """Run the library's preprocess + build_dataset on the raw files; return the dataset folder."""
    from mtf_lib.layout import StagePaths
    from mtf_lib.tasks.tagging.dataset import build_dataset
    from mtf_lib.tasks.tagging.preprocess import preprocess

    params = load_repo_params()
    pre = params.preprocess.model_copy(
        update={
            "train": str(raw_dir / "train.char.bmes"),
            "dev": str(raw_dir / "dev.char.bmes"),
            "test": str(raw_dir / "test.char.bmes"),
            "limit": limit,
            "workers": workers,
        }
    )
    params = params.model_copy(update={"preprocess": pre})
    paths = StagePaths(preprocessed=work / "preprocessed", dataset=work / "dataset")
    preprocess(params, paths)
    build_dataset(params, paths)
    return work / "dataset"


def fixed_batches(dataset_dir: Path, batch_size: int, seed: int, n_batches: int = 0) -> list[dict[str, Any]]:
    """Collate the train split once, in the bucket sampler's epoch-0 order (the order training
    uses); ``n_batches`` > 0 keeps that many, cycling if the split has fewer."""
    from mtf_lib.data.batching import BucketBatchSampler
    from mtf_lib.data.shards import SUFFIX, Split
    from mtf_lib.tasks.tagging.features import collate

    train = Split(dataset_dir / f"train{SUFFIX}")
    sampler = BucketBatchSampler(train.lengths("chars"), batch_size, shuffle=True, seed=seed)
    index_lists = list(sampler)
    if n_batches:
        index_lists = [index_lists[i % len(index_lists)] for i in range(n_batches)]
    return [collate([train[i] for i in indices]) for indices in index_lists]


def build_flagship(dataset_dir: Path, **overrides: Any) -> Any:
    """The model params.yaml names (bilstm_crf.v1 and its settings), on this dataset's vocabularies."""
    from mtf_lib.data.vocab import load_vocabs
    from mtf_lib.tasks.tagging.model_io import build_model

    params = load_repo_params()
    return build_model({**params.model, **overrides}, load_vocabs(dataset_dir / "vocab"))


def hand_optimizer(model: Any, tp: Any, total_steps: int) -> tuple[Any, Any]:
    """The optimizer and schedule ``train`` params name, built as the Trainer builds them."""
    from mtf_lib import registry
    from mtf_lib.training.seed import seed_everything

    seed_everything(tp.seed)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = registry.optimizers.build(tp.optimizer, params, tp.lr, tp.weight_decay)
    scheduler = registry.schedulers.build(tp.scheduler, optimizer, total_steps, int(tp.warmup_ratio * total_steps))
    return optimizer, scheduler


def hand_step(model: Any, batch: dict[str, Any], tp: Any, optimizer: Any, scheduler: Any, amp: Any = None) -> Any:
    """One plain training step (autocast to ``amp`` if given, backward, clip, step); the loss."""
    import torch

    device_type = next(model.parameters()).device.type
    with torch.autocast(device_type, dtype=amp or torch.bfloat16, enabled=amp is not None):
        loss = model(batch)["loss"]
    loss.backward()
    if tp.clip_norm > 0:
        torch.nn.utils.clip_grad_norm_(model.parameters(), tp.clip_norm)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    scheduler.step()
    return loss.detach()


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        pass
    return info


def emit(result: dict[str, Any]) -> None:
    """Print the result as the script's last line: one JSON object."""
    print(json.dumps(result, ensure_ascii=False), flush=True)
