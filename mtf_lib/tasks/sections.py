"""Params sections every task type shares (torch-free: validation must stay fast)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, PrivateAttr

from mtf_lib import registry
from mtf_lib.config import Section

PositiveInt = Annotated[int, Field(ge=1)]


def _thread_count(value: Any) -> int | str:
    """Strict like every setting (``true`` and ``"2"`` are refused), with one message for both forms."""
    if value == "auto" or (type(value) is int and value >= 1):
        return value
    raise ValueError(f"expected a positive integer or 'auto' (got {value!r})")


ThreadCount = Annotated[int | Literal["auto"], PlainValidator(_thread_count)]


class TaskParams(Section):
    name: str = Field(min_length=1, description="the task's name (the web app serves it as <app>/<name>)")
    type: str = Field(description="a registered task type (mtf components task_types)")
    code: list[str] = Field(
        default_factory=list, description="the task's own Python files (relative to its folder), imported first"
    )
    _folder: Path = PrivateAttr(default_factory=Path)  # where params.yaml lies: task.code is relative to it

    @property
    def folder(self) -> Path:
        return self._folder


class FetchParams(Section):
    dataset: str | None = Field(None, description="data set to download (mtf_lib.assets); null: own files")


# How a setting counts in the run hash (a checkpoint made with other values is not resumed), marked
# on its field: every setting counts, but one that changes where or how fast a run happens, not
# what it learns (NOT_SHAPING), and one added after runs were made whose default keeps the earlier
# behaviour (SHAPING_WHEN_SET: counted only when set away from its default, so earlier checkpoints
# stay resumable). mtf_lib.tasks.common.run_hash reads the marks from the schema.
NOT_SHAPING: dict[str, Any] = {"run_hash": "never"}
SHAPING_WHEN_SET: dict[str, Any] = {"run_hash": "when_set"}

# preprocess's process pool (its output is the same whatever the count), and a smoke run's slice.
Workers = Annotated[int, Field(ge=0, description="0: one per CPU", json_schema_extra=NOT_SHAPING)]
Limit = Annotated[int, Field(ge=0, description="the first N examples of each split (smoke runs); 0: all")]


class TorchThreads(Section):
    """The ``threads`` setting of a group whose stage runs torch (train, evaluate): applied by
    ``mtf_lib.training.threads.set_threads`` when the stage starts."""

    threads: ThreadCount = Field(
        "auto",
        description="torch CPU threads; auto: the CPUs this process may use (OMP_NUM_THREADS if set)",
        json_schema_extra=NOT_SHAPING,  # float sums differ with the count, as across devices
    )


class TrainParams(TorchThreads):
    """Settings of the task-independent Trainer. ``monitor`` is a score of the task's
    ``evaluate.metric`` (checked by ``check_monitor``)."""

    seed: int = 42
    device: Literal["auto", "cpu", "cuda", "mps"] = Field("auto", json_schema_extra=NOT_SHAPING)  # a run may move
    epochs: PositiveInt = 30
    batch_size: PositiveInt = 32
    lr: Annotated[float, Field(gt=0, le=10)] = 1e-3
    optimizer: registry.optimizers.ref() = Field("adam.v1", description="a name, or {name, its settings}")
    weight_decay: Annotated[float, Field(ge=0)] = 0.0
    scheduler: registry.schedulers.ref() = "linear.v1"
    warmup_ratio: Annotated[float, Field(ge=0, lt=1)] = 0.0
    grad_accum: PositiveInt = 1
    clip_norm: Annotated[float, Field(ge=0, description="0: no clipping")] = 5.0
    amp: Literal["none", "bf16", "fp16"] = "none"
    monitor: str = Field("f1", description="the dev score that picks the kept epoch: one of evaluate.metric's scores")
    ema_decay: Annotated[
        float, Field(ge=0, lt=1, description="0: off; else dev scores and the saved model use the weights' EMA")
    ] = 0.0
    callbacks: list[registry.callbacks.ref()] = Field(
        ["early_stopping.v1", "dvclive.v1"],
        description="names, or {name, its settings}: {name: early_stopping.v1, patience: 8}",
    )
    ensemble: Annotated[
        int,
        Field(ge=1, le=16, description="models trained with seeds seed, seed+1, ...; served as one model"),
    ] = 1
    fast_dev_run: Annotated[
        int,
        Field(
            ge=0,
            description="N > 0: one epoch of N batches and one dev evaluation, a smoke run of the whole "
            "pipeline in seconds (the model is not for use); 0: off",
            json_schema_extra=SHAPING_WHEN_SET,
        ),
    ] = 0
    eval_every: Annotated[
        int,
        Field(
            ge=0,
            description="score dev and checkpoint every N optimizer steps (long epochs); 0: per epoch",
            json_schema_extra=SHAPING_WHEN_SET,
        ),
    ] = 0

    moved = {
        "patience": "is now the early_stopping.v1 callback's own setting: remove it and write "
        "callbacks: [{{name: early_stopping.v1, patience: {value}}}, dvclive.v1]"
    }


class EvaluateParams(TorchThreads):
    """What every type's evaluate group holds besides its ``metric`` (a name or {name, its
    settings}: the type's own field, with its default)."""

    batch_size: PositiveInt = Field(64, json_schema_extra=NOT_SHAPING)  # test-time batching


METRIC_HELP = "a name or {name, its settings}: scores dev in training (train.monitor is one of its scores) and test"


class DistillParams(Section):
    """Distillation into this task's model from a trained teacher (the ``teacher`` stage's soft
    targets): the student's loss is (1 - alpha) * gold + alpha * T² * KL(teacher ‖ student)."""

    teacher: str = Field(min_length=1, description="the teacher's bundle folder, relative to the task folder")
    alpha: Annotated[float, Field(ge=0, le=1, description="weight of the teacher's term; 0: gold labels only")] = 0.5
    temperature: Annotated[float, Field(gt=0, le=20, description="softens both distributions (T > 1)")] = 2.0
    unlabeled: str | None = Field(
        None,
        description="a UTF-8 file of raw sentences, one per line, relative to the task folder: the teacher "
        "labels them and the student learns its soft targets there too (no gold loss); `mtf pipeline` "
        "makes it a dep of the teacher stage",
        json_schema_extra=SHAPING_WHEN_SET,
    )


def monitor_maximized(params: Any) -> bool:
    """Whether a higher ``train.monitor`` is better: a metric names its lower-is-better scores
    (a loss, an RMSE) in its ``minimize`` tag."""
    from mtf_lib import registry

    return params.train.monitor not in registry.metrics.tags(metric_name(params)).get("minimize", ())


def metric_name(params: Any) -> str:
    """The name of ``evaluate.metric``: a resolved section, or a bare name where a plug-in type
    declares the field with ``registry.metrics.name_of``."""
    metric = params.evaluate.metric
    return metric if isinstance(metric, str) else metric["name"]


def check_monitor(params: Any) -> None:
    """``train.monitor`` must be a score that ``evaluate.metric`` reports (raise ValueError)."""
    from mtf_lib.metrics.scores import metric_scores

    name = metric_name(params)
    scores = metric_scores(name)
    if params.train.monitor not in scores:
        raise ValueError(
            f"train.monitor: {params.train.monitor!r} is not a score of evaluate.metric "
            f"{name!r}; choose one of: {', '.join(scores)}"
        )
