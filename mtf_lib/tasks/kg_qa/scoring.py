"""Scores of question answering against hand-written questions: intent accuracy (the set of
intents must be exactly right; none for out-of-scope questions), answer precision / recall / F1
over answer items (micro: summed over questions), exact answers, and how often the questions
with no answer in the graph got an honest "I don't know"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mtf_lib.metrics.scores import Scores


def _prf(hit: int, predicted: int, gold: int) -> dict[str, float]:
    precision = hit / predicted if predicted else float(gold == 0)
    recall = hit / gold if gold else float(predicted == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _summary(pairs: Sequence[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, float]:
    hit = predicted = gold = 0
    intents_right = exact = 0
    empty = empty_right = 0
    for question, result in pairs:
        want, got = set(question["answers"]), set(result["answers"])
        hit, predicted, gold = hit + len(want & got), predicted + len(got), gold + len(want)
        intents_right += set(question["intents"]) == set(result["intents"])
        exact += want == got
        if not want:
            empty += 1
            empty_right += not result["known"]
    prf = _prf(hit, predicted, gold)
    scores = {
        "intent_accuracy": intents_right / len(pairs),
        "answer_precision": prf["precision"],
        "answer_recall": prf["recall"],
        "answer_f1": prf["f1"],
        "exact_match": exact / len(pairs),
        "support": float(len(pairs)),
    }
    if empty:
        scores["dont_know_accuracy"] = empty_right / empty
    return scores


def score_answers(questions: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]]) -> Scores:
    """Overall scores, and the same per gold intent (a question counts for each of its intents)."""
    pairs = list(zip(questions, results, strict=True))
    groups: dict[str, list] = {}
    for question, result in pairs:
        for intent in question["intents"] or ["none"]:
            groups.setdefault(intent, []).append((question, result))
    return Scores(_summary(pairs), {g: _summary(p) for g, p in sorted(groups.items())})


def by_kind(questions: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    kinds: dict[str, list] = {}
    for question, result in zip(questions, results, strict=True):
        kinds.setdefault(question.get("kind", "single"), []).append((question, result))
    return {k: {n: round(v, 4) for n, v in _summary(p).items()} for k, p in sorted(kinds.items())}


def failures(questions: Sequence[dict[str, Any]], results: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The questions answered wrongly (intents or answers), with what was expected and given."""
    failed = []
    for question, result in zip(questions, results, strict=True):
        if set(question["intents"]) != set(result["intents"]) or set(question["answers"]) != set(result["answers"]):
            failed.append(
                {
                    "id": question.get("id"),
                    "question": question["question"],
                    "kind": question.get("kind"),
                    "expected_intents": question["intents"],
                    "intents": result["intents"],
                    "entities": [e["name"] for e in result["entities"]],
                    "missing": sorted(set(question["answers"]) - set(result["answers"])),
                    "extra": sorted(set(result["answers"]) - set(question["answers"])),
                    "answer": result["answer"],
                }
            )
    return failed
