"""Evaluate stage: translate the test split through the Predictor that serves the bundle, with
beam search and greedily (the same model: what the beam adds); write BLEU and chrF with
sacreBLEU's signatures, a sample of translations, and the training curves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.inference import Predictor
from mtf_lib.io import atomic_write
from mtf_lib.layout import StagePaths
from mtf_lib.metrics.translation import sentence_bleu
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.error_analysis import write_error_analysis
from mtf_lib.tasks.evaluation import write_evaluation
from mtf_lib.tasks.seq2seq.params import DecodingParams
from mtf_lib.training.threads import set_threads

SAMPLES_FILE = "samples.jsonl"


def evaluate(params: Any, paths: StagePaths) -> dict[str, Any]:
    ev = params.evaluate
    set_threads(ev.threads)
    records = read_preprocessed(paths.preprocessed / "test.jsonl")
    predictor = Predictor.load(paths.bundle)
    sources, references = [r["source"] for r in records], [r["target"] for r in records]
    metric = registry.metrics.get(ev.metric)(tokenize=ev.tokenize)

    def translated(beam: int) -> tuple[list[dict[str, Any]], Any]:
        results = predictor.predict(
            sources, batch_size=ev.batch_size, truncate=True, decoding=DecodingParams.of(ev, beam=beam)
        )
        return results, metric(references, [r["translation"] for r in results])

    beamed, scores = translated(ev.beam)
    _, greedy_scores = translated(1)
    # Greedy beside the beam: what the beam adds, on the same model.
    extra = {
        "test_greedy": {k: round(v, 6) for k, v in greedy_scores.overall.items()},
        "decoding": {"beam": ev.beam, "length_penalty": ev.length_penalty},
    }
    if getattr(scores, "signatures", None):
        extra["signatures"] = scores.signatures
    summary = write_evaluation(paths.metrics, paths.live, scores, len(records), "sentence", extra)
    write_samples(Path(paths.metrics) / SAMPLES_FILE, records, beamed, ev.samples, ev.tokenize)
    analysed = [{**r, "tokenize": ev.tokenize} for r in records]  # sentence BLEU as the corpus score tokenizes
    write_error_analysis(
        paths.metrics, params.task.type, {"test": (analysed, beamed)}, "evaluate translates the test split only"
    )
    return summary


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
