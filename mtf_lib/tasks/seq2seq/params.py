"""The params.yaml schema of a seq2seq (translation) task: one group per stage."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from mtf_lib import registry
from mtf_lib.config import Section
from mtf_lib.tasks import sections
from mtf_lib.tasks.sections import PositiveInt

SplitSize = Annotated[float, Field(gt=0, description="a count of pairs, or a fraction of them below 1")]


class PreprocessParams(Section):
    format: registry.readers.ref(task_type="seq2seq") = Field(
        "parallel_jsonl.v1", description="the reader of the raw files (mtf components readers), with its settings"
    )
    train: str
    dev: str | None = Field(None, description="null: cut dev from train by sentence groups (dev_size)")
    test: str | None = Field(None, description="null: cut test from train by sentence groups (test_size)")
    dev_size: SplitSize = 1000
    test_size: SplitSize = 1500
    max_group: PositiveInt = Field(8, description="pairs sharing sentences beyond this many stay in train")
    split_seed: int = 13
    limit: sections.Limit = 0


class SideParams(Section):
    """A subword vocabulary (sentencepiece), learnt on the train split's sentences of one side."""

    kind: Literal["unigram", "bpe", "char"] = "unigram"
    size: Annotated[int, Field(ge=8, description="pieces (kind char: at most; one per character kept)")] = 4000
    coverage: Annotated[float, Field(gt=0, le=1, description="share of characters kept (Chinese: 0.9995)")] = 1.0
    normalization: Literal["nmt_nfkc", "nfkc", "identity"] = Field(
        "nmt_nfkc", description="sentencepiece's normalization; identity: decoded text is the text exactly"
    )


class DatasetParams(Section):
    source: SideParams = SideParams(coverage=0.9995)
    target: SideParams = SideParams(size=2000, normalization="identity")
    joint: bool = Field(False, description="one vocabulary of both sides, with the source's settings (target's unused)")
    max_len: Annotated[int, Field(ge=2, le=1024, description="pieces per sentence; longer ones are cut")] = 64


class TrainParams(sections.TrainParams):
    monitor: str = Field("bleu", description="the dev score that picks the kept epoch (greedy decoding)")
    scheduler: registry.schedulers.ref() = "inverse_sqrt.v1"
    warmup_ratio: Annotated[float, Field(ge=0, lt=1, description="share of the steps spent warming up")] = 0.1
    max_tokens: Annotated[int, Field(ge=0, description="tokens per batch (padded); 0: batch_size sentences")] = 4096
    callbacks: list[registry.callbacks.ref()] = Field(
        ["dvclive.v1"], description="names, or {name, its settings}; no early stopping unless listed"
    )


class DecodingParams(Section):
    # Test-time decoding: dev is decoded greedily in training, so neither shapes the weights.
    beam: PositiveInt = Field(4, description="beam size; 1: greedy decoding", json_schema_extra=sections.NOT_SHAPING)
    length_penalty: Annotated[
        float,
        Field(ge=0, le=5, description="GNMT alpha; 0: plain log-probability", json_schema_extra=sections.NOT_SHAPING),
    ] = 1.0
    max_len_ratio: Annotated[float, Field(gt=0, le=10, description="output pieces per source piece, at most")] = 2.0
    max_len_extra: Annotated[int, Field(ge=0)] = 5

    @classmethod
    def of(cls, section: Section, **changes: object) -> DecodingParams:
        """The decoding settings of ``section`` (the evaluate group), with ``changes``."""
        return cls(**{**section.model_dump(include=set(cls.model_fields)), **changes})


class EvaluateParams(sections.EvaluateParams, DecodingParams):
    moved = {
        "tokenize": "is now the metric's own setting: remove it and write metric: {{name: translation.v1, "
        "tokenize: {value}}}"
    }

    metric: registry.metrics.ref(task_type="seq2seq") = Field(
        "translation.v1",
        description="a name or {name, its settings}: scores dev in training (greedy) and test (with the beam)",
    )
    samples: Annotated[
        int,
        Field(
            ge=0,
            description="test translations written to metrics/samples.jsonl",
            json_schema_extra=sections.NOT_SHAPING,
        ),
    ] = 50


class Seq2SeqParams(Section):
    task: sections.TaskParams
    fetch: sections.FetchParams = sections.FetchParams()
    preprocess: PreprocessParams
    dataset: DatasetParams = DatasetParams()
    model: registry.models.ref(task_type="seq2seq")
    train: TrainParams = TrainParams()
    evaluate: EvaluateParams = EvaluateParams()

    @model_validator(mode="after")
    def _checked(self) -> Seq2SeqParams:
        share = self.model.get("share_embeddings") if isinstance(self.model, dict) else None
        if share == "all" and not self.dataset.joint:
            raise ValueError("model.share_embeddings: all needs one vocabulary of both sides: set dataset.joint: true")
        if self.train.scheduler["name"] == "inverse_sqrt.v1" and self.train.warmup_ratio == 0:
            raise ValueError("train.warmup_ratio: inverse_sqrt.v1 decays from the end of its warm-up: set it above 0")
        if self.train.max_tokens and self.train.max_tokens < self.dataset.max_len + 1:
            raise ValueError(
                f"train.max_tokens ({self.train.max_tokens}) must hold the longest sentence: "
                f"dataset.max_len + 1 = {self.dataset.max_len + 1} or more"
            )
        if self.train.ensemble != 1:
            raise ValueError("train.ensemble: seq2seq models are trained one at a time: set it to 1")
        sections.check_monitor(self)
        return self
