"""Scores of question answering against hand-written questions: intent accuracy (the set of
intents must be exactly right; none for out-of-scope questions), answer precision / recall / F1
over answer items (micro: summed over questions), exact answers, and how often the questions
with no answer in the graph got an honest "I don't know"."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from mtf_lib.errors import InputError
from mtf_lib.metrics.scores import Scores

REQUIRED = ("question", "intents", "answers")
KINDS = ("single", "multi", "no_facts", "unknown_entity", "out_of_scope")  # by_kind's groups


def _line_problems(question: Any, intents: Collection[str] | None) -> list[str]:
    """What is wrong with one question line, each with its fix."""
    if not isinstance(question, dict):
        return [f"a JSON object per line, got {type(question).__name__} (each line: {{{', '.join(REQUIRED)}}})"]
    missing = [k for k in REQUIRED if k not in question]
    if missing:
        return [f"missing {', '.join(missing)} (each line: {{{', '.join(REQUIRED)}}})"]
    problems = []
    if not isinstance(question["question"], str) or not question["question"].strip():
        problems.append(f'"question" must be a non-empty string, got {question["question"]!r}')
    for key in ("intents", "answers"):
        value = question[key]
        # A string would be scored as its characters: "1995" as {"1", "9", "5"}.
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fix = json.dumps([value] if isinstance(value, str) else [], ensure_ascii=False)
            problems.append(f'"{key}" must be a list of strings, got {value!r} (e.g. {fix})')
    if intents is not None and isinstance(question["intents"], list):
        unknown = [i for i in question["intents"] if isinstance(i, str) and i not in intents]
        if unknown:
            problems.append(
                f"intent {', '.join(map(repr, unknown))} is no rule's (qa.rules' intents: {', '.join(sorted(intents))})"
            )
    kind = question.get("kind", "single")
    if kind not in KINDS:
        problems.append(f'"kind" {kind!r} is not one of {", ".join(KINDS)}')
    return problems


def read_questions(path: Path, intents: Collection[str] | None = None) -> list[dict[str, Any]]:
    """The questions of a JSON-lines file, checked line by line (every problem at once, each with
    its file:line): lists of strings, known ``kind``s, unique ids and, given the rules' intents,
    only intents a rule has; a junk line would otherwise be scored silently wrong."""
    if not path.is_file():
        raise InputError(f"questions file {path} does not exist (evaluate.test / evaluate.dev)")
    questions, problems, ids = [], [], {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            question = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{path}:{number}: not JSON ({error.msg})")
            continue
        problems += [f"{path}:{number}: {p}" for p in _line_problems(question, intents)]
        key = question.get("id") if isinstance(question, dict) else None
        if key is not None and not isinstance(key, str | int):
            problems.append(f'{path}:{number}: "id" must be a string or a number, got {key!r}')
        elif key is not None and key in ids:
            problems.append(f"{path}:{number}: id {key!r} is line {ids[key]}'s too: give each question its own")
        else:
            ids.setdefault(key, number)
        questions.append(question)
    if problems:
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise InputError("bad questions:\n  " + "\n  ".join(problems[:20]) + more)
    if not questions:
        raise InputError(f"{path} holds no questions")
    return questions


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
