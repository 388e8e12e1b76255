"""mtf_lib.metrics.entities.entity_scores against seqeval (default, conlleval-like mode)."""

from __future__ import annotations

import random
import warnings

import pytest
from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

from mtf_lib.metrics.entities import entity_scores

TYPES = ["PER", "LOC", "ORG", "MISC"]


def _random_tags(rng: random.Random, prefixes: str, length: int, types: list[str]) -> list[str]:
    return ["O" if (p := rng.choice("OO" + prefixes)) == "O" else f"{p}-{rng.choice(types)}" for _ in range(length)]


def _perturb(rng: random.Random, gold: list[str], prefixes: str, rate: float) -> list[str]:
    return [_random_tags(rng, prefixes, 1, TYPES)[0] if rng.random() < rate else tag for tag in gold]


def _corpus(seed: str, prefixes: str, rate: float) -> tuple[list[list[str]], list[list[str]]]:
    rng = random.Random(seed)
    gold = [_random_tags(rng, prefixes, rng.randint(1, 15), TYPES) for _ in range(200)]
    predicted = [_perturb(rng, g, prefixes, rate) for g in gold]
    return gold, predicted


def _seqeval(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zero-division warnings for empty types
        return function(*args, **kwargs)


CASES = [(prefixes, rate) for prefixes in ("BI", "BIES") for rate in (0.0, 0.1, 0.3, 1.0)]
IDS = [f"{'BIO' if p == 'BI' else 'BIOES'}-noise{rate}" for p, rate in CASES]


@pytest.mark.parametrize(("prefixes", "rate"), CASES, ids=IDS)
def test_micro_scores_equal_seqeval(prefixes: str, rate: float) -> None:
    gold, predicted = _corpus(f"micro-{prefixes}-{rate}", prefixes, rate)
    micro = entity_scores(gold, predicted)["micro"]
    assert micro["precision"] == pytest.approx(_seqeval(precision_score, gold, predicted), abs=1e-12)
    assert micro["recall"] == pytest.approx(_seqeval(recall_score, gold, predicted), abs=1e-12)
    assert micro["f1"] == pytest.approx(_seqeval(f1_score, gold, predicted), abs=1e-12)
    report = _seqeval(classification_report, gold, predicted, output_dict=True)
    assert micro["support"] == report["micro avg"]["support"]
    if rate == 0.0:
        assert micro["precision"] == micro["recall"] == micro["f1"] == 1.0
    else:
        assert 0.0 <= micro["f1"] < 1.0


@pytest.mark.parametrize(("prefixes", "rate"), CASES, ids=IDS)
def test_per_type_scores_equal_seqeval_report(prefixes: str, rate: float) -> None:
    gold, predicted = _corpus(f"per-type-{prefixes}-{rate}", prefixes, rate)
    per_type = entity_scores(gold, predicted)["per_type"]
    report = _seqeval(classification_report, gold, predicted, output_dict=True, digits=10)
    report_types = {k for k in report if not k.endswith(" avg")}
    assert set(per_type) == report_types
    for kind, ours in per_type.items():
        for key in ("precision", "recall", "f1"):
            assert ours[key] == pytest.approx(report[kind][f"{key}-score" if key == "f1" else key], abs=1e-12), (
                kind,
                key,
            )
        assert ours["support"] == report[kind]["support"]


def test_type_only_predicted_or_only_gold() -> None:
    gold = [["B-PER", "E-PER", "O", "S-LOC"]]
    predicted = [["B-PER", "E-PER", "S-ORG", "O"]]
    scores = entity_scores(gold, predicted)
    assert scores["micro"] == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2})
    assert scores["per_type"]["PER"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert scores["per_type"]["LOC"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert scores["per_type"]["ORG"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    report = _seqeval(classification_report, gold, predicted, output_dict=True)
    for kind in ("PER", "LOC", "ORG"):
        assert scores["per_type"][kind]["f1"] == pytest.approx(report[kind]["f1-score"])


def test_entities_do_not_match_across_sentence_boundaries() -> None:
    # An entity at the end of one sentence and the start of the next are two entities.
    gold = [["O", "B-X"], ["I-X", "O"]]
    predicted = [["O", "B-X"], ["O", "O"]]
    micro = entity_scores(gold, predicted)["micro"]
    assert micro == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2})
    assert micro["f1"] == pytest.approx(_seqeval(f1_score, gold, predicted))


def test_no_entities_at_all() -> None:
    scores = entity_scores([["O", "O"]], [["O", "O"]])
    assert scores == {"micro": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}, "per_type": {}}
    assert entity_scores([], []) == scores


def test_mismatched_sequence_counts_raise() -> None:
    with pytest.raises(ValueError, match="2 gold sequences but 1 predicted"):
        entity_scores([["O"], ["O"]], [["O"]])
