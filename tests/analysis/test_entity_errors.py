"""Entity errors against a hand-made fixture: every span written out, every count known."""

from __future__ import annotations

from mtf_lib.metrics.entity_errors import classify_errors
from mtf_lib.tasks.tagging.errors import analyse
from mtf_lib.text.schemes import tags_from_spans

TEXT = "ABCDEFGHIJ"
# (gold spans, predicted spans) per sentence; (type, start, end), end exclusive.
SENTENCES = [
    (
        [("PER", 0, 2), ("ORG", 3, 6), ("LOC", 7, 9), ("PER", 9, 10)],
        # correct PER; ORG read as LOC (type); LOC cut short (boundary); PER 9-10 missed; ORG 2-3 spurious
        [("PER", 0, 2), ("ORG", 2, 3), ("LOC", 3, 6), ("LOC", 7, 8)],
    ),
    ([("LOC", 0, 2)], [("LOC", 0, 2)]),  # all correct
    (
        [("ORG", 0, 4), ("PER", 5, 8)],
        # a wrong span of another type is a boundary error; a gold entity split in two: one
        # boundary error, and the second piece is spurious
        [("LOC", 1, 3), ("PER", 5, 6), ("PER", 7, 8)],
    ),
]
EXPECTED_COUNTS = {"missed": 1, "spurious": 2, "wrong_type": 1, "wrong_boundary": 3}
EXPECTED_PER_TYPE = {
    "LOC": {"gold": 2, "correct": 1, "missed": 0, "spurious": 0, "wrong_type": 0, "wrong_boundary": 1},
    "ORG": {"gold": 2, "correct": 0, "missed": 0, "spurious": 1, "wrong_type": 1, "wrong_boundary": 1},
    "PER": {"gold": 3, "correct": 1, "missed": 1, "spurious": 1, "wrong_type": 0, "wrong_boundary": 1},
}


def records_and_tags() -> tuple[list[dict], list[list[str]]]:
    records = [{"text": TEXT, "tags": tags_from_spans(gold, len(TEXT), "BIO")} for gold, _ in SENTENCES]
    return records, [tags_from_spans(pred, len(TEXT), "BIO") for _, pred in SENTENCES]


def test_each_error_of_a_sentence_is_classified() -> None:
    errors = classify_errors(*SENTENCES[0])
    assert [(e["kind"], e["type"], e["gold"], e["predicted"]) for e in errors] == [
        ("spurious", "ORG", None, ("ORG", 2, 3)),
        ("wrong_type", "ORG", ("ORG", 3, 6), ("LOC", 3, 6)),
        ("wrong_boundary", "LOC", ("LOC", 7, 9), ("LOC", 7, 8)),
        ("missed", "PER", ("PER", 9, 10), None),
    ]
    assert classify_errors(*SENTENCES[1]) == []


def test_counts_per_class_and_per_type_match_the_fixture() -> None:
    analysis = analyse(*records_and_tags(), limit=10)
    assert analysis["counts"] == EXPECTED_COUNTS
    assert analysis["per_type"] == EXPECTED_PER_TYPE
    assert (analysis["sentences"], analysis["sentences_with_errors"]) == (3, 2)
    for counts in analysis["per_type"].values():  # every gold entity is correct or in exactly one error
        assert counts["gold"] == counts["correct"] + counts["missed"] + counts["wrong_type"] + counts["wrong_boundary"]


def test_examples_show_gold_and_predicted_side_by_side() -> None:
    first = analyse(*records_and_tags(), limit=10)["examples"][0]

    def shown(entities: list[dict]) -> list[tuple[str, str]]:  # offsets only in the file: the page cuts the text
        return [(e["type"], first["text"][e["start"] : e["end"]]) for e in entities]

    assert shown(first["gold"]) == [("PER", "AB"), ("ORG", "DEF"), ("LOC", "HI"), ("PER", "J")]
    assert shown(first["predicted"]) == [("PER", "AB"), ("ORG", "C"), ("LOC", "DEF"), ("LOC", "H")]
    assert first["errors"][2] == {
        "kind": "wrong_boundary",
        "type": "LOC",
        "gold": {"type": "LOC", "start": 7, "end": 9, "text": "HI"},
        "predicted": {"type": "LOC", "start": 7, "end": 8, "text": "H"},
    }


def test_examples_are_capped_per_type_but_counts_cover_the_split() -> None:
    analysis = analyse(*records_and_tags(), limit=1)
    assert len(analysis["examples"]) == 1  # the first sentence already shows PER, ORG and LOC errors
    assert analysis["counts"] == EXPECTED_COUNTS
