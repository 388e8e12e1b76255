"""Bake tests (as cookiecutter-data-science does): every combination of options generates a
complete task with nothing left unrendered, valid YAML and params that ``mtf check`` accepts;
the flagship's answers give the root's stage scripts byte for byte; bad answers fail clearly
and leave nothing behind.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException

from mtf_lib import registry
from mtf_lib.cli import main as mtf
from mtf_lib.config import read_yaml
from mtf_lib.params import load_params
from mtf_lib.stage import StagePaths
from tests.conftest import REPO, VENV_BIN, make_task_copy
from tests.template.baking import COMBINATIONS, bake, run

SPLITS = ("train", "dev", "test")
UNRENDERED = ("{{", "}}", "{%", "%}", "{#", "#}")
# Not generated files: the repository the post-generation hook set up around the task.
SET_UP_BY_HOOK = (".git", ".dvc", ".dvcignore")


def generated_files(task: Path) -> list[Path]:
    return [p for p in sorted(task.rglob("*")) if p.is_file() and p.relative_to(task).parts[0] not in SET_UP_BY_HOOK]


@pytest.fixture(scope="module", params=COMBINATIONS, ids=[f"{t}-{o or 'no options'}" for t, o in COMBINATIONS])
def baked(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    task_type, options = request.param
    out = tmp_path_factory.mktemp("bake") / "apps" / "demo_app"
    task = bake(out, task_slug=f"{task_type}_task", task_type=task_type, options=options)
    return task, task_type, options


def test_generates_a_task_folder_shaped_like_the_root(baked: tuple[Path, str, str]) -> None:
    task, task_type, _ = baked
    assert task.name == f"{task_type}_task" and task.parent.name == "demo_app"
    names = {p.relative_to(task).as_posix() for p in generated_files(task)}
    expected = {"README.md", "dvc.yaml", "params.yaml", ".gitignore", f"tests/test_demo_app_{task_type}_task.py"}
    expected |= {"code/README.md"}  # where the task's own modules go (task.code)
    # No stage scripts: dvc.yaml runs `mtf stage <name>`.
    own = registry.task_types.get(task_type).template_spec().folder
    expected |= {f"data/sample/{p.name}" for p in (own / "sample").iterdir() if p.is_file()}
    assert names == expected  # the other task types' sample data sets are gone


def test_nothing_is_left_unrendered(baked: tuple[Path, str, str]) -> None:
    task, _, _ = baked
    for path in generated_files(task):
        text = path.read_text(encoding="utf-8")
        left = [mark for mark in UNRENDERED if mark in text]
        assert not left, f"{path.relative_to(task)} still holds {left}"
        assert "{{" not in path.name and "}}" not in path.name


def test_every_yaml_file_parses(baked: tuple[Path, str, str]) -> None:
    task, _, _ = baked
    yaml_files = [p for p in generated_files(task) if p.suffix in (".yaml", ".yml")]
    assert {p.name for p in yaml_files} == {"dvc.yaml", "params.yaml"}
    for path in yaml_files:
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict), path


def test_mtf_check_accepts_the_params(baked: tuple[Path, str, str], capsys: pytest.CaptureFixture) -> None:
    task, task_type, options = baked
    assert mtf(["check", str(task / "params.yaml")]) == 0, capsys.readouterr().err
    params = read_yaml(task / "params.yaml")
    assert params["task"] == {"name": f"{task_type}_task", "type": task_type}
    assert params["fetch"] == {"dataset": None}
    if "preprocess" in params:  # a type without one (kg_qa) names its sample files in its own groups
        assert [params["preprocess"][split] for split in SPLITS] == [f"data/sample/{s}.jsonl" for s in SPLITS]
    # The rest is the task type's registered template, rendered with the options given.
    spec = registry.task_types.get(task_type).template_spec()
    groups = yaml.safe_load(spec.render("params.yaml", spec.option_values(options, task_type)))
    assert {k: v for k, v in params.items() if k not in ("task", "fetch")} == groups


def test_an_option_reaches_the_params(tmp_path: Path) -> None:
    task = bake(tmp_path, task_type="tagging", options="tag_scheme=BMES")
    preprocess = read_yaml(task / "params.yaml")["preprocess"]
    assert preprocess["input_scheme"] == preprocess["scheme"] == "BMES"
    assert "tags (BMES;" in (task / "README.md").read_text(encoding="utf-8")


def test_pipeline_has_no_fetch_stage_and_takes_data_files_from_params(baked: tuple[Path, str, str]) -> None:
    task, task_type, _ = baked
    stages = yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    # Nothing to fetch: the sample data are in the task. The type's own stages, in its order,
    # but teacher (a stage a distilling task adds: README).
    assert list(stages) == [s for s in registry.task_types.get(task_type).stages if s != "teacher"]
    for name, stage in stages.items():
        assert stage["cmd"] == f"mtf stage {name}"
        # Outside an mtf checkout the library is an installed package: no paths into it.
        assert not [d for d in stage["deps"] if "mtf_lib" in d]
    if "preprocess" in stages:
        assert {"${preprocess.train}", "${preprocess.dev}", "${preprocess.test}"} <= set(stages["preprocess"]["deps"])
    assert mtf(["pipeline", "--check", str(task)]) == 0  # what the hook wrote is what the type declares


def test_sample_data_set_is_read_by_the_preprocess_stage(baked: tuple[Path, str, str], tmp_path: Path) -> None:
    task, task_type, _ = baked
    if "preprocess" not in registry.task_types.get(task_type).stages:
        pytest.skip(f"{task_type} has no preprocess stage: test_generated_repro runs its whole pipeline")
    params = load_params(task / "params.yaml")
    out = tmp_path / "preprocessed"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(task)
        registry.task_types.get(task_type).stage("preprocess")(params, StagePaths(preprocessed=out))
    counts = {s: len((out / f"{s}.jsonl").read_text(encoding="utf-8").splitlines()) for s in SPLITS}
    assert all(counts.values()) and sum(counts.values()) >= 60, counts


def test_the_outside_of_any_repository_gets_git_and_dvc(baked: tuple[Path, str, str]) -> None:
    task, _, _ = baked
    assert (task / ".git").is_dir() and (task / ".dvc").is_dir()
    # dvclive (in the train stage) needs a commit to exist: the hook made the first one.
    assert run(["git", "log", "--oneline"], task).stdout.strip()


# --- the flagship's answers: no drift between the root task and the template --------------------

FLAGSHIP = {"task_slug": "ner", "task_type": "tagging", "options": "tag_scheme=BIOES", "description": "Chinese NER"}


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bake(tmp_path_factory.mktemp("flagship"), **FLAGSHIP)


def test_flagship_answers_give_the_root_params_keys(flagship: Path) -> None:
    root = read_yaml(REPO / "params.yaml")
    generated = read_yaml(flagship / "params.yaml")
    assert {group: sorted(keys) for group, keys in generated.items()} == {
        group: sorted(keys) for group, keys in root.items()
    }, "the template's tagging params.yaml and the root's have different keys: update the template"


def test_flagship_answers_give_the_root_stage_definitions(tmp_path: Path) -> None:
    """Same commands, params, outputs, metrics, plots and library deps per stage, for a task
    generated inside an mtf checkout; only the data deps differ (the root fetches its data)."""
    checkout = make_task_copy(tmp_path / "checkout", {})
    task = bake(checkout / "apps" / "demo_app", **FLAGSHIP)
    root = yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    generated = yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert list(root) == ["fetch", *generated]
    for name, stage in generated.items():
        for key in ("cmd", "params", "outs", "metrics", "plots"):
            assert stage.get(key) == root[name].get(key), f"{name}.{key} differs from the root's dvc.yaml"
        library = [d.removeprefix("../../../") for d in stage["deps"] if d.startswith("../../../mtf_lib/")]
        assert library == [d for d in root[name]["deps"] if d.startswith("mtf_lib/")], name


# --- bad answers ----------------------------------------------------------------------------------

BAD_ANSWERS = [
    ({"task_slug": "my task!"}, "task_slug 'my task!' is not a valid slug"),
    ({"task_slug": "1st_task"}, "task_slug '1st_task' is not a valid slug"),
    ({"task_slug": "MyTask"}, "task_slug 'MyTask' is not a valid slug"),
    ({"task_slug": "class"}, "task_slug 'class' is not a valid slug"),
    ({"task_slug": "it's"}, 'task_slug "it\'s" is not a valid slug'),
    ({"app_slug": "my-app"}, "app_slug 'my-app' is not a valid slug"),
    ({"task_type": "tagging", "options": "tag_scheme=IOB2"}, "option tag_scheme='IOB2' is not allowed: choose one of"),
    ({"task_type": "tagging", "options": "scheme"}, "options item 'scheme' is not name=value"),
    ({"task_type": "classification", "options": "tag_scheme=BIO"}, "task type 'classification' has no option"),
    ({"task_type": "nonsense"}, "task_type 'nonsense' is not a registered task type: choose one of"),
    ({"description": 'two\nlines with "quotes"'}, "must be one non-empty line"),
]


@pytest.mark.parametrize(("answers", "message"), BAD_ANSWERS, ids=[str(a) for a, _ in BAD_ANSWERS])
def test_bad_answers_fail_clearly_and_leave_nothing(
    answers: dict[str, str], message: str, tmp_path: Path, capfd: pytest.CaptureFixture
) -> None:
    out = tmp_path / "apps" / "demo_app"
    with pytest.raises(FailedHookException):
        bake(out, **answers)
    assert message in capfd.readouterr().err
    assert not out.exists() or not list(out.iterdir()), "a failed generation left files behind"


def test_an_app_slug_unlike_the_output_folder_is_noted(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    bake(tmp_path / "apps" / "shop", task_slug="reviews")
    assert "note: app_slug is 'demo_app'" in capfd.readouterr().out
    bake(tmp_path / "apps" / "demo_app", task_slug="reviews")
    assert "note:" not in capfd.readouterr().out


def test_command_line_reports_a_bad_slug_and_exits_1(tmp_path: Path) -> None:
    out = tmp_path / "apps" / "demo_app"
    cmd = [str(VENV_BIN / "cookiecutter"), str(REPO), "--no-input", "-o", str(out), "task_slug=my task!"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "error: task_slug 'my task!' is not a valid slug" in result.stderr
    assert not (out / "my task!").exists()


def test_generated_inside_a_repository_it_joins_its_dvc_project(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    run(["git", "init", "-q"], repo)
    run(["dvc", "init", "-q"], repo)
    task = bake(repo / "apps" / "demo_app", task_slug="inner")
    assert not (task / ".git").exists() and not (task / ".dvc").exists()
    assert Path(run(["dvc", "root"], task).stdout.strip()) == Path("../../..")
