"""The kg_qa task type on the web: questions in, one answer each out (the answer in words, the
recognised entities and intents, the Cypher and parameters that ran); the page draws the matched
subgraph as an SVG made on the server. Everything it runs is read-only."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from mtf_lib.tasks.api import ApiSpec, Strict


class AskRequest(Strict):
    questions: list[str] = Field(min_length=1, description="questions, one answer each, in order")

    def items(self) -> list[Any]:
        return list(self.questions)

    def limited_texts(self) -> list[tuple[str, str]]:
        return [(f"questions.{n}", text) for n, text in enumerate(self.questions)]


class Entity(BaseModel):
    name: str
    labels: list[str]
    start: int
    end: int


class Query(BaseModel):
    intent: str
    cypher: str = Field(description="the parameterized statement that ran (read-only)")
    parameters: dict[str, Any]
    answers: list[str]
    relation: str
    subject: str
    subject_label: str
    answer_label: str | None


class Answer(BaseModel):
    question: str
    answer: str = Field(description="the answer in words; an honest 'I don't know' naming what was recognised")
    known: bool = Field(description="whether the graph held an answer")
    answers: list[str]
    entities: list[Entity]
    intents: list[str]
    queries: list[Query]


def run(predictor: Any, request: AskRequest) -> list[dict[str, Any]]:
    return predictor.predict(request.questions)


def ask_form(fields: Mapping[str, str]) -> dict[str, Any]:
    return {"questions": [line.strip() for line in fields.get("text", "").splitlines() if line.strip()]}


def drawing(item: Any, result: dict[str, Any]) -> dict[str, Any]:
    from mtf_lib.graph.qa.svg import subgraph_svg

    return {"svg": subgraph_svg(result)}


API = ApiSpec(
    request=AskRequest,
    result=Answer,
    run=run,
    form=ask_form,
    page=Path(__file__).with_name("page.html"),
    errors_page=Path(__file__).with_name("errors.html"),
    view=drawing,
    example={"questions": ["百日咳有哪些症状？"]},
)
