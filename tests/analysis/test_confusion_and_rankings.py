"""Classification, pair-scoring, seq2seq and KG QA error analyses against hand-made fixtures."""

from __future__ import annotations

from mtf_lib.tasks.classification.errors import analyse as classification_errors
from mtf_lib.tasks.kg_qa.errors import analyse as kg_errors
from mtf_lib.tasks.pair_scoring.errors import analyse as pair_errors
from mtf_lib.tasks.seq2seq.errors import analyse as seq2seq_errors


def output(label: str, confidence: float, labels: tuple[str, ...] = ("体育", "财经", "科技")) -> dict:
    rest = (1 - confidence) / (len(labels) - 1)
    return {"label": label, "probabilities": {name: confidence if name == label else rest for name in labels}}


# (text, gold, predicted, confidence of the predicted label)
CLASSIFIED = [
    ("t1", "体育", "体育", 0.9),
    ("t2", "体育", "财经", 0.6),
    ("t3", "体育", "财经", 0.8),
    ("t4", "财经", "财经", 0.7),
    ("t5", "科技", "体育", 0.95),
    ("t6", "科技", "科技", 0.5),
    ("t7", "体育", "财经", 0.4),
]
MATRIX = {  # rows: gold, columns: predicted
    "体育": {"体育": 1, "科技": 0, "财经": 3},
    "科技": {"体育": 1, "科技": 1, "财经": 0},
    "财经": {"体育": 0, "科技": 0, "财经": 1},
}


def classified() -> dict:
    records = [{"text": t, "label": g} for t, g, _, _ in CLASSIFIED]
    return classification_errors(records, [output(p, c) for _, _, p, c in CLASSIFIED], limit=2)


def test_confusion_matrix_matches_the_hand_count() -> None:
    analysis = classified()
    assert analysis["matrix"] == MATRIX
    assert analysis["labels"] == sorted(MATRIX)
    assert (analysis["examples"], analysis["errors"]) == (7, 4)  # the off-diagonal cells: 3 + 1


def test_cells_list_their_examples_most_confident_first_capped() -> None:
    cell = classified()["cells"]["体育"]["财经"]
    assert [e["text"] for e in cell] == ["t3", "t2"]  # 3 examples, the 2 most confident kept
    assert cell[0]["confidence"] == 0.8


def test_most_confident_errors_come_first() -> None:
    errors = classified()["most_confident_errors"]
    assert [(e["text"], e["gold"], e["predicted"]) for e in errors] == [("t5", "科技", "体育"), ("t3", "体育", "财经")]


def test_pair_scoring_lists_the_largest_residuals() -> None:
    records = [{"a": f"a{n}", "refs": [f"b{n}"], "group": None, "target": g} for n, g in enumerate([1.0, 2.0, 3.0])]
    analysis = pair_errors(records, [{"score": 1.1}, {"score": 4.5}, {"score": 2.0}], limit=2)
    assert [(r["a"], r["residual"]) for r in analysis["largest_residuals"]] == [("a1", 2.5), ("a2", -1.0)]


def test_seq2seq_lists_the_lowest_sentence_bleu() -> None:
    records = [{"source": "s1", "target": "the cat sat on the mat"}, {"source": "s2", "target": "a dog runs"}]
    outputs = [{"translation": "the cat sat on the mat"}, {"translation": "nothing alike here"}]
    lowest = seq2seq_errors(records, outputs, limit=5)["lowest_bleu"]
    assert [r["source"] for r in lowest] == ["s2", "s1"]
    assert lowest[1]["sentence_bleu"] == 100.0


def test_kg_qa_lists_the_failed_questions() -> None:
    questions = [
        {"question": "q1", "intents": ["a"], "answers": ["x"]},
        {"question": "q2", "intents": ["a"], "answers": ["y"]},
    ]
    results = [
        {"intents": ["a"], "answers": ["x"], "entities": [], "answer": "x"},
        {"intents": ["b"], "answers": [], "entities": [], "answer": ""},
    ]
    analysis = kg_errors(questions, results, limit=5)
    assert (analysis["questions"], analysis["failed"]) == (2, 1)
    assert analysis["failures"][0]["question"] == "q2" and analysis["failures"][0]["missing"] == ["y"]
