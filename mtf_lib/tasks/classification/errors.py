"""Classification error analysis of one split: the confusion matrix, each cell with up to ``limit``
of its examples (most confident first), and the most confident errors over the whole split."""

from __future__ import annotations

from typing import Any


def analyse(records: list[dict[str, Any]], outputs: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """``records``: preprocessed examples (``text``, ``label``); ``outputs``: the predictor's
    ``{"label", "probabilities"}`` for each."""
    rows = [
        {"text": r["text"], "gold": r["label"], "predicted": o["label"], "confidence": o["probabilities"][o["label"]]}
        for r, o in zip(records, outputs, strict=True)
    ]
    rows.sort(key=lambda row: -row["confidence"])  # stable: ties keep the split's order
    labels = sorted({r["gold"] for r in rows} | {r["predicted"] for r in rows})
    matrix = {g: {p: 0 for p in labels} for g in labels}
    cells: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in rows:
        matrix[row["gold"]][row["predicted"]] += 1
        cell = cells.setdefault(row["gold"], {}).setdefault(row["predicted"], [])
        if len(cell) < limit:
            cell.append({"text": row["text"], "confidence": round(row["confidence"], 4)})
    errors = [r for r in rows if r["gold"] != r["predicted"]]
    return {
        "examples": len(rows),
        "errors": len(errors),
        "labels": labels,
        "matrix": matrix,
        "cells": cells,
        "most_confident_errors": [{**r, "confidence": round(r["confidence"], 4)} for r in errors[:limit]],
    }
