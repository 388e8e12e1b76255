"""What the task template generates for a classification task: this folder's params.yaml, README.md and sample/."""

from __future__ import annotations

from pathlib import Path

from mtf_lib.tasks.template import TaskTemplate

TEMPLATE = TaskTemplate(
    folder=Path(__file__).parent,
    smoke={"preprocess": {"limit": 64}, "train": {"epochs": 2}},
)
