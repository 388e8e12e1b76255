"""Evaluate stage: translate the test split through the Predictor that serves the bundle, with
beam search and greedily (the same model: what the beam adds); write BLEU and chrF with
sacreBLEU's signatures, a sample of translations, and the training curves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.io import atomic_write
from mtf_lib.metrics.scores import Scores
from mtf_lib.metrics.translation import sentence_bleu
from mtf_lib.tasks.evaluation import EvalPlan, evaluate_stage
from mtf_lib.tasks.seq2seq.params import DecodingParams

SAMPLES_FILE = "samples.jsonl"


def plan(params: Any) -> EvalPlan:
    """BLEU (``evaluate.metric``) of the test split's beam-search translations through the
    Predictor that serves the bundle, and greedily beside it: what the beam adds, on the same model."""
    ev = params.evaluate
    metric = registry.metrics.build(ev.metric)

    def translate(predictor: Any, records: list[dict], beam: int) -> list[dict[str, Any]]:
        sources = [r["source"] for r in records]
        decoding = DecodingParams.of(ev, beam=beam)
        return predictor.predict(sources, batch_size=ev.batch_size, truncate=True, decoding=decoding)

    def score(records: list[dict], results: list[dict[str, Any]]) -> Scores:
        return metric([r["target"] for r in records], [r["translation"] for r in results])

    def greedy(predictor: Any, records: list[dict], scores: Scores) -> dict[str, Any]:
        greedy_scores = score(records, translate(predictor, records, 1))
        extra = {
            "test_greedy": {k: round(v, 6) for k, v in greedy_scores.overall.items()},
            "decoding": {"beam": ev.beam, "length_penalty": ev.length_penalty},
        }
        if getattr(scores, "signatures", None):
            extra["signatures"] = scores.signatures
        return extra

    def samples(metrics_dir: Path, records: list[dict], results: list[Any], scores: Scores) -> None:
        write_samples(metrics_dir / SAMPLES_FILE, records, results, ev.samples, ev.metric["tokenize"])

    return EvalPlan(
        predict=lambda predictor, records: translate(predictor, records, ev.beam),
        score=score,
        group="sentence",
        extra=greedy,
        own_files=samples,
        # Sentence BLEU as the corpus score tokenizes.
        analysed=lambda records: [{**r, "tokenize": ev.metric["tokenize"]} for r in records],
        test_only="evaluate translates the test split only",
    )


evaluate = evaluate_stage(plan)


def write_samples(path: Path, records: list[dict], results: list[dict], count: int, tokenize: str) -> None:
    """``count`` test translations spread evenly over the split: source, reference, hypothesis,
    its score and sentence BLEU."""
    picked = sorted({round(i * len(records) / count) for i in range(count)} & set(range(len(records)))) if count else []
    hypotheses = [results[i]["translation"] for i in picked]
    bleu = sentence_bleu([records[i]["target"] for i in picked], hypotheses, tokenize)
    with atomic_write(path, "w") as out:
        for i, hypothesis, sentence in zip(picked, hypotheses, bleu, strict=True):
            row = {
                "source": records[i]["source"],
                "reference": records[i]["target"],
                "hypothesis": hypothesis,
                "score": round(results[i]["score"], 4),
                "sentence_bleu": round(sentence, 2),
            }
            if records[i].get("attribution"):  # the data set's licence asks for it with each sentence
                row["attribution"] = records[i]["attribution"]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
