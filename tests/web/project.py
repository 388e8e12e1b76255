"""A small project for the web tests: tasks generated from the template, trained in-process on
its sample data (seconds), laid out as the web app expects.

    <root>/                      tagging task (the root task: app "flagship", task "ner")
    <root>/apps/demo_app/topics  classification task, trained
    <root>/apps/demo_app/pending tagging task, not trained
    <root>/apps/demo_app/broken  a bundle whose weights are missing
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from mtf_lib.params import load_params
from tests.conftest import torch_threads
from tests.stages import paths_under, run_stages
from tests.template.baking import bake

# A sentence of the tagging sample's training split: the tiny model has learnt its entities.
KNOWN_SENTENCE = "张伟毕业于北京大学，现任华为公司工程师。"


@dataclass
class WebProject:
    root: Path

    @property
    def apps(self) -> Path:
        return self.root / "apps" / "demo_app"


def train_task(task_dir: Path) -> None:
    """preprocess → dataset → train → evaluate, as the stage scripts run them, without DVC."""
    with contextlib.chdir(task_dir), torch_threads(1):
        run_stages(load_params("params.yaml"), paths_under(Path(".")))


def build_web_project(base: Path) -> WebProject:
    root = bake(base, task_slug="ner", task_type="tagging")
    project = WebProject(root)
    topics = bake(project.apps, task_slug="topics", task_type="classification")
    bake(project.apps, task_slug="pending", task_type="tagging")
    broken = bake(project.apps, task_slug="broken", task_type="tagging")
    train_task(root)
    train_task(topics)
    shutil.copytree(root / "models" / "model", broken / "models" / "model")
    (broken / "models" / "model" / "model.safetensors").unlink()
    return project
