"""The classification task type on the web: texts in, a label with every label's probability out."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from mtf_lib.tasks.api import ApiSpec, TextsRequest, texts_form


class ClassificationResult(BaseModel):
    label: str = Field(description="the most probable label")
    probabilities: dict[str, float] = Field(description="every label's probability")


def run(predictor: Any, request: TextsRequest) -> list[dict[str, Any]]:
    return predictor.predict(request.texts)


API = ApiSpec(request=TextsRequest, result=ClassificationResult, run=run, form=texts_form)
