"""Trainer overhead: steps/s of mtf's Trainer vs a minimal hand-written PyTorch loop.

Both train the flagship model (bilstm_crf.v1 with params.yaml's settings) from the same initial
weights and seed on the same pre-collated batches (the train split in the sampler's order), with
the same optimizer, schedule and clipping, for the same number of optimizer steps. The Trainer
runs with an instant evaluate, no callbacks and no progress bar, but still writes its checkpoint
and keeps a copy of its best weights every epoch, as it does in a real run.

The two loops run interleaved, step by step: the Trainer's train loader is a list of batches
that, around each batch it hands the Trainer, runs the hand loop's step on the same batch (its
own copy of the model, optimizer, schedule and RNG stream). The speed of this shared VM drifts by
20% within a minute, so loops timed one after the other compare different machines; interleaved,
every step of both sees the same machine. The hand loop's time is the sum of its steps (and its
per-epoch loss read-out); the Trainer's is the wall time of ``Trainer.fit`` less all the time
spent in the loader (hand steps and the RNG swaps around them), so everything the Trainer does
per step and per epoch is charged to it. Rounds alternate whether the hand step comes before or
after the Trainer's step on a batch. ratio = Trainer steps/s ÷ hand-loop steps/s over all rounds;
target >= 0.97, i.e. the framework costs at most 3% of training speed.

The per-epoch mean losses of both loops are compared as well: equal losses show that both did
the same work, so the ratio compares like with like.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
from collections.abc import Iterator
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
    prepare_dataset,
    timed,
)

TARGET = 0.97


class RngStream:
    """torch's global RNG state (CPU, and CUDA when used), saved and restored as one value."""

    def __init__(self, device: Any) -> None:
        self.cuda = device.type == "cuda"

    def get(self) -> tuple[Any, Any]:
        import torch

        return torch.get_rng_state(), torch.cuda.get_rng_state() if self.cuda else None

    def set(self, state: tuple[Any, Any]) -> None:
        import torch

        torch.set_rng_state(state[0])
        if self.cuda:
            torch.cuda.set_rng_state(state[1])


class InterleavedHandLoop:
    """The Trainer's train loader, with the hand loop riding along one step per batch.

    hand loop: forward → loss → backward → clip → optimizer step → scheduler step (bench/_common.hand_step).
    """

    def __init__(
        self, model: Any, batches: list[dict[str, Any]], epochs: int, tp: Any, device: Any, hand_first: bool
    ) -> None:
        import torch

        self.batches, self.tp, self.device, self.hand_first = batches, tp, device, hand_first
        self.model = model.to(device)
        self.model.train()
        self.optimizer, self.scheduler = hand_optimizer(self.model, tp, epochs * len(batches))  # seeds the RNG
        self.rng = RngStream(device)
        self.hand_state = self.rng.get()
        self.epoch_loss = torch.zeros((), device=device)
        self.hand_seconds = 0.0  # the hand loop's own time
        self.loader_seconds = 0.0  # all time spent in here, which is not the Trainer's
        self.losses: list[float] = []

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for batch in self.batches:
            if self.hand_first:
                self._hand_step(batch)
            yield batch
            if not self.hand_first:
                self._hand_step(batch)
        entered = self._now()
        self.losses.append(self.epoch_loss.item() / len(self.batches))
        self.epoch_loss.zero_()
        spent = self._now() - entered
        self.hand_seconds += spent
        self.loader_seconds += spent

    def _hand_step(self, batch: dict[str, Any]) -> None:
        entered = self._now()
        trainer_state = self.rng.get()
        self.rng.set(self.hand_state)
        start = self._now()
        batch = {k: v.to(self.device, non_blocking=True) for k, v in batch.items()}
        self.epoch_loss += hand_step(self.model, batch, self.tp, self.optimizer, self.scheduler)
        self.hand_seconds += self._now() - start
        self.hand_state = self.rng.get()
        self.rng.set(trainer_state)
        self.loader_seconds += self._now() - entered

    def _now(self) -> float:
        import torch

        if self.device.type == "cuda":  # the work queued so far belongs to whoever queued it
            torch.cuda.synchronize()
        return time.perf_counter()


def bench_trainer(model: Any, loader: Any, epochs: int, tp: Any, device: str, ckpt: Path) -> Any:
    """A Trainer as fit_task builds it (the train params it reads), with an instant evaluate, no
    callbacks and no progress bar."""
    from mtf_lib.training.trainer import Trainer

    settings = tp.model_copy(update={"epochs": epochs, "device": device})
    instant = lambda m: {settings.monitor: 0.0}  # noqa: E731 - dev scoring costs nothing here
    return Trainer(model, loader, instant, settings, ckpt, "bench", callbacks=[], progress=False)


def timed_fit(trainer: Any) -> tuple[float, list[float]]:
    """(seconds of ``trainer.fit``, per-epoch mean losses); its one log line per epoch is dropped."""
    with contextlib.redirect_stderr(io.StringIO()):
        seconds, result = timed(lambda: trainer.fit(resume=False))
    return seconds, [m["train_loss"] for m in result.history]


def trainer_run(model: Any, batches: Any, epochs: int, tp: Any, device: str, ckpt: Path) -> tuple[float, list[float]]:
    """A Trainer alone over the batches; returns (fit seconds, per-epoch mean losses)."""
    return timed_fit(bench_trainer(model, batches, epochs, tp, device, ckpt))


def interleaved_round(
    initial: Any, batches: list[dict[str, Any]], epochs: int, tp: Any, device: str, ckpt: Path, hand_first: bool
) -> dict[str, Any]:
    """One Trainer run with the hand loop interleaved; both loops' seconds and losses."""
    import torch

    loader = InterleavedHandLoop(deepcopy(initial), batches, epochs, tp, torch.device(device), hand_first)
    # The Trainer seeds the RNG as the hand loop's optimizer did: both start from the same stream.
    fit_seconds, trainer_losses = timed_fit(bench_trainer(deepcopy(initial), loader, epochs, tp, device, ckpt))
    return {
        "hand_first": hand_first,
        "hand_s": loader.hand_seconds,
        "trainer_s": fit_seconds - loader.loader_seconds,
        "hand_losses": loader.losses,
        "trainer_losses": trainer_losses,
    }


def run(quick: bool, rounds: int | None, epochs: int | None, device: str, threads: int | None) -> dict[str, Any]:
    import torch

    if threads:
        torch.set_num_threads(threads)

    params = load_repo_params()
    tp = params.train
    rounds = rounds or (2 if quick else 4)
    epochs = epochs or 2
    with tempfile.TemporaryDirectory(prefix="mtf-bench-") as tmp:
        work = Path(tmp)
        raw = fetch_resume_ner(work / "raw")
        dataset_dir = prepare_dataset(raw, work, limit=160 if quick else 0)
        batches = fixed_batches(dataset_dir, tp.batch_size, tp.seed)
        torch.manual_seed(tp.seed)
        initial = build_flagship(dataset_dir)
        interleaved_round(initial, batches[:10], 1, tp, device, work / "warm", True)  # warm-up, not timed
        done = [
            interleaved_round(initial, batches, epochs, tp, device, work / f"ckpt{r}", hand_first=r % 2 == 0)
            for r in range(rounds)
        ]

    steps = epochs * len(batches)
    hand_rates = [steps / r["hand_s"] for r in done]
    trainer_rates = [steps / r["trainer_s"] for r in done]
    ratio = sum(r["hand_s"] for r in done) / sum(r["trainer_s"] for r in done)
    loss_diff = max(abs(a - b) for r in done for a, b in zip(r["hand_losses"], r["trainer_losses"], strict=True))
    same_work = loss_diff <= 1e-4 * max(1.0, abs(done[-1]["hand_losses"][-1]))
    return {
        "benchmark": "trainer_overhead",
        "metric": "Trainer steps/s ÷ hand-loop steps/s (the two interleaved step by step)",
        "value": round(ratio, 4),
        "unit": "x",
        "target": f">= {TARGET}",
        "passed": ratio >= TARGET and same_work,
        "quick": quick,
        "details": {
            "device": device,
            "batches_per_epoch": len(batches),
            "epochs": epochs,
            "steps_per_round": steps,
            "rounds": rounds,
            "hand_first": [r["hand_first"] for r in done],
            "hand_steps_per_s": [round(x, 2) for x in hand_rates],
            "trainer_steps_per_s": [round(x, 2) for x in trainer_rates],
            "ratio_per_round": [round(t / h, 4) for t, h in zip(trainer_rates, hand_rates, strict=True)],
            "hand_epoch_losses": [round(x, 6) for x in done[-1]["hand_losses"]],
            "trainer_epoch_losses": [round(x, 6) for x in done[-1]["trainer_losses"]],
            "max_loss_difference": loss_diff,
            "same_work": same_work,
            "machine": machine(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="160 sentences per split, 2 rounds")
    parser.add_argument("--rounds", type=int, help="interleaved runs (default 4; quick 2)")
    parser.add_argument("--epochs", type=int, help="epochs per round (default 2)")
    parser.add_argument("--device", default="cpu", help="torch device for both loops (default cpu)")
    parser.add_argument(
        "--threads", type=int, help="torch intra-op threads (default: torch's own); 1 on a machine that is busy"
    )
    args = parser.parse_args()
    emit(run(args.quick, args.rounds, args.epochs, args.device, args.threads))


if __name__ == "__main__":
    main()
