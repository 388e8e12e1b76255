"""Seq2seq error analysis of one split: the ``limit`` translations with the lowest sentence BLEU
(sacreBLEU, smoothed; detokenized hypotheses against the raw references)."""

from __future__ import annotations

from typing import Any

from mtf_lib.metrics.translation import sentence_bleu


def analyse(records: list[dict[str, Any]], outputs: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """``records``: preprocessed pairs (``source``, ``target``); ``outputs``: the predictor's
    ``{"translation", ...}``; each record may carry the ``tokenize`` sacreBLEU used (13a else)."""
    tokenize = records[0].get("tokenize", "13a") if records else "13a"
    hypotheses = [o["translation"] for o in outputs]
    scores = sentence_bleu([r["target"] for r in records], hypotheses, tokenize)
    rows = [
        {"source": r["source"], "reference": r["target"], "hypothesis": h, "sentence_bleu": round(s, 2)}
        for r, h, s in zip(records, hypotheses, scores, strict=True)
    ]
    rows.sort(key=lambda row: row["sentence_bleu"])
    return {"examples": len(rows), "tokenize": tokenize, "lowest_bleu": rows[:limit]}
