"""The QA scores, on a hand-made fixture whose numbers are worked out by hand, and the evaluate
stage on the example task's questions (eval.json equal to scoring its own failures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtf_lib.tasks.kg_qa.scoring import by_kind, failures, score_answers
from tests.graph.kg_project import built_medical_kg, run_stage

QUESTIONS = [
    {"question": "q1", "intents": ["a"], "answers": ["x", "y"], "kind": "single"},
    {"question": "q2", "intents": ["a", "b"], "answers": ["z"], "kind": "multi"},
    {"question": "q3", "intents": [], "answers": [], "kind": "out_of_scope"},
    {"question": "q4", "intents": ["b"], "answers": [], "kind": "no_facts"},
]
RESULTS = [
    {"intents": ["a"], "answers": ["x", "w"], "known": True, "entities": [], "answer": ""},  # 1 of 2 right
    {"intents": ["a"], "answers": ["z"], "known": True, "entities": [], "answer": ""},  # intents wrong
    {"intents": [], "answers": [], "known": False, "entities": [], "answer": ""},
    {"intents": ["b"], "answers": ["v"], "known": True, "entities": [], "answer": ""},  # should not know
]


def test_scores_by_hand() -> None:
    scores = score_answers(QUESTIONS, RESULTS)
    overall = scores.overall
    assert overall["intent_accuracy"] == 0.75  # q1, q3, q4
    assert overall["answer_precision"] == 2 / 4  # x, z right of x, w, z, v
    assert overall["answer_recall"] == 2 / 3  # x, z of x, y, z
    assert overall["answer_f1"] == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert overall["exact_match"] == 0.5  # q2, q3
    assert overall["dont_know_accuracy"] == 0.5  # q3 yes, q4 no
    assert scores.groups["none"]["support"] == 1 and scores.groups["a"]["support"] == 2
    assert by_kind(QUESTIONS, RESULTS)["no_facts"]["exact_match"] == 0.0
    assert [f["question"] for f in failures(QUESTIONS, RESULTS)] == ["q1", "q2", "q4"]


def test_the_evaluate_stage_scores_the_task_questions(tmp_path: Path) -> None:
    task = built_medical_kg(tmp_path)
    result = run_stage(task, "evaluate")
    assert result.returncode == 0, result.stderr
    summary = json.loads((task / "metrics" / "eval.json").read_text(encoding="utf-8"))
    questions = [json.loads(line) for line in (task / "data/questions/test.jsonl").read_text("utf-8").splitlines()]
    assert summary["examples"] == len(questions) >= 80
    failed = [json.loads(line) for line in (task / "metrics" / "failed.jsonl").read_text("utf-8").splitlines()]
    wrong_answers = [f for f in failed if f["missing"] or f["extra"]]
    assert summary["test"]["exact_match"] == pytest.approx(1 - len(wrong_answers) / len(questions), abs=1e-6)
    assert {"intent_accuracy", "answer_f1", "dont_know_accuracy"} <= set(summary["test"]) and "dev" in summary
    groups = json.loads((task / "metrics" / "eval_groups.json").read_text(encoding="utf-8"))["groups"]
    assert {i for q in questions for i in q["intents"]} <= set(groups)  # every intent is covered


def test_a_malformed_questions_file_is_a_clear_error(tmp_path: Path) -> None:
    task = built_medical_kg(tmp_path)
    (task / "data/questions").mkdir(parents=True, exist_ok=True)
    (task / "data/questions/test.jsonl").write_text('{"question": "百日咳"}\n', encoding="utf-8")
    result = run_stage(task, "evaluate")
    assert result.returncode == 3 and "missing intents, answers" in result.stderr
    assert "Traceback" not in result.stderr
