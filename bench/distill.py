"""Distillation: the flagship's 3-model ensemble, its distilled student and a single model trained
without the teacher (the ensemble's first member: the same settings and seed as the student), on
dev and test F1 and on predict latency.

Reads the trained bundles (run ``dvc repro`` and ``dvc repro apps/demo_app/ner_distilled/dvc.yaml``
first): models/model (the ensemble) and apps/demo_app/ner_distilled/models/model (the student).
The single model is the ensemble bundle's member 0, scored through the same Predictor code.
Latency: ``predict`` of one test sentence at a time, each model in turn on the same sentences
(interleaved, so the shared machine's drift hits all alike), median and p99 over the rounds.

Targets: student within 0.3 dev F1 of the ensemble and above the single model; student latency
<= 0.6 x the ensemble's.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from _common import ROOT, emit, machine

ENSEMBLE = ROOT / "models" / "model"
STUDENT = ROOT / "apps" / "demo_app" / "ner_distilled" / "models" / "model"


def member_predictor(ensemble: Any) -> Any:
    """The ensemble predictor's first member as a predictor of its own (shares the vocabularies)."""
    import copy

    single = copy.copy(ensemble)
    single.model = ensemble.model.members[0]
    return single


def f1_on(predictor: Any, split: str) -> float:
    from mtf_lib import registry
    from mtf_lib.tasks.common import read_preprocessed

    records = read_preprocessed(ROOT / "data" / "preprocessed" / f"{split}.jsonl")
    tags = predictor.tag([r["text"] for r in records])
    return registry.metrics.get("entity_f1.v1")()([r["tags"] for r in records], tags).overall["f1"]


def latencies(predictors: dict[str, Any], sentences: list[str], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in predictors}
    for _ in range(rounds):
        for sentence in sentences:
            for name, predictor in predictors.items():
                start = time.perf_counter()
                predictor.predict([sentence])
                times[name].append(1000 * (time.perf_counter() - start))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few sentences: proves the script runs")
    parser.add_argument("--sentences", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import torch

    from mtf_lib import registry
    from mtf_lib.inference import Predictor
    from mtf_lib.tasks.common import read_preprocessed

    torch.set_num_threads(1)  # a served model's thread budget (web: torch_threads), and steadier timings
    registry.task_types.get("tagging").load_components()
    ensemble = Predictor.load(ENSEMBLE)
    student = Predictor.load(STUDENT)
    single = member_predictor(ensemble)
    predictors = {"ensemble": ensemble, "student": student, "single": single}
    scores = {name: {s: round(100 * f1_on(p, s), 2) for s in ("dev", "test")} for name, p in predictors.items()}
    n = 10 if args.quick else args.sentences
    test = [r["text"] for r in read_preprocessed(ROOT / "data" / "preprocessed" / "test.jsonl")][:n]
    times = latencies(predictors, test, 1 if args.quick else args.rounds)
    p50 = {name: round(statistics.median(values), 3) for name, values in times.items()}
    p99 = {name: round(sorted(values)[int(0.99 * (len(values) - 1))], 3) for name, values in times.items()}
    ratio = p50["student"] / p50["ensemble"]
    gap = scores["ensemble"]["dev"] - scores["student"]["dev"]
    passed = gap <= 0.3 and scores["student"]["dev"] > scores["single"]["dev"] and ratio <= 0.6
    emit(
        {
            "benchmark": "distill",
            "metric": "student predict latency ÷ ensemble's (p50, one sentence per call); F1 in details",
            "value": round(ratio, 3),
            "unit": "x",
            "target": "<= 0.6, student dev F1 within 0.3 of the ensemble and above the single model",
            "passed": passed,
            "details": {
                "f1": scores,
                "dev_gap_to_ensemble": round(gap, 2),
                "p50_ms": p50,
                "p99_ms": p99,
                "sentences": len(test),
                "torch_threads": 1,
                "machine": machine(),
            },
        }
    )


if __name__ == "__main__":
    main()
