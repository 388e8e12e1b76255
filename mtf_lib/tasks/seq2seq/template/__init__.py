"""What the task template generates for a seq2seq task: this folder's params.yaml, README.md
and sample/ (its pipeline, declared in ../pipeline.py: train reads dev's references, evaluate
writes sample translations)."""

from __future__ import annotations

from pathlib import Path

from mtf_lib.tasks.template import TaskTemplate

TEMPLATE = TaskTemplate(
    folder=Path(__file__).parent,
    smoke={
        "preprocess": {"limit": 400, "dev_size": 0.1, "test_size": 0.1},
        "train": {"epochs": 2},
        "evaluate": {"beam": 2},
    },
)
