"""What the task template generates for a tagging task: this folder's params.yaml, README.md and sample/."""

from __future__ import annotations

from pathlib import Path

from mtf_lib.tasks.template import TaskTemplate, TemplateOption
from mtf_lib.text.schemes import SCHEMES

TEMPLATE = TaskTemplate(
    folder=Path(__file__).parent,
    options={"tag_scheme": TemplateOption("BIOES", SCHEMES, "the sample's tags and the model's")},
    smoke={"preprocess": {"limit": 64}, "train": {"epochs": 2}},
)
