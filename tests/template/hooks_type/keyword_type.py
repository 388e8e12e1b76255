"""A task type of a team's own built on mtf's shared train and evaluate stages: does a text
mention one of ``preprocess.keywords``? A bag-of-characters classifier learns it.

What the type writes itself: its params, its model and metric, preprocess and dataset, a
``TrainPlan`` and an ``EvalPlan`` (``train_stage``/``evaluate_stage`` do threads, torchrun,
ensembles, checkpoints, dev.json, eval.json, plots), its predictor, its request and its template.
Loaded by naming this file in a task's ``task.code`` (or from a package's entry points).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import torch
from pydantic import BaseModel, Field
from torch import nn

from mtf_lib import registry
from mtf_lib.config import Section
from mtf_lib.data.padding import pad_batch
from mtf_lib.errors import InputError
from mtf_lib.inference import Predictor
from mtf_lib.inference.bundle import load_model_bundle, save_model_bundle
from mtf_lib.io import write_json
from mtf_lib.metrics.scores import Scores
from mtf_lib.tasks import sections
from mtf_lib.tasks.api import ApiSpec, Strict
from mtf_lib.tasks.base import TaskType
from mtf_lib.tasks.common import SPLITS, read_preprocessed, require_file, task_dir
from mtf_lib.tasks.evaluation import EvalPlan, evaluate_stage
from mtf_lib.tasks.fitting import Members, TrainPlan, train_stage
from mtf_lib.tasks.template import TaskTemplate

TYPE = "keyword"
LABELS = ("no", "yes")


# --- components: a model (its forward returns the loss when labels are given) and a metric ---
class CharBag(nn.Module):
    def __init__(self, buckets: int, dim: int) -> None:
        super().__init__()
        self.embed = nn.EmbeddingBag(buckets, dim, mode="mean", padding_idx=0)
        self.out = nn.Linear(dim, len(LABELS))

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        logits = self.out(self.embed(batch["ids"]))
        result = {"logits": logits}
        if "labels" in batch:
            result["loss"] = nn.functional.cross_entropy(logits, batch["labels"])
        return result


@registry.models("char_bag.v1", task_type=TYPE)
def char_bag(*, buckets: Annotated[int, Field(ge=2)] = 4096, dim: Annotated[int, Field(ge=1)] = 32) -> CharBag:
    """The mean of hashed character embeddings, then a linear layer."""
    return CharBag(buckets, dim)


@registry.metrics("keyword_accuracy.v1", task_type=TYPE, scores=("accuracy",))
def keyword_accuracy() -> Any:
    """Accuracy overall and per gold label."""

    def score(gold: list[str], predicted: list[str]) -> Scores:
        pairs = list(zip(gold, predicted, strict=True))
        groups = {
            label: {"accuracy": sum(p == g for g, p in pairs if g == label) / n, "support": n}
            for label in sorted(set(gold))
            if (n := sum(g == label for g in gold))
        }
        return Scores({"accuracy": sum(g == p for g, p in pairs) / max(1, len(pairs))}, groups)

    return score


# --- params: one group per stage; train and evaluate extend the shared sections -------------
class PreprocessParams(Section):
    train: str
    dev: str
    test: str
    keywords: list[str] = Field(min_length=1, description="a text is 'yes' when it holds one of these")


class TrainParams(sections.TrainParams):  # the Trainer's settings (epochs, lr, callbacks, ...)
    monitor: str = "accuracy"


class EvaluateParams(sections.TorchThreads):
    metric: registry.metrics.ref(task_type=TYPE) = "keyword_accuracy.v1"
    batch_size: int = Field(64, ge=1)


class KeywordParams(Section):
    task: sections.TaskParams
    fetch: sections.FetchParams = sections.FetchParams()
    preprocess: PreprocessParams
    model: registry.models.ref(task_type=TYPE)
    train: TrainParams = TrainParams()
    evaluate: EvaluateParams = EvaluateParams()

    @property
    def buckets(self) -> int:
        return self.model["buckets"]


def encode(text: str, buckets: int) -> list[int]:
    return [1 + ord(c) % (buckets - 1) for c in text] or [0]  # 0 is padding


def collate(items: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
    return pad_batch(items, "ids")


@torch.no_grad()
def classify(model: nn.Module, texts: list[str], buckets: int, batch_size: int) -> list[str]:
    model.eval()
    out: list[str] = []
    for start in range(0, len(texts), batch_size):
        batch = collate([{"ids": encode(t, buckets)} for t in texts[start : start + batch_size]])
        out += [LABELS[i] for i in model(batch)["logits"].argmax(1).tolist()]
    return out


# --- stages ------------------------------------------------------------------------------------
def preprocess(params: Any, paths: Any) -> dict[str, int]:
    paths.preprocessed.mkdir(parents=True, exist_ok=True)
    counts = {}
    for split in SPLITS:
        source = task_dir(params) / getattr(params.preprocess, split)
        require_file(source, f"preprocess.{split}")
        texts = [json.loads(line)["text"] for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
        if not texts:
            raise InputError(f"{source} holds no text")
        rows = [{"text": t, "label": LABELS[any(k in t for k in params.preprocess.keywords)]} for t in texts]
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (paths.preprocessed / f"{split}.jsonl").write_text(lines, encoding="utf-8")
        counts[split] = len(rows)
    return counts


def dataset(params: Any, paths: Any) -> dict[str, int]:
    paths.dataset.mkdir(parents=True, exist_ok=True)
    records = read_preprocessed(paths.preprocessed / "train.jsonl")
    rows = [{"ids": encode(r["text"], params.buckets), "labels": LABELS.index(r["label"])} for r in records]
    write_json(paths.dataset / "train.json", rows)
    return {"train": len(rows)}


def train_plan(params: Any, paths: Any) -> TrainPlan:
    """char_bag.v1 on the encoded train split; dev is scored through the same ``classify`` the predictor uses."""
    train_set = json.loads((paths.dataset / "train.json").read_text(encoding="utf-8"))
    dev = read_preprocessed(paths.preprocessed / "dev.jsonl")
    metric = registry.metrics.build(params.evaluate.metric)

    def score_dev(model: nn.Module) -> dict[str, float]:
        predicted = classify(model, [r["text"] for r in dev], params.buckets, params.evaluate.batch_size)
        return metric([r["label"] for r in dev], predicted).overall

    def save(fitted: Members, meta: dict[str, Any]) -> None:
        save_model_bundle(paths.bundle, TYPE, fitted.model, {}, meta)

    return TrainPlan(
        train_set,
        [len(row["ids"]) for row in train_set],
        lambda: registry.models.build(params.model),
        collate,
        score_dev,
        save,
        meta={"keywords": params.preprocess.keywords},
    )


def eval_plan(params: Any) -> EvalPlan:
    metric = registry.metrics.build(params.evaluate.metric)
    return EvalPlan(
        predict=lambda predictor, records: predictor.predict(
            [r["text"] for r in records], batch_size=params.evaluate.batch_size
        ),
        score=lambda records, outputs: metric([r["label"] for r in records], [o["label"] for o in outputs]),
        group="label",
        test_only="this type has no error analysis",
    )


# --- serving -----------------------------------------------------------------------------------
class KeywordPredictor(Predictor):
    def __init__(self, directory: Path, meta: dict[str, Any]) -> None:
        super().__init__(directory, meta)
        self.model, _, _ = load_model_bundle(directory, lambda settings, vocabs, meta: registry.models.build(settings))
        self.buckets = meta["model"]["buckets"]

    @property
    def labels(self) -> list[str]:
        return list(LABELS)

    def predict(self, texts: list[str], *, batch_size: int = 64) -> list[dict[str, str]]:
        return [{"label": label} for label in classify(self.model, list(texts), self.buckets, batch_size)]


class TextsRequest(Strict):
    texts: list[str] = Field(min_length=1, description="texts to check")

    def items(self) -> list[str]:
        return list(self.texts)

    def limited_texts(self) -> list[tuple[str, str]]:
        return [(f"texts.{n}", text) for n, text in enumerate(self.texts)]


class KeywordResult(BaseModel):
    label: str


HERE = Path(__file__).resolve().parent

registry.task_types.register(
    TYPE,
    TaskType(
        name=TYPE,
        description="Keyword presence from characters (a task type of our own, on the shared stages)",
        params=KeywordParams,
        stages={
            "preprocess": preprocess,
            "dataset": dataset,
            "train": train_stage(train_plan),
            "evaluate": evaluate_stage(eval_plan),
        },
        predictor=KeywordPredictor,
        api=ApiSpec(
            request=TextsRequest,
            result=KeywordResult,
            run=lambda predictor, request: predictor.predict(request.items()),
            form=lambda fields: {"texts": fields.get("texts", "").splitlines()},
            page=HERE / "keyword.html",
            example={"texts": ["The doctor is in.", "It rained all day."]},
        ),
        template=TaskTemplate(HERE / "template", smoke={"train": {"epochs": 3}}),
    ),
)
