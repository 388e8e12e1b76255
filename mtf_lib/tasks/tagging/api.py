"""The tagging task type on the web: texts in, entities with character offsets out; its demo
page highlights the entities inline (page.html)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from mtf_lib.tasks.api import ApiSpec, TextsRequest


class Entity(BaseModel):
    type: str = Field(description="entity type, e.g. ORG")
    text: str = Field(description="the entity's characters")
    start: int = Field(description="offset of the first character in the text")
    end: int = Field(description="offset after the last character (exclusive)")


class TaggingResult(BaseModel):
    entities: list[Entity]


def run(predictor: Any, request: TextsRequest) -> list[dict[str, Any]]:
    return [{"entities": entities} for entities in predictor.predict(request.texts)]


def highlight(text: str, entities: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """``text`` cut into ``(piece, entity type or None)``; entities are non-overlapping spans."""
    segments: list[tuple[str, str | None]] = []
    position = 0
    for entity in sorted(entities, key=lambda e: e["start"]):
        if entity["start"] < position:
            continue
        if entity["start"] > position:
            segments.append((text[position : entity["start"]], None))
        segments.append((text[entity["start"] : entity["end"]], entity["type"]))
        position = entity["end"]
    if position < len(text):
        segments.append((text[position:], None))
    return segments


def view(text: str, result: dict[str, Any]) -> dict[str, Any]:
    return {"segments": highlight(text, result["entities"])}


def errors_view(analysis: dict[str, Any], args: Mapping[str, str]) -> dict[str, Any]:
    """The error-analysis page's sentences (those with an error of ``args["type"]`` when given),
    gold and predicted entities cut into highlighted pieces."""
    wanted = args.get("type") or None
    examples = [e for e in analysis["examples"] if wanted is None or any(x["type"] == wanted for x in e["errors"])]
    return {
        "type": wanted,
        "colours": {t: f"c{n % 10}" for n, t in enumerate(analysis["per_type"])},  # style.css: .c0 ... .c9
        "examples": [
            {
                **example,
                "gold_segments": highlight(example["text"], example["gold"]),
                "predicted_segments": highlight(example["text"], example["predicted"]),
            }
            for example in examples
        ],
    }


API = ApiSpec(
    request=TextsRequest,
    result=TaggingResult,
    run=run,
    page=Path(__file__).with_name("page.html"),
    view=view,
    example={"texts": ["张伟在北京大学工作。"]},
    errors_page=Path(__file__).with_name("errors.html"),
    errors_view=errors_view,
)
