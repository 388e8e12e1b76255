"""The tagging task type on the web: texts in, entities with character offsets out."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from mtf_lib.tasks.api import ApiSpec, TextsRequest, texts_form


class Entity(BaseModel):
    type: str = Field(description="entity type, e.g. ORG")
    text: str = Field(description="the entity's characters")
    start: int = Field(description="offset of the first character in the text")
    end: int = Field(description="offset after the last character (exclusive)")


class TaggingResult(BaseModel):
    entities: list[Entity]


def run(predictor: Any, request: TextsRequest) -> list[dict[str, Any]]:
    return [{"entities": entities} for entities in predictor.predict(request.texts)]


API = ApiSpec(request=TextsRequest, result=TaggingResult, run=run, form=texts_form)
