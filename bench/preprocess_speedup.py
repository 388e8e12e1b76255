"""Preprocess speed-up: soft-word features (jieba segmentation) with 1 worker vs 2 workers.

The preprocess stage spends nearly all its time in ``softword_features``, which segments in a
process pool. This times it on >= 50,000 sentences made from the Resume NER train+dev+test
texts, repeated, each repetition rotated by a different offset so jieba does real work on
distinct strings. workers=1 and workers=2 are timed alternately (after one untimed warm-up
that loads jieba's dictionary) and their outputs must be identical. Target: speed-up >= 1.6x
with 2 workers.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from _common import emit, fetch_resume_ner, machine, median, timed

TARGET = 1.6


def base_texts(raw_dir: Path) -> list[str]:
    """Normalised texts of train+dev+test, as the preprocess stage segments them."""
    from mtf_lib.text.normalize import normalize_text
    from mtf_lib.text.readers import read_char_tagged

    texts = []
    for split in ("train", "dev", "test"):
        texts.extend(normalize_text("".join(s.chars)) for s in read_char_tagged(raw_dir / f"{split}.char.bmes"))
    return texts


def corpus(texts: list[str], size: int) -> list[str]:
    """``size`` sentences: repetition r of the texts rotates each one by r * 7 characters."""
    out: list[str] = []
    rep = 0
    while len(out) < size:
        for text in texts[: size - len(out)]:
            shift = (rep * 7) % max(1, len(text))
            out.append(text[shift:] + text[:shift])
        rep += 1
    return out


def run(quick: bool, sentences: int | None, rounds: int | None) -> dict[str, Any]:
    from mtf_lib.text.softword import softword_features

    size = sentences or (6000 if quick else 50000)
    rounds = rounds or (1 if quick else 3)
    with tempfile.TemporaryDirectory(prefix="mtf-bench-") as tmp:
        texts = corpus(base_texts(fetch_resume_ner(Path(tmp))), size)
    softword_features(texts[:100], 1)  # warm-up: jieba loads its dictionary once per process

    times: dict[int, list[float]] = {1: [], 2: []}
    outputs: dict[int, list[str]] = {}
    for _ in range(rounds):
        for workers in (1, 2):
            seconds, outputs[workers] = timed(lambda w=workers: softword_features(texts, w))
            times[workers].append(seconds)
    identical = outputs[1] == outputs[2]
    lengths_ok = all(len(f) == len(t) for f, t in zip(outputs[1], texts, strict=True))
    speedup = median(times[1]) / median(times[2])
    return {
        "benchmark": "preprocess_speedup",
        "metric": "soft-word features: time(workers=1) ÷ time(workers=2)",
        "value": round(speedup, 3),
        "unit": "x",
        "target": f">= {TARGET}",
        "passed": speedup >= TARGET and identical and lengths_ok,
        "quick": quick,
        "details": {
            "sentences": len(texts),
            "distinct_sentences": len(set(texts)),
            "chars": sum(map(len, texts)),
            "rounds": rounds,
            "seconds_workers_1": [round(x, 3) for x in times[1]],
            "seconds_workers_2": [round(x, 3) for x in times[2]],
            "outputs_identical": identical,
            "lengths_match_texts": lengths_ok,
            "machine": machine(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6,000 sentences, 1 round")
    parser.add_argument("--sentences", type=int, help="corpus size (default 50,000; quick 6,000)")
    parser.add_argument("--rounds", type=int, help="alternating timings of each worker count (default 3; quick 1)")
    args = parser.parse_args()
    result = run(args.quick, args.sentences, args.rounds)
    emit(result)
    if not (result["details"]["outputs_identical"] and result["details"]["lengths_match_texts"]):
        raise SystemExit("outputs differ between worker counts")


if __name__ == "__main__":
    main()
