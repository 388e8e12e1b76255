"""The stages most task types share, declared once: fetch and crawl (every type), and the
preprocess → dataset → [own stages] → train → evaluate pipeline of a type that trains a model.

A task type's declaration calls ``trained_model_pipeline`` with what its own stages read beyond
the usual (the pair-scoring target, seq2seq's decoding settings, ...), or writes its stages whole
(kg_qa). A type that declares nothing gets ``trained_model_pipeline`` as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mtf_lib.pipeline.declare import PATHS, Output, StageDecl, interpolated, kept, value_of

SPLIT_FILES = ("preprocess.train", "preprocess.dev", "preprocess.test")
ERRORS = PATHS.metrics / "errors.json"  # written by a type with an error analysis (TaskType.errors)
EVALUATED = (PATHS.metrics / "eval_groups.json", ERRORS, PATHS.metrics / "model_card.md")
# The shared train stage scores dev from its raw texts through the type's Predictor, as evaluate scores test.
DEV = f"{PATHS.preprocessed}/dev.jsonl"


def acquire_stages(params: Any) -> list[StageDecl]:
    """fetch (when ``fetch.dataset`` names a data set) and crawl (when the task has a ``crawl`` group)."""
    stages = []
    dataset = value_of(params, "fetch.dataset")
    if dataset:
        # Not in DVC's cache: a data set is fetched from its source or the mirror on each machine,
        # never stored or pushed as a copy of its own.
        fetched = Output(f"{PATHS.datasets}/{dataset}", cache=False, note="fetched on each machine, not cached")
        stages.append(StageDecl("fetch", params=("fetch",), outs=(fetched,)))
    if value_of(params, "crawl") is not None:
        outs = (Output(str(PATHS.raw)), Output(str(PATHS.crawl_job), persist=True, note="resumable (Ctrl-C, kill)"))
        stages.append(StageDecl("crawl", params=("crawl",), outs=outs))
    return stages


def code_deps(params: Any) -> list[str]:
    """The task's own modules: its code/ folder and the ``task.code`` entries outside it."""
    folder = params.task.folder
    deps = ["code  # the task's own modules (task.code in params.yaml)"] if (folder / "code").is_dir() else []
    return deps + [entry for entry in params.task.code if not entry.startswith("code/")]


def evaluate_outs(*own: Output, errors: bool = True) -> tuple[Output, ...]:
    """What every evaluate stage writes (per-group scores, the error analysis where the type has
    one, the model card, eval.json) and ``own``."""
    written = [path for path in EVALUATED if errors or path != ERRORS]
    return (*(kept(path) for path in written), *own, kept(PATHS.metrics / "eval.json", "metrics"))


def has_error_analysis(params: Any) -> bool:
    """Whether the task's type analyses its errors (its evaluate stage writes metrics/errors.json)."""
    from mtf_lib import registry

    return registry.task_types.get(params.task.type).errors is not None


def trained_model_pipeline(
    params: Any,
    *,
    target: Sequence[str] = (),
    own_stages: Sequence[StageDecl] = (),
    train_deps: Sequence[str] = (),
    train_params: Sequence[str] = (),
    evaluate_deps: Sequence[str] = (),
    evaluate_params: Sequence[str] = (),
    evaluate_own: Sequence[Output] = (),
) -> list[StageDecl]:
    """``target``: params keys every stage after preprocess reads (how a label is encoded);
    ``own_stages``: the type's stages between dataset and train; the rest: what its train and
    evaluate read or write beyond the usual."""
    code = code_deps(params)
    distill = value_of(params, "distill") is not None
    preprocessed, dataset = str(PATHS.preprocessed), str(PATHS.dataset)
    stages = acquire_stages(params)
    stages.append(
        StageDecl(
            "preprocess",
            deps=(*code, *interpolated(params, SPLIT_FILES)),
            params=("task.type", "preprocess"),
            outs=(Output(preprocessed),),
        )
    )
    stages.append(
        StageDecl(
            "dataset", deps=(*code, preprocessed), params=("task.type", *target, "dataset"), outs=(Output(dataset),)
        )
    )
    stages += own_stages
    if distill:
        stages.append(teacher_stage(params, code))
    stages.append(
        StageDecl(
            "train",
            deps=(
                *code,
                f"{DEV}  # dev is scored from raw text, as evaluate scores test",
                *train_deps,
                dataset,
                *([str(PATHS.teacher)] if distill else []),
                *pretrained_deps(params),
            ),
            params=(
                "task.type",
                *target,
                "model",
                "train",
                "evaluate.metric  # dev scores pick the kept epoch",
                *train_params,
                *(("distill",) if distill else ()),
            ),
            outs=(
                Output(str(PATHS.checkpoints), persist=True, note="resume after a crash or kill"),
                Output(str(PATHS.bundle), persist=True),
                kept(PATHS.live / "run.json", note="the train stage's time and machine (for the model card)"),
                kept(PATHS.live / "metrics.json", "metrics"),
                kept(PATHS.dev_metrics, "metrics", note="the kept model's dev scores"),
                kept(PATHS.live / "plots" / "metrics", "plots", x="step"),
            ),
        )
    )
    curves = str(PATHS.live / "plots" / "metrics")
    stages.append(
        StageDecl(
            "evaluate",
            # The split files too: the model card records their sha256.
            deps=(
                *code,
                str(PATHS.bundle),
                f"{preprocessed}/test.jsonl",
                *evaluate_deps,
                curves,
                *interpolated(params, SPLIT_FILES),
            ),
            params=("task.type", *target, *evaluate_params, "evaluate"),
            outs=(
                *evaluate_outs(*evaluate_own, errors=has_error_analysis(params)),
                kept(PATHS.metrics / "plots", "plots"),
            ),
        )
    )
    return stages


def pretrained_deps(params: Any) -> list[str]:
    """A pretrained encoder's folder (``model.encoder.pretrained``) when it is a path of the task:
    a new download or fine-tuned encoder there retrains; a hub id or installed package (pinned by
    its version) is no file dep."""
    from mtf_lib.encoders.pretrained import is_task_folder

    pretrained = value_of(params, "model.encoder.pretrained")
    local = isinstance(pretrained, str) and is_task_folder(pretrained)  # the validation's rule
    return interpolated(params, ["model.encoder.pretrained"]) if local else []


def teacher_stage(params: Any, code: Sequence[str]) -> StageDecl:
    """Distillation: a trained teacher's soft targets on the train split (and unlabeled text)."""
    return StageDecl(
        "teacher",
        deps=(
            *code,
            str(PATHS.preprocessed),
            f"{PATHS.dataset}/vocab",
            *interpolated(params, ("distill.teacher", "distill.unlabeled")),
        ),
        params=("task.type", "distill.teacher", "distill.temperature", "distill.unlabeled"),
        outs=(Output(str(PATHS.teacher)),),
    )
