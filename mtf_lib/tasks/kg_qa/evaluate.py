"""Evaluate stage: the bundle answers the hand-written questions (the served model, exactly) →
metrics/eval.json (test; dev too when given), eval_groups.json (per intent), the failed test
questions in metrics/failed.jsonl."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write
from mtf_lib.stage import StagePaths

REQUIRED = ("question", "intents", "answers")


def read_questions(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise InputError(f"questions file {path} does not exist (evaluate.test / evaluate.dev)")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            question = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}: not JSON ({error.msg})") from None
        missing = [k for k in REQUIRED if not isinstance(question, dict) or k not in question]
        if missing:
            raise InputError(f"{path}:{number}: missing {', '.join(missing)} (each line: {{{', '.join(REQUIRED)}}})")
        questions.append(question)
    if not questions:
        raise InputError(f"{path} holds no questions")
    return questions


def evaluate(params: Any, paths: StagePaths) -> dict[str, Any]:
    from mtf_lib.inference import Predictor
    from mtf_lib.tasks.evaluation import write_evaluation
    from mtf_lib.tasks.kg_qa.scoring import by_kind, failures, score_answers

    folder = params.task.folder
    predictor = Predictor.load(folder / paths.bundle)
    test = read_questions(folder / params.evaluate.test)
    results = predictor.predict([q["question"] for q in test])
    scores = score_answers(test, results)
    extra: dict[str, Any] = {"test_by_kind": by_kind(test, results)}
    if params.evaluate.dev:
        dev = read_questions(folder / params.evaluate.dev)
        extra["dev"] = {
            k: round(v, 4)
            for k, v in score_answers(dev, predictor.predict([q["question"] for q in dev])).overall.items()
        }
    predictor.close()
    summary = write_evaluation(folder / paths.metrics, folder / paths.live, scores, len(test), "intent", extra)
    with atomic_write(folder / paths.metrics / "failed.jsonl", "w") as handle:
        for failure in failures(test, results):
            handle.write(json.dumps(failure, ensure_ascii=False) + "\n")
    return {"test": summary["test"], "examples": len(test)}
