"""Evaluate stage: the bundle answers the hand-written questions (the served model, exactly) →
metrics/eval.json (test; dev too when given), eval_groups.json (per intent), the failed test
questions in metrics/failed.jsonl."""

from __future__ import annotations

import json
from typing import Any

from mtf_lib.io import atomic_write
from mtf_lib.layout import StagePaths


def evaluate(params: Any, paths: StagePaths) -> dict[str, Any]:
    from mtf_lib.inference import Predictor
    from mtf_lib.tasks.error_analysis import write_error_analysis
    from mtf_lib.tasks.evaluation import write_evaluation
    from mtf_lib.tasks.kg_qa.scoring import by_kind, failures, read_questions, score_answers

    folder = params.task.folder
    predictor = Predictor.load(folder / paths.bundle)
    intents = {rule.intent for rule in params.qa.rules}
    test = read_questions(folder / params.evaluate.test, intents)
    results = predictor.predict([q["question"] for q in test])
    scores = score_answers(test, results)
    extra: dict[str, Any] = {"test_by_kind": by_kind(test, results)}
    analysed = {"test": (test, results)}
    if params.evaluate.dev:
        dev = read_questions(folder / params.evaluate.dev, intents)
        dev_results = predictor.predict([q["question"] for q in dev])
        extra["dev"] = {k: round(v, 4) for k, v in score_answers(dev, dev_results).overall.items()}
        analysed["dev"] = (dev, dev_results)
    predictor.close()
    summary = write_evaluation(folder / paths.metrics, folder / paths.live, scores, len(test), "intent", extra)
    with atomic_write(folder / paths.metrics / "failed.jsonl", "w") as handle:
        for failure in failures(test, results):
            handle.write(json.dumps(failure, ensure_ascii=False) + "\n")
    write_error_analysis(
        folder / paths.metrics, params.task.type, analysed, None if params.evaluate.dev else "no evaluate.dev questions"
    )
    return {"test": summary["test"], "examples": len(test)}
