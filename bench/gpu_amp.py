"""GPU mixed precision: training steps/s of the flagship model on CUDA in fp32 vs bf16 autocast.

``train.amp: bf16`` is the setting that should make training on a GPU faster; this measures by
how much, on the flagship model (bilstm_crf.v1 with params.yaml's settings) and the Resume NER
train split, pre-collated and moved to the GPU once so only the training step is timed. Each
run starts from the same weights and seed, trains ``warmup`` untimed steps, then ``steps`` timed
ones (``torch.cuda.synchronize()`` around the timing); fp32 and bf16 runs alternate.

It also checks that bf16 trains the same model: from identical weights its first-step loss must
be close to fp32's, every loss finite, and the mean loss over the last steps within a loose
tolerance of fp32's. Needs only the repo, torch, numpy, jieba, pydantic, pyyaml and safetensors,
plus the Resume NER files in ``--data-dir`` (no DVC). Writes the result to ``--out`` as well as
printing it (e.g. ``--out bench/gpu_results.json``, which run_all.py adds to results.md).
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from copy import deepcopy
from pathlib import Path
from typing import Any

from _common import (
    ROOT,
    build_flagship,
    emit,
    fixed_batches,
    hand_optimizer,
    hand_step,
    load_repo_params,
    machine,
    prepare_dataset,
    timed,
)

FIRST_STEP_RTOL = 0.02  # same weights and batch: bf16 rounding only
LAST_STEPS_RTOL = 0.15  # after N steps the two runs have drifted apart: a loose check
LAST_STEPS = 20


def train_steps(
    model: Any, batches: list[dict[str, Any]], tp: Any, dtype: Any, warmup: int, device: Any
) -> tuple[float, list[float]]:
    """The Trainer's step (autocast forward, backward, clip, Adam, schedule) over ``batches``;
    returns the seconds of the steps after ``warmup`` and every step's loss."""
    import torch

    optimizer, scheduler = hand_optimizer(model, tp, len(batches))
    model.train()
    losses = []

    def step(batch: dict[str, Any]) -> None:
        losses.append(hand_step(model, batch, tp, optimizer, scheduler, amp=dtype))

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    def timed_steps() -> None:
        for batch in batches[warmup:]:
            step(batch)
        sync()

    for batch in batches[:warmup]:
        step(batch)
    sync()
    seconds, _ = timed(timed_steps)
    return seconds, torch.stack(losses).float().cpu().tolist()


def run(
    data_dir: Path, quick: bool, steps: int | None, warmup: int | None, rounds: int | None, device_name: str
) -> dict[str, Any]:
    import torch

    device = torch.device(device_name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise SystemExit("gpu_amp: no CUDA device (torch.cuda.is_available() is False); run it on a GPU machine")
    if device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise SystemExit(f"gpu_amp: {torch.cuda.get_device_name(device)} has no bf16 support")
    for name in ("train", "dev", "test"):
        if not (data_dir / f"{name}.char.bmes").is_file():
            raise SystemExit(f"gpu_amp: {data_dir / f'{name}.char.bmes'} not found; pass --data-dir")
    steps = steps or (30 if quick else 300)
    warmup = warmup or (5 if quick else 30)
    rounds = rounds or (1 if quick else 2)
    tp = load_repo_params().train

    with tempfile.TemporaryDirectory(prefix="mtf-bench-") as tmp:
        prep_s, dataset_dir = timed(lambda: prepare_dataset(data_dir, Path(tmp), limit=400 if quick else 0))
        batches = fixed_batches(dataset_dir, tp.batch_size, tp.seed, n_batches=warmup + steps)
        torch.manual_seed(tp.seed)
        initial = build_flagship(dataset_dir)
    batches = [{k: v.to(device) for k, v in b.items()} for b in batches]
    tokens = sum(int(b["mask"].sum()) for b in batches[warmup:])

    dtypes = {"fp32": None, "bf16": torch.bfloat16}
    rates: dict[str, list[float]] = {name: [] for name in dtypes}
    losses: dict[str, list[float]] = {}
    for r in range(rounds):
        for name, dtype in dtypes.items():
            seconds, run_losses = train_steps(deepcopy(initial).to(device), batches, tp, dtype, warmup, device)
            rates[name].append(steps / seconds)
            if r == 0:
                losses[name] = run_losses

    fp32, bf16 = losses["fp32"], losses["bf16"]
    first_diff = abs(bf16[0] - fp32[0]) / abs(fp32[0])
    last = min(LAST_STEPS, len(fp32))
    last_fp32 = sum(fp32[-last:]) / last
    last_bf16 = sum(bf16[-last:]) / last
    last_diff = abs(last_bf16 - last_fp32) / abs(last_fp32)
    finite = all(math.isfinite(x) for x in bf16)
    correct = finite and first_diff <= FIRST_STEP_RTOL and last_diff <= LAST_STEPS_RTOL
    best = {name: max(values) for name, values in rates.items()}
    return {
        "benchmark": "gpu_amp",
        "metric": "bf16 autocast steps/s ÷ fp32 steps/s (best of alternating runs)",
        "value": round(best["bf16"] / best["fp32"], 3),
        "unit": "x",
        "target": "> 1 (informational) and bf16 losses match fp32",
        "passed": correct,
        "quick": quick,
        "details": {
            "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else None,
            "device": str(device),
            "cuda": torch.version.cuda,
            "fp32_steps_per_s": [round(x, 2) for x in rates["fp32"]],
            "bf16_steps_per_s": [round(x, 2) for x in rates["bf16"]],
            "fp32_tokens_per_s": round(best["fp32"] * tokens / steps),
            "bf16_tokens_per_s": round(best["bf16"] * tokens / steps),
            "steps": steps,
            "warmup_steps": warmup,
            "rounds": rounds,
            "batch_size": tp.batch_size,
            "data_prep_s": round(prep_s, 1),
            "check": {
                "bf16_losses_finite": finite,
                "first_step_loss": {"fp32": round(fp32[0], 4), "bf16": round(bf16[0], 4)},
                "first_step_rel_diff": float(f"{first_diff:.3g}"),
                "first_step_rtol": FIRST_STEP_RTOL,
                f"mean_loss_last_{last}_steps": {"fp32": round(last_fp32, 4), "bf16": round(last_bf16, 4)},
                "last_steps_rel_diff": float(f"{last_diff:.3g}"),
                "last_steps_rtol": LAST_STEPS_RTOL,
                "passed": correct,
            },
            "machine": machine(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=ROOT / "resources" / "datasets" / "resume_ner",
        help="folder with train/dev/test.char.bmes (default: resources/datasets/resume_ner)",
    )
    parser.add_argument("--quick", action="store_true", help="400 sentences per split, 30 steps, 1 round")
    parser.add_argument("--steps", type=int, help="timed steps per run (default 300; quick 30)")
    parser.add_argument("--warmup", type=int, help="untimed steps before timing (default 30; quick 5)")
    parser.add_argument("--rounds", type=int, help="alternating fp32/bf16 runs (default 2; quick 1)")
    parser.add_argument("--device", default="cuda", help="torch device (default cuda; cpu only to test this script)")
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args()
    result = run(args.data_dir.resolve(), args.quick, args.steps, args.warmup, args.rounds, args.device)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    emit(result)
    if not result["passed"]:
        raise SystemExit("bf16 training does not match fp32 (see details.check)")


if __name__ == "__main__":
    main()
