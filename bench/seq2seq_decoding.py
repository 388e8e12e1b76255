"""Seq2seq decoding speed: beam-4 search with the key/value cache against recomputing the whole
prefix at every step (the same outputs), and greedy against beam-4 throughput.

Reads the translation task's bundle and test split (run ``dvc repro
apps/demo_app/translation/dvc.yaml`` first). Sentences are decoded in batches of ``--batch``
through the predictor's own batching; each mode runs in turn on the same sentences (interleaved
rounds, so the shared machine's drift hits all alike); the best round counts.

Target: the cache ≥ 2× faster than recomputing, with identical translations.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from _common import ROOT, emit, machine

TASK = ROOT / "apps" / "demo_app" / "translation"


def timed(run: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = run()
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few sentences: proves the script runs")
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    import torch

    from mtf_lib.inference import Predictor
    from mtf_lib.tasks.common import read_preprocessed

    torch.set_num_threads(args.threads)
    predictor = Predictor.load(TASK / "models" / "model")
    n = 16 if args.quick else args.sentences
    sources = [r["source"] for r in read_preprocessed(TASK / "data" / "preprocessed" / "test.jsonl")][:n]
    modes = {
        "beam4_cached": {"beam": 4, "use_cache": True},
        "beam4_recomputed": {"beam": 4, "use_cache": False},
        "greedy_cached": {"beam": 1, "use_cache": True},
    }
    seconds: dict[str, list[float]] = {m: [] for m in modes}
    outputs: dict[str, list[str]] = {}
    for _ in range(1 if args.quick else args.rounds):
        for mode, settings in modes.items():
            took, results = timed(lambda s=settings: predictor.predict(sources, batch_size=args.batch, **s))
            seconds[mode].append(took)
            outputs[mode] = [r["translation"] for r in results]
    rate = {m: round(len(sources) / min(s), 1) for m, s in seconds.items()}
    same = sum(a == b for a, b in zip(outputs["beam4_cached"], outputs["beam4_recomputed"], strict=True))
    speedup = rate["beam4_cached"] / rate["beam4_recomputed"]
    emit(
        {
            "benchmark": "seq2seq_decoding",
            "metric": "beam-4 sentences/s with the key/value cache ÷ recomputing the prefix each step",
            "value": round(speedup, 2),
            "unit": "x",
            "target": ">= 2, identical translations",
            "passed": speedup >= 2 and same == len(sources),
            "details": {
                "sentences_per_s": rate,
                "greedy_over_beam4": round(rate["greedy_cached"] / rate["beam4_cached"], 2),
                "identical_translations": f"{same}/{len(sources)}",
                "sentences": len(sources),
                "batch": args.batch,
                "torch_threads": args.threads,
                "machine": machine(),
            },
        }
    )


if __name__ == "__main__":
    main()
