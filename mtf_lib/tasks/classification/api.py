"""The classification task type on the web: texts in, a label with every label's probability
out; its demo page shows the label and a bar per probability (page.html)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from mtf_lib.tasks.api import ApiSpec, TextsRequest


class ClassificationResult(BaseModel):
    label: str = Field(description="the most probable label")
    probabilities: dict[str, float] = Field(description="every label's probability")


def run(predictor: Any, request: TextsRequest) -> list[dict[str, Any]]:
    return predictor.predict(request.texts)


API = ApiSpec(
    request=TextsRequest,
    result=ClassificationResult,
    run=run,
    page=Path(__file__).with_name("page.html"),
    errors_page=Path(__file__).with_name("errors.html"),
    example={"texts": ["地铁三号线将于明年开通"]},
)
