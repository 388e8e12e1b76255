"""A task type from an installed plug-in package (entry points, group ``mtf.components``) with a
template of its own: cookiecutter offers it, generates its params, README, pipeline and sample
data from the package, the generated task's ``dvc repro`` and smoke test run, and ``mtf
components`` lists it. The package is made importable through PYTHONPATH with a dist-info
folder, which is how an installed distribution's entry points are found.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, VENV_BIN, run_env
from tests.conftest import run as run_command
from tests.template.baking import GIT_IDENTITY
from tests.template.test_user_task_type import PAGE, TASK_TYPE

# Slow (a plug-in task type run under dvc repro): `make test-all` and CI run it, `make test` does not.
pytestmark = pytest.mark.slow

PACKAGE = "mtf_plugin_lexicon"
TEMPLATE_CODE = """
from mtf_lib.tasks.template import TaskTemplate, TemplateOption


TEMPLATE = TaskTemplate(
    folder=Path(__file__).parent / "template",
    options={"smoothing": TemplateOption("1.0", ("0.5", "1.0"), "add-k smoothing of the counts")},
)
"""
PARAMS = """preprocess:
  train: data/sample/train.jsonl
  dev: data/sample/dev.jsonl
  test: data/sample/test.jsonl

train:
  smoothing: {{ smoothing }}   # add-k smoothing
"""
README = 'Your own data: one JSON object per line, `{"text": ..., "label": ...}` (smoothing {{ smoothing }}).\n'


def make_plugin(site: Path) -> None:
    package = site / PACKAGE
    (package / "template" / "sample").mkdir(parents=True)
    code = TASK_TYPE.replace("        api=ApiSpec(", "        template=TEMPLATE,\n        api=ApiSpec(")
    code = code.replace("registry.task_types.register(", TEMPLATE_CODE + "\n\nregistry.task_types.register(")
    (package / "__init__.py").write_text(code, encoding="utf-8")
    (package / "lexicon_page.html").write_text(PAGE, encoding="utf-8")
    (package / "template" / "params.yaml").write_text(PARAMS, encoding="utf-8")
    (package / "template" / "README.md").write_text(README, encoding="utf-8")
    for sample in (REPO / "mtf_lib" / "tasks" / "classification" / "template" / "sample").iterdir():
        shutil.copy(sample, package / "template" / "sample" / sample.name)
    info = site / f"{PACKAGE}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[mtf.components]\nlexicon = {PACKAGE}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    site = tmp_path_factory.mktemp("site")
    make_plugin(site)
    env = run_env()
    return {**GIT_IDENTITY, **env, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))}


def run(cmd: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return run_command(cmd, cwd, env=env, check=check)


def cookiecutter(out: Path, env: dict[str, str], *answers: str) -> subprocess.CompletedProcess:
    cmd = [str(VENV_BIN / "cookiecutter"), str(REPO), "--no-input", "-o", str(out), *answers]
    return run(cmd, out.parent, env, check=False)


def test_the_template_generates_a_plugin_task_type_that_runs(tmp_path: Path, env: dict[str, str]) -> None:
    out = tmp_path / "apps" / "demo_app"
    out.mkdir(parents=True)
    made = cookiecutter(out, env, "task_slug=phrases", "task_type=lexicon", "options=smoothing=0.5")
    assert made.returncode == 0, made.stderr
    task = out / "phrases"
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    assert params["task"] == {"name": "phrases", "type": "lexicon"} and params["train"] == {"smoothing": 0.5}
    assert "(smoothing 0.5)" in (task / "README.md").read_text(encoding="utf-8")
    assert set(yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]) == {
        "preprocess",
        "train",
        "evaluate",
    }
    assert sorted(p.name for p in (task / "data" / "sample").iterdir()) == ["dev.jsonl", "test.jsonl", "train.jsonl"]
    assert "OK (lexicon task 'phrases')" in run([str(VENV_BIN / "mtf"), "check"], task, env).stdout
    assert "lexicon" in run([str(VENV_BIN / "mtf"), "components", "task_types"], task, env).stdout
    run(["dvc", "repro"], task, env)
    assert json.loads((task / "metrics" / "eval.json").read_text(encoding="utf-8"))["test"]["accuracy"] > 0.6
    smoke = run([str(VENV_BIN / "pytest"), "-q", "-p", "no:cacheprovider", "tests"], task, env)
    assert "2 passed" in smoke.stdout


def test_the_plugin_type_options_are_checked(tmp_path: Path, env: dict[str, str]) -> None:
    out = tmp_path / "apps" / "demo_app"
    out.mkdir(parents=True)
    made = cookiecutter(out, env, "task_type=lexicon", "options=smoothing=7")
    assert made.returncode != 0
    assert "option smoothing='7' is not allowed: choose one of 0.5, 1.0" in made.stderr
    assert not list(out.iterdir())
