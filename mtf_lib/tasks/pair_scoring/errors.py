"""Pair-scoring error analysis of one split: the ``limit`` largest residuals (score targets) or the
most confident wrong labels (label targets)."""

from __future__ import annotations

from typing import Any


def analyse(records: list[dict[str, Any]], outputs: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """``records``: preprocessed pairs (``a``, ``refs``, ``group``, ``target``); ``outputs``: the
    predictor's ``{"score"}`` or ``{"label", "probabilities"}``."""
    rows = []
    for record, output in zip(records, outputs, strict=True):
        row = {"a": record["a"], "b": record["refs"], "group": record.get("group"), "gold": record["target"]}
        if "score" in output:
            row.update(predicted=round(output["score"], 4), residual=round(output["score"] - record["target"], 4))
        else:
            row.update(predicted=output["label"], confidence=round(output["probabilities"][output["label"]], 4))
        rows.append(row)
    if rows and "residual" in rows[0]:
        worst = sorted(rows, key=lambda r: -abs(r["residual"]))
        return {"kind": "score", "examples": len(rows), "largest_residuals": worst[:limit]}
    wrong = sorted((r for r in rows if str(r["predicted"]) != str(r["gold"])), key=lambda r: -r["confidence"])
    return {"kind": "label", "examples": len(rows), "errors": len(wrong), "most_confident_errors": wrong[:limit]}
