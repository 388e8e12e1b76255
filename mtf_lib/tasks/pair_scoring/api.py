"""The pair-scoring task type on the web: pairs in (a text, one or more references, optionally
the question and its id), a score on the target's scale (or a label with every label's
probability) out; its demo page takes a question, references and an answer and shows the score
as a bar (page.html)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator

from mtf_lib.tasks.api import ApiSpec, Strict

Text = Annotated[str, Field(min_length=1)]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


class Pair(Strict):
    a: Text = Field(description="the text scored (an answer; a sentence)")
    b: Text | Annotated[list[Text], Field(min_length=1)] = Field(
        description="what it is compared with: a text, or a list of references (the best one counts)"
    )
    context: str = Field("", description="the question, where the task has one")
    group: str = Field("", description="the question's id, where the task was trained with them")

    @field_validator("a")
    @classmethod
    def _a(cls, value: str) -> str:
        return _not_blank(value)

    @field_validator("b")
    @classmethod
    def _b(cls, value: str | list[str]) -> str | list[str]:
        for text in [value] if isinstance(value, str) else value:
            _not_blank(text)
        return value

    def texts(self) -> list[str]:
        return [self.a, *([self.b] if isinstance(self.b, str) else self.b), self.context]


class PairsRequest(Strict):
    pairs: list[Pair] = Field(min_length=1, description="pairs to score, one result each, in order")

    def items(self) -> list[Any]:
        return [p.model_dump() for p in self.pairs]

    def limited_texts(self) -> list[tuple[str, str]]:
        out = []
        for n, pair in enumerate(self.pairs):
            refs = [pair.b] if isinstance(pair.b, str) else pair.b
            out += [(f"pairs.{n}.a", pair.a), (f"pairs.{n}.context", pair.context)]
            out += [(f"pairs.{n}.b.{k}", ref) for k, ref in enumerate(refs)]
        return out


class PairResult(BaseModel):
    score: float | None = Field(None, description="the score, on the task's range (a score target)")
    range: list[float] | None = Field(None, description="[lowest, highest] score (a score target)")
    label: str | None = Field(None, description="the most probable label (a label target)")
    probabilities: dict[str, float] | None = Field(None, description="every label's probability (a label target)")


def run(predictor: Any, request: PairsRequest) -> list[dict[str, Any]]:
    results = predictor.predict(request.items())
    if predictor.score_range is not None:
        results = [{**r, "range": list(predictor.score_range)} for r in results]
    return results


def pairs_form(fields: Mapping[str, str]) -> dict[str, Any]:
    """The page's question, references (one per line) and answer, as one pair."""
    refs = [line.strip() for line in fields.get("references", "").splitlines() if line.strip()]
    return {"pairs": [{"a": fields.get("answer", ""), "b": refs, "context": fields.get("question", "").strip()}]}


API = ApiSpec(
    request=PairsRequest,
    result=PairResult,
    run=run,
    form=pairs_form,
    page=Path(__file__).with_name("page.html"),
    errors_page=Path(__file__).with_name("errors.html"),
    example={"pairs": [{"a": "一架飞机正在起飞。", "b": "一架飞机要起飞了。"}]},
)
