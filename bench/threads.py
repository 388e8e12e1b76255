"""Torch threads on shared cores: seconds of one flagship training epoch with 1 vs 2 threads,
on an otherwise idle machine and while another CPU-bound process runs.

The epoch is the flagship model (bilstm_crf.v1 with params.yaml's model and train settings, one
model, not the ensemble) trained over the Resume NER train split, pre-collated in the sampler's
order (bench/_common.fixed_batches): forward, backward, clipping, optimizer and schedule steps,
from the same initial weights in every cell. The thread count is applied with the train stage's
own ``set_threads``.

"busy" is a second process spinning a tight Python loop (``while True: pass``): one core kept
fully busy, as by another developer's job. The benchmark and that process are pinned to the same
2 CPUs (where the OS allows it), so the comparison is "2 cores, one of them taken" on any machine.
Each of the 4 cells (alone/busy × 1/2 threads) runs 2 times; the thread order alternates between
repetitions. value = busy epoch seconds with 2 threads ÷ with 1 thread (above 1: the second
thread costs time when a core is taken). No pass/fail target: the numbers inform the choice of
``train.threads``; "passed" says every cell ran with the thread count it asked for.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from contextlib import contextmanager
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

THREADS = (1, 2)
SPIN = "import sys\nprint('spinning', flush=True)\nwhile True:\n    pass\n"


def pin_to_two_cpus() -> list[int] | None:
    """Pin this process (and the children it starts) to 2 of its CPUs; the CPUs, or None if it cannot."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))[:2]
    os.sched_setaffinity(0, cpus)
    return cpus


@contextmanager
def busy_core(busy: bool) -> Any:
    """While inside: a child process spinning on one core (when ``busy``)."""
    if not busy:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True)
    try:
        spinner.stdout.readline()  # it is running before any timing starts
        yield
    finally:
        spinner.kill()
        spinner.wait()


def epoch(initial: Any, batches: list[dict[str, Any]], tp: Any) -> tuple[float, float]:
    """(seconds, mean loss) of one training epoch from a copy of ``initial``."""
    model = deepcopy(initial)
    model.train()
    optimizer, scheduler = hand_optimizer(model, tp, len(batches))

    def run() -> float:
        return sum(hand_step(model, b, tp, optimizer, scheduler).item() for b in batches) / len(batches)

    return timed(run)


def run(quick: bool) -> dict[str, Any]:
    import torch

    from mtf_lib.training.threads import set_threads

    before = machine()  # torch's own default thread count, before pinning and set_threads
    cpus = pin_to_two_cpus()
    params = load_repo_params()
    tp = params.train
    with tempfile.TemporaryDirectory(prefix="mtf-bench-") as tmp:
        work = Path(tmp)
        raw = fetch_resume_ner(work / "raw")
        dataset_dir = prepare_dataset(raw, work, limit=64 if quick else 0, workers=1)
        batches = fixed_batches(dataset_dir, tp.batch_size, tp.seed)
        torch.manual_seed(tp.seed)
        initial = build_flagship(dataset_dir)
        epoch(initial, batches[:2], tp)  # warm-up, not timed

        seconds: dict[str, list[float]] = {}
        applied, losses = [], []
        for rep in range(2):
            for busy in (False, True):
                with busy_core(busy):
                    for threads in THREADS if rep % 2 == 0 else THREADS[::-1]:
                        cell = f"{'busy' if busy else 'alone'}_{threads}t"
                        applied.append(set_threads(threads) == threads == torch.get_num_threads())
                        took, loss = epoch(initial, batches, tp)
                        seconds.setdefault(cell, []).append(round(took, 2))
                        losses.append(loss)
                        print(f"{cell} rep {rep}: {took:.2f} s (loss {loss:.4f})", file=sys.stderr, flush=True)

    mean = {cell: round(sum(s) / len(s), 2) for cell, s in seconds.items()}
    ratio = mean["busy_2t"] / mean["busy_1t"]
    return {
        "benchmark": "threads",
        "metric": "one flagship training epoch, 2 CPUs with one taken by a spinning process: "
        "seconds with 2 torch threads ÷ with 1 (alone and busy, each thread count, in the details)",
        "value": round(ratio, 3),
        "unit": "x",
        "target": "reported (no target: informs train.threads)",
        "passed": all(applied),
        "quick": quick,
        "details": {
            "epoch_s_mean": mean,
            "epoch_s_each": seconds,
            "alone_2t_over_1t": round(mean["alone_2t"] / mean["alone_1t"], 3),
            "busy_over_alone_1t": round(mean["busy_1t"] / mean["alone_1t"], 3),
            "busy_over_alone_2t": round(mean["busy_2t"] / mean["alone_2t"], 3),
            "busy_process": "python -c 'while True: pass' (one core, pinned to the same CPUs)",
            "pinned_cpus": cpus,
            "batches_per_epoch": len(batches),
            "batch_size": tp.batch_size,
            "loss_spread": round(max(losses) - min(losses), 6),
            "machine": before,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="64 training sentences (an epoch of 4 batches)")
    args = parser.parse_args()
    emit(run(args.quick))


if __name__ == "__main__":
    main()
