"""Entity-level precision/recall/F1, micro and per type, as conlleval and seqeval compute them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from mtf_lib.text.schemes import spans_from_tags


def _prf(correct: int, predicted: int, gold: int) -> dict[str, float]:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "support": gold}


def entity_scores(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict:
    """``{"micro": {...}, "per_type": {TYPE: {...}}}``; values are fractions in [0, 1]."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold sequences but {len(predicted)} predicted")
    correct: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for g_tags, p_tags in zip(gold, predicted, strict=True):
        g_spans = set(spans_from_tags(g_tags))
        p_spans = set(spans_from_tags(p_tags))
        n_gold.update(kind for kind, _, _ in g_spans)
        n_pred.update(kind for kind, _, _ in p_spans)
        correct.update(kind for kind, _, _ in g_spans & p_spans)
    types = sorted(set(n_gold) | set(n_pred))
    return {
        "micro": _prf(sum(correct.values()), sum(n_pred.values()), sum(n_gold.values())),
        "per_type": {t: _prf(correct[t], n_pred[t], n_gold[t]) for t in types},
    }
