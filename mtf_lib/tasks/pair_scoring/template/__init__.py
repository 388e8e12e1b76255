"""What the task template generates for a pair-scoring task: this folder's params.yaml,
README.md and sample/ (its pipeline, with a baseline stage, is declared in ../pipeline.py)."""

from __future__ import annotations

from pathlib import Path

from mtf_lib.tasks.template import TaskTemplate

TEMPLATE = TaskTemplate(
    folder=Path(__file__).parent,
    smoke={"preprocess": {"limit": 40}, "train": {"epochs": 2}},
)
