"""Trainer overhead: steps/s of mtf's Trainer vs a minimal hand-written PyTorch loop.

Both train the flagship model (bilstm_crf.v1 with params.yaml's settings) from the same initial
weights and seed on the same pre-collated batches (the train split in the sampler's order), with
the same optimizer, schedule and clipping, for the same number of optimizer steps. The Trainer
runs with an instant evaluate, no callbacks and no progress bar, but still writes its checkpoint
every epoch, as it does in a real run. The two are measured alternately (AB BA AB ...) to cancel
drift and order effects; ratio = Trainer / hand loop, from the median of each. Target: ratio >= 0.97, i.e. the
framework costs at most 3% of training speed.

The per-epoch mean losses of both runs are compared as well: equal losses show that both loops
did the same work, so the ratio compares like with like.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
from copy import deepcopy
from pathlib import Path
from typing import Any

from _common import (
    build_flagship,
    emit,
    fetch_resume_ner,
    fixed_batches,
    hand_optimizer,
    hand_step,
    load_repo_params,
    machine,
    median,
    prepare_dataset,
    timed,
)

TARGET = 0.97


def hand_loop(model: Any, batches: list[dict[str, Any]], epochs: int, tp: Any, device: Any) -> list[float]:
    """forward → loss → backward → clip → optimizer step → scheduler step; per-epoch mean losses."""
    import torch

    model = model.to(device)
    optimizer, scheduler = hand_optimizer(model, tp, epochs * len(batches))
    model.train()
    losses = []
    for _ in range(epochs):
        epoch_loss = torch.zeros((), device=device)
        for batch in batches:
            batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
            epoch_loss += hand_step(model, batch, tp, optimizer, scheduler)
        losses.append(epoch_loss.item() / len(batches))
    return losses


def trainer_run(model: Any, batches: list[dict[str, Any]], epochs: int, tp: Any, device: str, ckpt: Path) -> Any:
    """A Trainer over the batch list; returns (fit seconds, per-epoch mean losses)."""
    from mtf_lib.tasks.fitting import TRAINER_SETTINGS
    from mtf_lib.training.trainer import Trainer, TrainSettings

    trainer_params = {k: v for k, v in tp.model_dump().items() if k in TRAINER_SETTINGS}  # as fit_task does
    settings = TrainSettings(**{**trainer_params, "epochs": epochs, "device": device})
    trainer = Trainer(
        model, batches, lambda m: {settings.monitor: 0.0}, settings, ckpt, "bench", callbacks=[], progress=False
    )
    with contextlib.redirect_stderr(io.StringIO()):  # one log line per epoch
        seconds, result = timed(lambda: trainer.fit(resume=False))
    return seconds, [m["train_loss"] for m in result.history]


def run(quick: bool, rounds: int | None, epochs: int | None, device: str, threads: int | None) -> dict[str, Any]:
    import torch

    if threads:
        torch.set_num_threads(threads)

    params = load_repo_params()
    tp = params.train
    rounds = rounds or (2 if quick else 5)
    epochs = epochs or 2
    with tempfile.TemporaryDirectory(prefix="mtf-bench-") as tmp:
        work = Path(tmp)
        raw = fetch_resume_ner(work / "raw")
        dataset_dir = prepare_dataset(raw, work, limit=160 if quick else 0)
        batches = fixed_batches(dataset_dir, tp.batch_size, tp.seed)
        torch.manual_seed(tp.seed)
        initial = build_flagship(dataset_dir)
        hand_loop(deepcopy(initial), batches[:10], 1, tp, torch.device(device))  # warm-up, not timed

        steps = epochs * len(batches)
        hand_rates, trainer_rates = [], []
        hand_losses: list[float] = []
        trainer_losses: list[float] = []
        for r in range(rounds):
            # The order alternates (hand, Trainer, Trainer, hand, ...) so neither loop always runs
            # first in a round, after the other one's memory use.
            for loop in ("hand", "trainer") if r % 2 == 0 else ("trainer", "hand"):
                if loop == "hand":
                    seconds, hand_losses = timed(
                        lambda: hand_loop(deepcopy(initial), batches, epochs, tp, torch.device(device))
                    )
                    hand_rates.append(steps / seconds)
                else:
                    seconds, trainer_losses = trainer_run(
                        deepcopy(initial), batches, epochs, tp, device, work / f"ckpt{r}"
                    )
                    trainer_rates.append(steps / seconds)

    loss_diff = max(abs(a - b) for a, b in zip(hand_losses, trainer_losses, strict=True))
    same_work = loss_diff <= 1e-4 * max(1.0, abs(hand_losses[-1]))
    ratio = median(trainer_rates) / median(hand_rates)
    return {
        "benchmark": "trainer_overhead",
        "metric": "Trainer steps/s ÷ hand-loop steps/s (median of alternating runs)",
        "value": round(ratio, 4),
        "unit": "x",
        "target": f">= {TARGET}",
        "passed": ratio >= TARGET and same_work,
        "quick": quick,
        "details": {
            "device": device,
            "batches_per_epoch": len(batches),
            "epochs": epochs,
            "steps_per_run": steps,
            "rounds": rounds,
            "hand_steps_per_s": [round(x, 2) for x in hand_rates],
            "trainer_steps_per_s": [round(x, 2) for x in trainer_rates],
            "ratio_of_best": round(max(trainer_rates) / max(hand_rates), 4),
            "hand_epoch_losses": [round(x, 6) for x in hand_losses],
            "trainer_epoch_losses": [round(x, 6) for x in trainer_losses],
            "same_work": same_work,
            "machine": machine(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="160 sentences per split, 2 rounds")
    parser.add_argument("--rounds", type=int, help="alternating measurements of each loop (default 5; quick 2)")
    parser.add_argument("--epochs", type=int, help="epochs per measurement (default 2)")
    parser.add_argument("--device", default="cpu", help="torch device for both loops (default cpu)")
    parser.add_argument(
        "--threads", type=int, help="torch intra-op threads (default: torch's own); 1 on a machine that is busy"
    )
    args = parser.parse_args()
    emit(run(args.quick, args.rounds, args.epochs, args.device, args.threads))


if __name__ == "__main__":
    main()
