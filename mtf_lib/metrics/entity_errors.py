"""Entity errors of one sentence, classified: what an F1 score hides.

Gold and predicted spans are ``(type, start, end)`` (end exclusive). A pair with the same span and
type is correct; then, in this order:

- ``wrong_type``: the same span with another type;
- ``wrong_boundary``: overlapping spans with other boundaries (whatever their types: the span is
  what went wrong first);
- ``missed``: a gold entity left over (no prediction overlaps it, or those that do are paired);
- ``spurious``: a prediction left over (it overlaps no gold entity, or only ones already paired).

Each gold and each predicted entity takes part in at most one error, so the counts add up:
gold = correct + wrong_type + wrong_boundary + missed, and likewise for the predictions with
spurious in place of missed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Span = tuple[str, int, int]
ERROR_CLASSES = ("missed", "spurious", "wrong_type", "wrong_boundary")


def _overlap(a: Span, b: Span) -> bool:
    return a[1] < b[2] and b[1] < a[2]


def classify_errors(gold: Sequence[Span], predicted: Sequence[Span]) -> list[dict[str, Any]]:
    """The errors of one sentence, each ``{"kind", "type", "gold", "predicted"}`` (a span or None;
    ``type`` is the gold entity's, a spurious one's own), in text order."""
    exact = set(gold) & set(predicted)
    gold_left = sorted(set(gold) - exact, key=lambda s: (s[1], s[2], s[0]))
    pred_left = sorted(set(predicted) - exact, key=lambda s: (s[1], s[2], s[0]))
    errors: list[dict[str, Any]] = []

    def pair(kind: str, test: Any) -> None:
        for g in list(gold_left):
            match = next((p for p in pred_left if test(g, p)), None)
            if match is not None:
                gold_left.remove(g)
                pred_left.remove(match)
                errors.append({"kind": kind, "type": g[0], "gold": g, "predicted": match})

    pair("wrong_type", lambda g, p: g[1:] == p[1:])
    pair("wrong_boundary", _overlap)
    errors += [{"kind": "missed", "type": g[0], "gold": g, "predicted": None} for g in gold_left]
    errors += [{"kind": "spurious", "type": p[0], "gold": None, "predicted": p} for p in pred_left]
    return sorted(errors, key=lambda e: min(s[1] for s in (e["gold"], e["predicted"]) if s))
