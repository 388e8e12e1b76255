"""The real Trainer on CUDA with ``train.amp`` none, bf16 and fp16: steps/s and losses.

gpu_amp.py times a bare training step; this runs the mtf Trainer itself (autocast, GradScaler
for fp16, clipping, checkpoints) on the flagship model and the Resume NER train split, so the
AMP code path users switch on with ``train.amp`` is what is measured and checked.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from copy import deepcopy
from pathlib import Path
from typing import Any

from _common import build_flagship, emit, fetch_resume_ner, fixed_batches, load_repo_params, machine, prepare_dataset
from trainer_overhead import trainer_run


def run(epochs: int, device: str) -> dict[str, Any]:
    import torch

    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("no CUDA device: this benchmark needs a GPU")
    tp = load_repo_params().train
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="mtf-bench-") as tmp:
        work = Path(tmp)
        dataset_dir = prepare_dataset(fetch_resume_ner(work / "raw"), work)
        batches = fixed_batches(dataset_dir, tp.batch_size, tp.seed)
        torch.manual_seed(tp.seed)
        initial = build_flagship(dataset_dir)
        trainer_run(deepcopy(initial), batches[:20], 1, tp, device, work / "warm")  # CUDA/cuDNN warm-up
        for amp in ("none", "bf16", "fp16"):
            seconds, losses = trainer_run(
                deepcopy(initial), batches, epochs, tp.model_copy(update={"amp": amp}), device, work / amp
            )
            results[amp] = {
                "steps_per_s": round(epochs * len(batches) / seconds, 2),
                "epoch_losses": [round(x, 4) for x in losses],
            }
    finite = all(math.isfinite(x) for r in results.values() for x in r["epoch_losses"])
    final = {amp: r["epoch_losses"][-1] for amp, r in results.items()}
    close = all(abs(final[a] - final["none"]) <= 0.15 * abs(final["none"]) for a in ("bf16", "fp16"))
    return {
        "benchmark": "gpu_trainer_amp",
        "metric": "mtf Trainer steps/s with train.amp none / bf16 / fp16",
        "value": {amp: r["steps_per_s"] for amp, r in results.items()},
        "unit": "steps/s",
        "target": "informational; AMP losses finite and within 15% of fp32",
        "passed": finite and close,
        "details": {
            "gpu": torch.cuda.get_device_name() if device == "cuda" else device,
            "epochs": epochs,
            "batches_per_epoch": len(batches),
            "runs": results,
            "machine": machine(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--device", default="cuda")
    args = parser.parse_args()
    emit(run(args.epochs, args.device))


if __name__ == "__main__":
    main()
