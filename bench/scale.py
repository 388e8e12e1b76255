"""Scale: a tagging task's preprocess, dataset and train stages on corpora of 1x, 10x and 100x
Resume NER train (1,000x with ``--sizes 1000``, by hand), each stage as the pipeline runs it
(``mtf stage <name>`` in a generated task folder, char_tagged.v1, soft-word features, 2 workers).

Per stage and size: wall time, characters per second and the peak resident memory of the
stage's largest process (``ru_maxrss`` of its process tree, as ``/usr/bin/time -v`` reports it;
the preprocess pool's workers are processes of their own). Beside them, measured in the same run
on the same text, the limits: jieba's own ``cut`` throughput (one process; x workers) and a plain
numpy encode (characters to ids by ``searchsorted`` over the sorted vocabulary). Train runs one
epoch of a fixed number of steps (``train.fast_dev_run``), so its time is the steps plus the
stage's start and one dev pass.

Training from shards: the same fixed number of steps of the flagship model over the same
batches, collated from the mapped split file and from the same examples held in memory.

Targets (issue 25): peak RSS of preprocess and dataset <= 1 GB at every size; dataset >= 2 M
characters/s; preprocess >= 0.7x jieba's cut throughput x workers; training steps/s from shards
>= 0.95x from memory, with the same batches (identical losses). The corpus is train's
sentences repeated unchanged (the sizes differ in volume, not in vocabulary).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from _common import ROOT, build_flagship, emit, fetch_resume_ner, hand_optimizer, hand_step, load_repo_params, machine

RSS_LIMIT_MB = 1024
DATASET_CHARS_PER_S = 2_000_000
PREPROCESS_SHARE_OF_JIEBA = 0.7
SHARDS_SHARE_OF_MEMORY = 0.95
REPEATS = 3  # shards/memory training runs alternated; a 10 s run varies by some 5-10% on a shared VM
WORKERS = 2


def sentences(path: Path) -> list[str]:
    """The raw blocks of a ``<char> <tag>`` file, one per sentence (blank lines between)."""
    return [block for block in path.read_text(encoding="utf-8").split("\n\n") if block.strip()]


def write_corpus(blocks: list[str], times: int, path: Path) -> int:
    """``times`` copies of ``blocks`` into ``path``, written as it goes; the number of characters."""
    chars = sum(len(block.strip().splitlines()) for block in blocks) * times
    with path.open("w", encoding="utf-8") as out:
        for _ in range(times):
            for block in blocks:
                out.write(block.strip("\n") + "\n\n")
    return chars


def make_task(work: Path, raw: Path, steps: int) -> Path:
    """A tagging task folder: the flagship's params on the corpus, ``steps`` training batches."""
    task = work / "task"
    (task / "data").mkdir(parents=True)
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params["preprocess"].update(
        train=str(work / "train.char.bmes"), dev=str(raw / "dev.char.bmes"), test=str(raw / "test.char.bmes")
    )
    params["preprocess"]["workers"] = WORKERS
    params["train"].update(epochs=1, fast_dev_run=steps, ensemble=1, callbacks=[])
    params["train"].pop("resume", None)
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return task


# Runs a command and prints the peak RSS (KB) of the largest process of its tree: a fresh
# process per stage, so one stage's peak never shows in another's (RUSAGE_CHILDREN keeps a max).
PEAK_RSS = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(done.returncode)\n"
)


def run_stage(task: Path, stage: str) -> dict[str, float]:
    """Run ``mtf stage <stage>`` in ``task``: its wall time and the peak RSS of its largest process
    (the preprocess pool's workers included)."""
    mtf = Path(sys.executable).parent / "mtf"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK_RSS, str(mtf), "stage", stage], cwd=task, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"mtf stage {stage} failed:\n{done.stderr[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(int(done.stdout.split()[-1]) / 1024, 1)}


def jieba_chars_per_s(texts: list[str]) -> float:
    import jieba

    jieba.initialize()
    start = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    return sum(map(len, texts)) / (time.perf_counter() - start)


def numpy_encode_chars_per_s(text: str) -> float:
    import numpy as np

    start = time.perf_counter()
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    vocab = np.unique(codes)
    ids = np.searchsorted(vocab, codes)
    seconds = time.perf_counter() - start
    assert len(ids) == len(text)
    return len(text) / seconds


def training_from_shards_and_memory(dataset_dir: Path, steps: int, batch_size: int = 32) -> dict[str, Any]:
    """Training steps/s over the same batches, collated from the mapped split file and from the
    same examples held in memory (as numpy arrays, as the stages held them before shards); each
    from the same seeded model, in the bucket sampler's epoch-0 order. Alternated ``REPEATS`` times, best kept."""
    from mtf_lib.data.batching import BucketBatchSampler
    from mtf_lib.data.shards import SUFFIX, Split
    from mtf_lib.tasks.tagging.features import collate
    from mtf_lib.training.seed import seed_everything

    mapped = Split(dataset_dir / f"train{SUFFIX}")
    memory = [{name: np.array(value) for name, value in mapped[i].items()} for i in range(len(mapped))]
    tp = load_repo_params().train
    order = list(BucketBatchSampler(mapped.lengths("chars"), batch_size, shuffle=True, seed=tp.seed))
    order = [order[i % len(order)] for i in range(steps)]

    def run(source: Any) -> tuple[float, list[float]]:
        seed_everything(tp.seed)
        model = build_flagship(dataset_dir)
        optimizer, scheduler = hand_optimizer(model, tp, steps)
        start, losses = time.perf_counter(), []
        for indices in order:
            losses.append(float(hand_step(model, collate([source[i] for i in indices]), tp, optimizer, scheduler)))
        return steps / (time.perf_counter() - start), losses

    rates: dict[str, float] = {"shards": 0.0, "memory": 0.0}
    losses: dict[str, list[float]] = {}
    for _ in range(REPEATS):
        for name, source in (("shards", mapped), ("memory", memory)):
            rate, losses[name] = run(source)
            rates[name] = max(rates[name], rate)
    return {
        "steps": steps,
        "shards_steps_per_s": round(rates["shards"], 2),
        "memory_steps_per_s": round(rates["memory"], 2),
        "ratio": round(rates["shards"] / rates["memory"], 3),
        "same_losses": losses["shards"] == losses["memory"],
    }


def measure(size: int, blocks: list[str], raw: Path, steps: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="mtf-scale-") as tmp:
        work = Path(tmp)
        chars = write_corpus(blocks, size, work / "train.char.bmes")
        task = make_task(work, raw, steps)
        row: dict[str, Any] = {"size": size, "train_sentences": len(blocks) * size, "train_chars": chars}
        for stage in ("preprocess", "dataset", "train"):
            result = run_stage(task, stage)
            if stage != "train":
                result["chars_per_s"] = round(chars / result["seconds"])
            else:
                result["steps"] = steps
            row[stage] = result
            print(f"  {size}x {stage}: {json.dumps(result)}", file=sys.stderr, flush=True)
        row["train_from_shards"] = training_from_shards_and_memory(task / "data" / "dataset", steps)
        print(f"  {size}x shards vs memory: {json.dumps(row['train_from_shards'])}", file=sys.stderr, flush=True)
        return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1x only, 5 training steps (a smoke run)")
    parser.add_argument("--sizes", type=int, nargs="+", help="multiples of Resume train (default 1 10 100)")
    parser.add_argument("--steps", type=int, help="training steps per run (default 100)")
    parser.add_argument("--out", type=Path, help="also write the result here (JSON)")
    args = parser.parse_args()
    sizes = args.sizes or ([1] if args.quick else [1, 10, 100])
    steps = args.steps or (5 if args.quick else 100)

    with tempfile.TemporaryDirectory(prefix="mtf-scale-data-") as tmp:
        raw = fetch_resume_ner(Path(tmp))
        blocks = sentences(raw / "train.char.bmes")
        texts = ["".join(line.split(" ")[0] for line in block.strip().splitlines()) for block in blocks]
        jieba_rate = jieba_chars_per_s(texts)
        numpy_rate = numpy_encode_chars_per_s("".join(texts) * 10)
        rows = [measure(size, blocks, raw, steps) for size in sizes]
        shutil.rmtree(tmp, ignore_errors=True)

    worst_rss = max(max(r["preprocess"]["peak_rss_mb"], r["dataset"]["peak_rss_mb"]) for r in rows)
    # Throughput at the largest corpus: on a small one a stage's time is mostly its start-up
    # (imports, the jieba dictionary, the pool), which is not the rate the targets are about.
    largest = max(rows, key=lambda r: r["size"])
    slowest_dataset = largest["dataset"]["chars_per_s"]
    slowest_preprocess = largest["preprocess"]["chars_per_s"]
    preprocess_share = slowest_preprocess / (jieba_rate * WORKERS)
    shards_ratio = min(r["train_from_shards"]["ratio"] for r in rows)
    same_batches = all(r["train_from_shards"]["same_losses"] for r in rows)
    passed = (
        worst_rss <= RSS_LIMIT_MB
        and slowest_dataset >= DATASET_CHARS_PER_S
        and preprocess_share >= PREPROCESS_SHARE_OF_JIEBA
        and shards_ratio >= SHARDS_SHARE_OF_MEMORY
        and same_batches
    )
    result = {
        "benchmark": "scale",
        "metric": "peak RSS of preprocess/dataset (largest process) across corpus sizes; dataset and "
        "preprocess throughput at the largest size against numpy's encode and jieba's cut measured in the "
        "same run; training steps/s from shards / from memory (worst size)",
        "value": {
            "peak_rss_mb": worst_rss,
            "dataset_chars_per_s": slowest_dataset,
            "preprocess_share_of_jieba_x_workers": round(preprocess_share, 3),
            "train_steps_shards_over_memory": shards_ratio,
            "same_batches": same_batches,
        },
        "unit": "",
        "target": f"RSS <= {RSS_LIMIT_MB} MB; dataset >= {DATASET_CHARS_PER_S:,} chars/s; "
        f"preprocess >= {PREPROCESS_SHARE_OF_JIEBA}x jieba cut x {WORKERS} workers; "
        f"training steps/s from shards >= {SHARDS_SHARE_OF_MEMORY}x from memory, same batches",
        "passed": passed,
        "quick": args.quick,
        "details": {
            "sizes": rows,
            "jieba_cut_chars_per_s": round(jieba_rate),
            "numpy_encode_chars_per_s": round(numpy_rate),
            "workers": WORKERS,
            "machine": machine(),
        },
    }
    if args.out:
        args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    emit(result)


if __name__ == "__main__":
    main()
