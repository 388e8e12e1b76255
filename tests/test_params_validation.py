"""Bad params files are refused before any work, with one message naming each key path.

Every case is the flagship params.yaml with one small edit. Each file is checked by the real
``mtf check`` command and a subset by a real stage script, all in subprocesses. The subprocesses
(about 1.5 s each, mostly importing torch) run in parallel from one module-scoped fixture.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import run as run_command

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "params.yaml"
BIN = Path(sys.executable).parent
MTF = str(BIN / "mtf")
PYTHON = sys.executable
BAD_PARAMS = 2

# An edit changes the loaded params in place; one that returns a value replaces the whole document.
Edit = Callable[[dict[str, Any]], Any]


def set_(section: str, key: str, value: Any) -> Edit:
    return lambda params: params[section].__setitem__(key, value)


def drop(section: str, key: str) -> Edit:
    def edit(params: dict[str, Any]) -> None:
        del params[section][key]

    return edit


def rename(section: str | None, old: str, new: str) -> Edit:
    def edit(params: dict[str, Any]) -> None:
        group = params if section is None else params[section]
        group[new] = group.pop(old)

    return edit


def as_list(params: dict[str, Any]) -> list[Any]:
    """Return a replacement document: the whole file wrapped in a list."""
    return [params]


LR_TEXT = next(line for line in FLAGSHIP.read_text(encoding="utf-8").splitlines() if line.startswith("  lr: "))
LR_LINE = FLAGSHIP.read_text(encoding="utf-8").splitlines().index(LR_TEXT) + 1


def break_syntax(text: str) -> str:
    """An unclosed flow sequence: ``lr: [<value>``."""
    return text.replace(LR_TEXT + "\n", LR_TEXT.replace("lr: ", "lr: [") + "\n")


def latin1(text: str) -> bytes:
    """The flagship file saved in Latin-1 with one accented character."""
    return text.replace("name: ner", "name: nér").encode("latin-1")


class Case:
    def __init__(
        self,
        id: str,
        edit: Edit | None = None,
        key: str | None = None,
        hints: tuple[str, ...] = (),
        text: Callable[[str], str | bytes] | None = None,
        marks: Any = (),
    ) -> None:
        self.id, self.edit, self.key, self.hints, self.text, self.marks = id, edit, key, hints, text, marks

    def write(self, path: Path) -> None:
        raw = FLAGSHIP.read_text(encoding="utf-8")
        if self.text is not None:
            content = self.text(raw)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            return
        params = copy.deepcopy(yaml.safe_load(raw))
        replaced = self.edit(params)
        document = replaced if replaced is not None else params
        path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


CASES = [
    # unknown keys, with did-you-mean
    Case("top-level-typo", rename(None, "train", "trian"), "trian", ("unknown key", "did you mean 'train'?")),
    Case("train.lrr", rename("train", "lr", "lrr"), "train.lrr", ("unknown key", "did you mean 'lr'?")),
    Case("model.hiden", rename("model", "hidden", "hiden"), "model.hiden", ("unknown key", "did you mean 'hidden'?")),
    # wrong types
    Case("train.epochs-str", set_("train", "epochs", "ten"), "train.epochs", ("valid integer", "'ten'")),
    Case("train.lr-str", set_("train", "lr", "fast"), "train.lr", ("valid number", "'fast'")),
    Case("preprocess.normalize-list", set_("preprocess", "normalize", [1]), "preprocess.normalize", ("boolean",)),
    # out of range
    Case("train.lr-negative", set_("train", "lr", -1), "train.lr", ("greater than 0", "-1")),
    Case("model.dropout", set_("model", "dropout", 1.5), "model.dropout", ("less than 1", "1.5")),
    Case("train.epochs-zero", set_("train", "epochs", 0), "train.epochs", ("greater than or equal to 1",)),
    Case("train.warmup_ratio", set_("train", "warmup_ratio", 1), "train.warmup_ratio", ("less than 1",)),
    Case(
        "preprocess.workers", set_("preprocess", "workers", -2), "preprocess.workers", ("greater than or equal to 0",)
    ),
    # unknown component names: the message lists the registered ones
    Case(
        "model.name-other-task-type",
        set_("model", "name", "textcnn.v1"),
        "model.name",
        ("'textcnn.v1' is a classification model", "a tagging task needs one of: bert_tagger.v1, bilstm_crf.v1"),
    ),
    Case("train.ensemble-zero", set_("train", "ensemble", 0), "train.ensemble", ("greater than or equal to 1",)),
    Case(
        "model.name",
        set_("model", "name", "bilstm_crff.v1"),
        "model.name",
        ("unknown model", "'bilstm_crff.v1'", "did you mean 'bilstm_crf.v1'?", "registered: ", "bilstm_crf.v1"),
    ),
    Case(
        "train.optimizer",
        set_("train", "optimizer", "adamm.v1"),
        "train.optimizer",
        ("unknown optimizer", "did you mean 'adam.v1'?", "adam.v1", "adamw.v1", "sgd.v1"),
    ),
    Case(
        "train.scheduler",
        set_("train", "scheduler", "nope.v1"),
        "train.scheduler",
        ("unknown scheduler", "'nope.v1'", "constant.v1", "cosine.v1", "linear.v1"),
    ),
    Case(
        "train.callbacks",
        set_("train", "callbacks", ["nope.v1"]),
        "train.callbacks",
        ("unknown callback", "'nope.v1'", "dvclive.v1", "early_stopping.v1"),
    ),
    Case(
        "evaluate.metric",
        set_("evaluate", "metric", "x.v1"),
        "evaluate.metric",
        ("unknown metric", "'x.v1'", "entity_f1.v1", "token_accuracy.v1"),
    ),
    Case(
        "model.head",
        set_("model", "head", "crf.v9"),
        "model.head",
        ("unknown loss", "'crf.v9'", "crf_nll.v1", "token_cross_entropy.v1"),
    ),
    # bad enum values: the valid choices are listed
    Case(
        "preprocess.scheme",
        set_("preprocess", "scheme", "IOB3"),
        "preprocess.scheme",
        ("'IOB3'", "BIO", "BIOES", "BMES"),
    ),
    Case("train.amp", set_("train", "amp", "fp8"), "train.amp", ("'fp8'", "'none'", "'bf16'", "'fp16'")),
    Case("train.device", set_("train", "device", "tpu"), "train.device", ("'tpu'", "'auto'", "'cpu'", "'cuda'")),
    # missing required keys
    Case("preprocess.train-missing", drop("preprocess", "train"), "preprocess.train", ("required", "missing")),
    Case("model.name-missing", drop("model", "name"), "model.name", ("required", "missing", "bilstm_crf.v1")),
    # task type, file shape, syntax
    Case(
        "task.type",
        set_("task", "type", "translation"),
        "task.type",
        ("must be one of", "tagging", "'translation'"),
    ),
    Case("not-a-mapping", as_list, None, ("top level must be a mapping",)),
    Case("invalid-yaml", text=break_syntax, hints=("not valid YAML", f"line {LR_LINE}")),
]
# Beyond the table above; checked in-process through the same ``mtf check`` entry point
# (``mtf_lib.cli.main``) to keep the number of torch-importing subprocesses down.
EXTRA_CASES = [
    Case("model.vocabs-positional", set_("model", "vocabs", "x"), "model.vocabs", ("unknown key", "hidden")),
    Case("model.hidden-str", set_("model", "hidden", "big"), "model.hidden", ("valid integer", "'big'")),
    Case("train-not-mapping", lambda p: p.__setitem__("train", 5), "train", ("valid dictionary",)),
    Case(
        "train.epochs-bool",
        set_("train", "epochs", True),
        "train.epochs",
        ("integer",),
    ),
    Case(
        "not-utf8",
        text=latin1,
        hints=("params.yaml", "UTF-8"),
    ),
    # a key in the wrong place says where it belongs
    Case(
        "train.momentum-misplaced",
        set_("train", "momentum", 0.9),
        "train.momentum",
        ("'momentum' is a setting of sgd.v1 in train.optimizer (this task's: adam.v1)",),
    ),
    Case(
        "train.dropout-misplaced",
        set_("train", "dropout", 0.1),
        "train.dropout",
        (
            "'dropout' is a setting of bilstm_crf.v1, this task's model: give it there "
            "({name: bilstm_crf.v1, dropout: …})",
        ),
    ),
    Case(
        "train.optimizer.lr-misplaced",
        set_("train", "optimizer", {"name": "sgd.v1", "lr": 0.1}),
        "train.optimizer.lr",
        ("'lr' belongs in train.lr",),
    ),
    Case("train.softword-misplaced", set_("train", "softword", True), "train.softword", ("preprocess.softword",)),
    Case(
        "evaluate.patience-misplaced",
        set_("evaluate", "patience", 2),
        "evaluate.patience",
        ("a setting of early_stopping.v1, this task's train.callbacks: give it there",),
    ),
]
BY_ID = {case.id: case for case in CASES + EXTRA_CASES}

# Run through a real stage script as well: one of each family.
STAGE_CASES = ["train.lrr", "model.hiden", "train.optimizer", "task.type", "invalid-yaml"]

MULTI_EDITS: list[Edit] = [
    rename("train", "lr", "lrr"),
    rename("model", "hidden", "hiden"),
    set_("preprocess", "scheme", "IOB3"),
    set_("train", "optimizer", "adamm.v1"),
    set_("model", "dropout", 1.5),
]
MULTI_KEYS = ["train.lrr", "model.hiden", "preprocess.scheme", "train.optimizer", "model.dropout"]


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_command(cmd, cwd, timeout=300, check=False)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[str, str], tuple[Path, Any]]]:
    """Write every bad file and start every subprocess at once; values are (folder, future)."""
    jobs: dict[tuple[str, str], tuple[Path, list[str]]] = {}
    for case in CASES:
        folder = tmp_path_factory.mktemp(f"check-{case.id}")
        case.write(folder / "params.yaml")
        jobs["check", case.id] = (folder, [MTF, "check", str(folder / "params.yaml")])
    for case_id in STAGE_CASES:
        folder = tmp_path_factory.mktemp(f"stage-{case_id}")
        BY_ID[case_id].write(folder / "params.yaml")
        command = [
            PYTHON,
            "-m",
            "mtf_lib.stage",
            "preprocess",
            "--params",
            str(folder / "params.yaml"),
            "--preprocessed",
            str(folder / "out"),
        ]
        jobs["stage", case_id] = (folder, command)
    valid = tmp_path_factory.mktemp("valid")
    jobs["check", "valid"] = (valid, [MTF, "check", str(FLAGSHIP)])

    pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2))
    yield {key: (folder, pool.submit(run, cmd, folder)) for key, (folder, cmd) in jobs.items()}
    pool.shutdown(wait=True, cancel_futures=True)


def result(runs: dict, kind: str, case_id: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder, future = runs[kind, case_id]
    return folder, future.result()


def check_in_process(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> subprocess.CompletedProcess[str]:
    """``mtf check path`` through ``mtf_lib.cli.main``, from the file's folder."""
    from mtf_lib import cli

    monkeypatch.chdir(path.parent)
    code = cli.main(["check", str(path)])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["mtf", "check", str(path)], code, out, err)


def assert_refused(proc: subprocess.CompletedProcess[str], case: Case) -> None:
    message = proc.stderr
    assert "Traceback" not in message, message
    assert proc.returncode == BAD_PARAMS, (proc.returncode, message)
    assert message.startswith("error: "), message
    if case.key is not None:
        assert case.key in message, message
    for hint in case.hints:
        assert hint in message, f"{hint!r} not in:\n{message}"


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_mtf_check_refuses_bad_params(runs: dict, case: Case) -> None:
    _, proc = result(runs, "check", case.id)
    assert_refused(proc, case)
    assert proc.stdout == ""


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in EXTRA_CASES])
def test_check_refuses_more_bad_params(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    case.write(tmp_path / "params.yaml")
    assert_refused(check_in_process(tmp_path / "params.yaml", monkeypatch, capsys), case)


@pytest.mark.parametrize("case_id", STAGE_CASES)
def test_stage_refuses_bad_params_before_writing(runs: dict, case_id: str) -> None:
    folder, proc = result(runs, "stage", case_id)
    assert_refused(proc, BY_ID[case_id])
    assert proc.stdout == ""
    assert not (folder / "out").exists()
    assert sorted(os.listdir(folder)) == ["params.yaml"]  # nothing else written either


def test_every_problem_is_reported_in_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    params = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))
    for edit in MULTI_EDITS:
        edit(params)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True), encoding="utf-8")

    proc = check_in_process(path, monkeypatch, capsys)
    assert proc.returncode == BAD_PARAMS, proc.stderr
    assert proc.stderr.count("error:") == 1, proc.stderr
    assert f"invalid params ({len(MULTI_KEYS)} problems)" in proc.stderr, proc.stderr
    for key in MULTI_KEYS:
        assert f"  - {key}:" in proc.stderr, f"{key} not reported:\n{proc.stderr}"


def test_one_bad_component_name_is_one_problem(runs: dict) -> None:
    _, proc = result(runs, "check", "model.name")
    assert proc.returncode == BAD_PARAMS
    assert "(1 problem):" in proc.stderr, proc.stderr
    assert proc.stderr.count("model.name:") == 1, proc.stderr


def test_flagship_params_pass(runs: dict) -> None:
    _, proc = result(runs, "check", "valid")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "OK" in proc.stdout
    assert "'ner'" in proc.stdout
