"""Tagging error analysis of one split: every entity error classified (mtf_lib.metrics.entity_errors),
counted per class and per entity type, and the sentences with errors, gold and predicted side by side
(up to ``limit`` sentences per entity type, so each type's filter on the page has examples)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mtf_lib.metrics.entity_errors import ERROR_CLASSES, classify_errors
from mtf_lib.text.schemes import spans_from_tags


def _entity(text: str, span: tuple[str, int, int] | None, with_text: bool = True) -> dict[str, Any] | None:
    if span is None:
        return None
    kind, start, end = span
    entity = {"type": kind, "start": start, "end": end}
    return {**entity, "text": text[start:end]} if with_text else entity


def analyse(records: list[dict[str, Any]], predicted: list[list[str]], limit: int) -> dict[str, Any]:
    """``records``: preprocessed sentences (``text``, ``tags``); ``predicted``: their predicted tags."""
    counts: Counter[str] = Counter()
    per_type: dict[str, Counter[str]] = {}
    kept: dict[str, int] = Counter()
    sentences = []
    with_errors = 0
    for record, tags in zip(records, predicted, strict=True):
        text, gold, pred = record["text"], spans_from_tags(record["tags"]), spans_from_tags(tags)
        errors = classify_errors(gold, pred)
        for kind, _, _ in gold:
            per_type.setdefault(kind, Counter())["gold"] += 1
        for kind, *_ in set(gold) & set(pred):
            per_type[kind]["correct"] += 1
        for error in errors:
            counts[error["kind"]] += 1
            per_type.setdefault(error["type"], Counter())[error["kind"]] += 1
        if not errors:
            continue
        with_errors += 1
        types = {e["type"] for e in errors}
        if any(kept[t] < limit for t in types):
            kept.update(types)
            sentences.append(
                {
                    "text": text,
                    # Offsets only (the page cuts the text): the file stays small.
                    "gold": [_entity(text, s, with_text=False) for s in gold],
                    "predicted": [_entity(text, s, with_text=False) for s in pred],
                    "errors": [
                        {**e, "gold": _entity(text, e["gold"]), "predicted": _entity(text, e["predicted"])}
                        for e in errors
                    ],
                }
            )
    columns = ("gold", "correct", *ERROR_CLASSES)
    return {
        "sentences": len(records),
        "sentences_with_errors": with_errors,
        "counts": {kind: counts[kind] for kind in ERROR_CLASSES},
        "per_type": {t: {c: per_type[t][c] for c in columns} for t in sorted(per_type)},
        "examples": sentences,
    }
