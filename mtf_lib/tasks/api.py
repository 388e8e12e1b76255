"""A task type's web description: the body of a predict request, the shape of one result, and
how a request runs through the task type's predictor. The web app serves every task type
through these, so it names none itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    # Strict: a number is not a text, and an unknown field is an error rather than ignored.
    model_config = ConfigDict(extra="forbid", strict=True)


class TextsRequest(Strict):
    texts: list[str] = Field(min_length=1, description="texts to predict, one result each, in order")

    def limited_texts(self) -> list[tuple[str, str]]:
        """(field path, text) of every text the request limits apply to."""
        return [(f"texts.{n}", text) for n, text in enumerate(self.texts)]


@dataclass(frozen=True)
class ApiSpec:
    """``request``: the predict body (a model with ``limited_texts()``); ``result``: one result;
    ``run(predictor, request)``: the results, one per item of the request, as plain data;
    ``form(text)``: the request a demo page's text box (one item per line) stands for."""

    request: type[BaseModel]
    result: type[BaseModel]
    run: Callable[[Any, Any], list[dict[str, Any]]]
    form: Callable[[list[str]], dict[str, Any]]


def texts_form(lines: list[str]) -> dict[str, Any]:
    return {"texts": lines}
