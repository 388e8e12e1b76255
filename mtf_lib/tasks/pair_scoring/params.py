"""The params.yaml schema of a pair-scoring task: one group per stage, and the target's kind."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from mtf_lib import registry
from mtf_lib.config import Section
from mtf_lib.tasks import sections
from mtf_lib.tasks.sections import PositiveInt


class TargetParams(Section):
    """What a pair is scored with: a real ``score`` on ``[min, max]`` (regression; quadratic
    weighted kappa is measured on the integer scale between them), or a ``label`` (NLI-style)."""

    kind: Literal["score", "label"] = "score"
    min: float | None = Field(None, description="the lowest score (kind score)")
    max: float | None = Field(None, description="the highest score (kind score)")

    @model_validator(mode="after")
    def _range(self) -> TargetParams:
        if self.kind == "score":
            if self.min is None or self.max is None:
                raise ValueError("a score target needs its range: set min and max (e.g. min: 0, max: 5)")
            if not self.min < self.max:
                raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        elif self.min is not None or self.max is not None:
            raise ValueError("a label target has no range: remove min and max, or set kind: score")
        return self


class PreprocessParams(Section):
    format: registry.readers.ref(task_type="pair_scoring") = Field(
        "pair_jsonl.v1", description="the reader of the raw files (mtf components readers), with its field names"
    )
    train: str
    dev: str | None = Field(None, description="null: cut dev from train (dev_fraction, stratified by group)")
    test: str
    target: TargetParams = TargetParams(min=0, max=1)
    dev_fraction: Annotated[float, Field(gt=0, lt=1)] = 0.1
    split_seed: int = 13
    tokenizer: registry.tokenizers.name_type = "char.v1"
    normalize: bool = True
    workers: sections.Workers = 0
    limit: sections.Limit = 0


class DatasetParams(Section):
    min_freq: PositiveInt = 1
    max_len: Annotated[int, Field(ge=1, description="tokens (and characters) kept per text; the rest is cut off")] = 256
    features: bool = Field(True, description="lexical-overlap features of each pair, for models that read them")


class TrainParams(sections.TrainParams):
    monitor: str = Field("spearman", description="the dev score that picks the kept epoch: one of evaluate.metric's")


class EvaluateParams(sections.EvaluateParams):
    metric: registry.metrics.ref(task_type="pair_scoring") = Field("pair_scores.v1", description=sections.METRIC_HELP)


class BaselineParams(Section):
    """The baseline stage: scores without training, written beside the model's."""

    seed: int = 0
    encoder: registry.encoders.ref() | None = Field(
        None,
        description="a pretrained sentence encoder (transformer.v1 and its settings) scored zero-shot: "
        "the cosine of its pooled vectors, mapped to the score scale on train",
    )


class PairScoringParams(Section):
    task: sections.TaskParams
    fetch: sections.FetchParams = sections.FetchParams()
    preprocess: PreprocessParams
    dataset: DatasetParams = DatasetParams()
    model: registry.models.ref(task_type="pair_scoring")
    train: TrainParams = TrainParams()
    evaluate: EvaluateParams = EvaluateParams()
    baseline: BaselineParams = BaselineParams()

    @model_validator(mode="after")
    def _monitor_is_a_score(self) -> PairScoringParams:
        metric = self.evaluate.metric["name"]
        kind = registry.metrics.tags(metric).get("kind", self.preprocess.target.kind)
        if kind != self.preprocess.target.kind:
            fitting = [
                n
                for n in registry.metrics.names()
                if registry.metrics.tags(n).get("kind") == self.preprocess.target.kind
            ]
            raise ValueError(
                f"evaluate.metric: {metric!r} scores {kind}s, and preprocess.target.kind is "
                f"{self.preprocess.target.kind!r}: choose {' or '.join(fitting)}"
            )
        loss = self.model.get("loss") if isinstance(self.model, dict) else None
        loss_name = loss.get("name") if isinstance(loss, dict) else loss
        if loss_name:
            fits = registry.losses.tags(loss_name).get("target_kind", self.preprocess.target.kind)
            if fits != self.preprocess.target.kind:
                fitting = [n for n in registry.losses.names() if registry.losses.tags(n).get("target_kind") == kind]
                raise ValueError(
                    f"model.loss: {loss_name!r} fits {fits} targets, and preprocess.target.kind is "
                    f"{self.preprocess.target.kind!r}: choose {' or '.join(fitting)} (or leave it out: the kind's own)"
                )
        sections.check_monitor(self)
        return self


def metric_range(target: Any) -> tuple[float | None, ...]:
    """What the metric is built from: the score range (kind score), or nothing (kind label)."""
    return (target.min, target.max) if target.kind == "score" else ()
