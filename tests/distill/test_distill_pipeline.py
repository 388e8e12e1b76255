"""Distillation in DVC pipelines: a generated task trains as the teacher, a second generated task
of the same type adds the teacher stage to its dvc.yaml and a distill section to its params, and
`dvc repro` computes the soft targets once (cached: a changed student setting re-runs train only)
and trains the student on them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from mtf_lib import registry
from tests.conftest import VENV_BIN, make_task_copy
from tests.template.baking import TASK_TYPES, bake, run

# Slow: a teacher and a student trained under dvc repro per type.
# `make test-all` and CI run it, `make test` does not.
pytestmark = pytest.mark.slow

# The task types that have a teacher stage (distillation).
TEACHING = [t for t in TASK_TYPES if "teacher" in registry.task_types.get(t).stages]


@pytest.fixture(scope="module", params=TEACHING)
def student(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_task_copy(tmp_path_factory.mktemp(f"repo_{request.param}"), {})
    teacher = bake(repo / "apps" / "demo_app", task_slug="teacher", task_type=request.param)
    run(["dvc", "repro", "dvc.yaml"], teacher)
    task = bake(repo / "apps" / "demo_app", task_slug="student", task_type=request.param)
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["distill"] = {"teacher": "../teacher/models/model", "alpha": 0.5, "temperature": 2.0}
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run([str(VENV_BIN / "mtf"), "pipeline"], task)  # the distill group adds the teacher stage
    teacher = yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]["teacher"]
    assert "${distill.teacher}" in teacher["deps"]  # the teacher's bundle: retrained teacher, new targets
    assert "distill.alpha" not in teacher["params"]  # alpha is the student's: a change re-runs train only
    return task


def test_the_student_trains_on_the_teachers_soft_targets(student: Path) -> None:
    out = run(["dvc", "repro", "dvc.yaml"], student).stdout
    assert "Running stage 'teacher'" in out
    summary = json.loads(next(line for line in out.splitlines() if line.startswith("teacher: "))[len("teacher: ") :])
    assert summary["teacher_train_accuracy"] > 0.5, summary  # the teacher learnt its train split
    assert (student / "data" / "teacher" / "soft_targets.npz").is_file()
    scores = json.loads((student / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert max(scores["test"].values()) > 0
    bundle = json.loads((student / "models" / "model" / "bundle.json").read_text(encoding="utf-8"))
    assert bundle["params"]["distill"]["alpha"] == 0.5
    # A student setting re-runs train, not the teacher stage.
    params = yaml.safe_load((student / "params.yaml").read_text(encoding="utf-8"))
    params["distill"]["alpha"] = 0.8
    (student / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    status = json.loads(run(["dvc", "status", "--json", "dvc.yaml"], student).stdout)
    assert "train" in status and "teacher" not in status, status


def test_the_teacher_labels_unlabeled_sentences_for_the_student(student: Path) -> None:
    texts = [json.loads(line)["text"] for line in (student / "data/preprocessed/test.jsonl").open(encoding="utf-8")]
    texts = [t.strip() for t in texts[:20] if t.strip()]
    (student / "unlabeled.txt").write_text("\n".join(["", *texts, "   "]) + "\n", encoding="utf-8")
    params = yaml.safe_load((student / "params.yaml").read_text(encoding="utf-8"))
    params["distill"]["unlabeled"] = "unlabeled.txt"
    (student / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run([str(VENV_BIN / "mtf"), "pipeline"], student)
    teacher = yaml.safe_load((student / "dvc.yaml").read_text(encoding="utf-8"))["stages"]["teacher"]
    assert "${distill.unlabeled}" in teacher["deps"] and "distill.unlabeled" in teacher["params"]

    out = run(["dvc", "repro", "dvc.yaml"], student).stdout
    assert "Running stage 'teacher'" in out and "Running stage 'train'" in out
    summary = json.loads(next(line for line in out.splitlines() if line.startswith("teacher: "))[len("teacher: ") :])
    assert summary["unlabeled"] == len(texts), summary  # blank lines skipped
    silver = [json.loads(line) for line in (student / "data/teacher/unlabeled.jsonl").open(encoding="utf-8")]
    assert [r["text"] for r in silver] == texts
    labels = json.loads((student / "data/dataset/vocab/labels.json").read_text(encoding="utf-8"))
    names = labels["tokens"] if isinstance(labels, dict) else labels
    for record in silver:  # the teacher's labels, in the student's label set
        assert set(np.atleast_1d(record.get("tags", record.get("label")))) <= set(names)
    assert run(["dvc", "status", "dvc.yaml"], student).stdout.strip().endswith("up to date.")

    (student / "unlabeled.txt").unlink()
    failed = run(["python", "-m", "mtf_lib.stage", "teacher"], student, check=False)
    assert failed.returncode == 3 and "unlabeled.txt not found" in failed.stderr, failed.stderr
    assert (student / "data/teacher/soft_targets.npz").is_file()  # a refused run loses nothing
