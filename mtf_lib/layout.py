"""Where the stages of a task read and write, relative to the task folder: one place for every
path, read by the stages, the declared pipelines (dvc.yaml's deps and outs) and the stage
runner's command-line flags."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class StagePaths:
    """Where the stages of a task read and write, relative to the task folder (dvc.yaml's outs)."""

    datasets: Path = Path("resources/datasets")  # fetched data sets
    preprocessed: Path = Path("data/preprocessed")  # preprocess → <split>.jsonl
    dataset: Path = Path("data/dataset")  # vocabularies and encoded splits
    checkpoints: Path = Path("models/checkpoints")
    bundle: Path = Path("models/model")
    live: Path = Path("metrics/train")  # per-epoch curves (dvclive)
    dev_metrics: Path = Path("metrics/dev.json")  # the kept model's dev scores
    teacher: Path = Path("data/teacher")  # a teacher's soft targets (distillation)
    metrics: Path = Path("metrics")  # eval.json, its per-group breakdown, plots
    raw: Path = Path("data/raw")  # a crawl's items (items.jsonl)
    crawl_job: Path = Path("data/crawl_job")  # a crawl's resumable state (persist: true)
    progress: bool = True  # progress bars (on a terminal)


HELP = {
    "datasets": "folder of fetched data sets",
    "preprocessed": "preprocessed splits (<split>.jsonl)",
    "dataset": "vocabularies and encoded splits",
    "checkpoints": "training checkpoints (resume)",
    "bundle": "the trained model's bundle",
    "live": "per-epoch training curves",
    "dev_metrics": "the kept model's dev scores (JSON)",
    "teacher": "a teacher's soft targets (distillation)",
    "metrics": "metrics folder (eval.json, plots)",
    "raw": "folder of the crawled items (items.jsonl)",
    "crawl_job": "the crawl's resumable job folder",
}
