"""A task type's web description: the body of a predict request, the shape of one result, how a
request runs through the task type's predictor, and its demo page. The web app serves every task
type through these, so it names none itself.

The demo page is a Jinja template that extends the web app's ``task.html`` and fills its blocks:
``form`` (the fields, posted back to the page; ``ApiSpec.form`` turns them into a request body)
and ``result`` (one result: ``item``, the request's item, and ``result``, its answer, and what
``ApiSpec.view`` adds). The page also sees ``labels`` (the predictor's) and ``colours`` (a colour
class per label). Without a page, the text box and each result as JSON are shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    # Strict: a number is not a text, and an unknown field is an error rather than ignored.
    model_config = ConfigDict(extra="forbid", strict=True)


class TextsRequest(Strict):
    texts: list[str] = Field(min_length=1, description="texts to predict, one result each, in order")

    def items(self) -> list[Any]:
        """What gets one result each, in order."""
        return list(self.texts)

    def limited_texts(self) -> list[tuple[str, str]]:
        """(field path, text) of every text the request limits apply to."""
        return [(f"texts.{n}", text) for n, text in enumerate(self.texts)]


def texts_form(fields: Mapping[str, str]) -> dict[str, Any]:
    """The demo page's text box, one text per non-blank line."""
    return {"texts": [line.strip() for line in fields.get("text", "").splitlines() if line.strip()]}


def no_view(item: Any, result: dict[str, Any]) -> dict[str, Any]:
    return {}


def no_errors_view(analysis: dict[str, Any], args: Mapping[str, str]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class ApiSpec:
    """``request``: the predict body (a model with ``items()`` and ``limited_texts()``);
    ``result``: one result; ``run(predictor, request)``: the results, one per item, as plain data;
    ``form(fields)``: the request body the demo page's posted fields stand for; ``page``: the demo
    page's template (see the module doc); ``view(item, result)``: what the page needs beyond the
    result (tagging: the text cut into highlighted pieces); ``example``: a request body for the
    documentation and the page's curl line; ``errors_page`` and ``errors_view(analysis, args)``:
    the error-analysis page (see the module doc; None: the analysis is shown as JSON)."""

    request: type[BaseModel]
    result: type[BaseModel]
    run: Callable[[Any, Any], list[dict[str, Any]]]
    form: Callable[[Mapping[str, str]], dict[str, Any]] = texts_form
    page: Path | None = None
    view: Callable[[Any, dict[str, Any]], dict[str, Any]] = no_view
    example: Mapping[str, Any] = field(default_factory=lambda: {"texts": ["..."]})
    errors_page: Path | None = None
    errors_view: Callable[[dict[str, Any], Mapping[str, str]], dict[str, Any]] = no_errors_view
