"""The seq2seq task type on the web: texts in (with an optional beam size and n-best count),
one translation and its score each out; its demo page shows the n-best list (page.html)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field

from mtf_lib.tasks.api import ApiSpec, TextsRequest

BeamSize = Annotated[int, Field(ge=1, le=16)]


class TranslateRequest(TextsRequest):
    beam: BeamSize | None = Field(None, description="beam size (1: greedy); default: the task's evaluate.beam")
    nbest: Annotated[int, Field(ge=1, le=16)] = Field(1, description="also return the n best translations")


class Candidate(BaseModel):
    translation: str
    score: float = Field(description="length-normalised log-probability (closer to 0: surer)")


class TranslationResult(Candidate):
    nbest: list[Candidate] | None = Field(None, description="the n best, best first (nbest > 1)")


def run(predictor: Any, request: TranslateRequest) -> list[dict[str, Any]]:
    return predictor.predict(request.texts, beam=request.beam, nbest=request.nbest)


def translate_form(fields: Mapping[str, str]) -> dict[str, Any]:
    """The page's text box (one sentence per line), beam size and n-best count."""
    texts = [line.strip() for line in fields.get("text", "").splitlines() if line.strip()]
    body: dict[str, Any] = {"texts": texts}
    for name in ("beam", "nbest"):
        value = fields.get(name, "").strip()
        if value:
            body[name] = int(value) if value.isdigit() else value  # not a number: a 422 names the field
    return body


API = ApiSpec(
    request=TranslateRequest,
    result=TranslationResult,
    run=run,
    form=translate_form,
    page=Path(__file__).with_name("page.html"),
    errors_page=Path(__file__).with_name("errors.html"),
    example={"texts": ["我们明天去公园吧。"], "nbest": 2},
)
