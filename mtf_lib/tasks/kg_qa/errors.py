"""KG QA error analysis of one question set: the failed questions (wrong intents or answers)."""

from __future__ import annotations

from typing import Any

from mtf_lib.tasks.kg_qa.scoring import failures


def analyse(questions: list[dict[str, Any]], results: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    failed = failures(questions, results)
    return {"questions": len(questions), "failed": len(failed), "failures": failed[:limit]}
