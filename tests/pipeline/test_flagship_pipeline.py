"""End to end: the flagship DVC pipeline on a small slice of Resume NER, in a temporary copy.

Also: every stage's deps cover the mtf_lib files it runs (measured); kill-and-resume (SIGKILL
mid-training, ``dvc repro`` again, same metrics); a 2-process DDP run on the gloo backend.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from mtf_lib.metrics.scores import rounded
from tests.conftest import REPO, SMALL_RUN, make_task_copy, run, run_env, set_params
from tests.stage_imports import missing_deps, trace_env


@pytest.fixture(scope="module")
def import_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mtf_lib modules each stage of the flagship fixture's run loaded."""
    return tmp_path_factory.mktemp("trace") / "imports.jsonl"


@pytest.fixture(scope="module")
def flagship(tmp_path_factory: pytest.TempPathFactory, import_log: Path) -> Path:
    task = make_task_copy(tmp_path_factory.mktemp("flagship"), SMALL_RUN)
    run(["dvc", "repro"], task, env=trace_env(import_log, run_env()))
    return task


def test_every_stage_lists_the_library_files_it_runs(flagship: Path, import_log: Path) -> None:
    missing = {stage: files for stage, files in missing_deps(flagship, import_log, flagship).items() if files}
    assert not missing, f"dvc.yaml: stages run mtf_lib files their deps do not list: {missing}"
    # The deps are computed (`mtf pipeline`), at the grain of library folders: a screenful a stage.
    stages = yaml.safe_load((REPO / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    for name, stage in stages.items():
        assert len([d for d in stage["deps"] if d.startswith("mtf_lib")]) <= 30, name


# A resume sentence like those of the training split: even the small slice's model finds entities.
KNOWN_TEXT = "张伟，男，1970年出生，汉族，本科学历，现任北京华为技术有限公司总经理。"


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_repro_writes_metrics_bundle_and_plots(flagship: Path) -> None:
    scores = read_json(flagship / "metrics" / "eval.json")
    assert scores["examples"] == SMALL_RUN["preprocess.limit"]
    assert 0.0 < scores["test"]["f1"] <= 1.0  # three epochs on 120 sentences already find entities
    groups = read_json(flagship / "metrics" / "eval_groups.json")
    assert groups["group"] == "entity type"
    assert set(groups["groups"]) <= {"NAME", "CONT", "RACE", "TITLE", "EDU", "ORG", "PRO", "LOC"}
    assert (flagship / "models" / "model" / "model.safetensors").is_file()
    for png in ("per_group_f1.png", "training_curves.png"):
        assert (flagship / "metrics" / "plots" / png).read_bytes().startswith(b"\x89PNG")
    shown = run(["dvc", "metrics", "show", "--json"], flagship).stdout
    assert '"f1"' in shown and "eval.json" in shown
    train_log = read_json(flagship / "metrics" / "train" / "metrics.json")
    assert train_log["step"] == SMALL_RUN["train.epochs"]
    # The kept ensemble's dev scores, as its bundle holds them, with each member's best epoch.
    dev = read_json(flagship / "metrics" / "dev.json")
    bundle = read_json(flagship / "models" / "model" / "bundle.json")
    assert {k: dev[k] for k in ("f1", "precision", "recall")} == rounded(bundle["dev_metrics"])
    assert bundle["best_epoch"] is None and "best_epoch" not in dev
    seeds = [f"seed{bundle['params']['train']['seed'] + k}" for k in range(SMALL_RUN["train.ensemble"])]
    assert [f"seed{m['seed']}" for m in bundle["members"]] == seeds
    assert all(1 <= m["best_epoch"] <= SMALL_RUN["train.epochs"] for m in bundle["members"])
    assert set(dev) == {"f1", "precision", "recall"}  # flat and narrow: dvc exp show lists it
    assert "dev.json" in shown and "eval_groups.json" not in shown


def test_a_pulled_clone_is_up_to_date_and_serves_the_model(flagship: Path, tmp_path: Path) -> None:
    """repro → push → fresh clone → pull: the checkpoints come with the model (cached), so nothing
    is retrained; the data set is not in the cache (it is fetched on each machine, never pushed as
    a copy), so the clone's repro runs fetch alone, and the web app serves the pulled bundle."""
    remote = tmp_path / "remote"
    run(["dvc", "remote", "add", "-d", "--local", "store", str(remote)], flagship)
    run(["dvc", "push"], flagship)
    run(["git", "add", "-A"], flagship)
    run(["git", "-c", "user.name=test", "-c", "user.email=test@localhost", "commit", "-qm", "run"], flagship)
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(flagship), str(clone)], tmp_path)
    run(["dvc", "remote", "add", "-d", "--local", "store", str(remote)], clone)
    run(["dvc", "pull"], clone)
    assert (clone / "models" / "checkpoints" / "member1" / "last.ckpt").is_file()
    assert not _holds_a_data_set(remote, flagship)
    assert json.loads(run(["dvc", "status", "--json"], clone).stdout)["fetch"] == [
        {"changed outs": {"resources/datasets/resume_ner": "deleted"}}
    ]
    ran = run(["dvc", "repro"], clone).stdout
    assert [line for line in ran.splitlines() if line.startswith("Running stage")] == ["Running stage 'fetch':"]
    assert json.loads(run(["dvc", "status", "--json"], clone).stdout) == {}

    from web import create_app

    client = create_app(root=clone, tasks=(".",)).test_client()
    answer = client.post("/api/v1/flagship/ner/predict", json={"texts": [KNOWN_TEXT]})
    assert answer.status_code == 200, answer.get_json()
    [entities] = [r["entities"] for r in answer.get_json()["results"]]
    assert entities and all(KNOWN_TEXT[e["start"] : e["end"]] == e["text"] for e in entities)


def _holds_a_data_set(remote: Path, task: Path) -> bool:
    """Whether the DVC remote holds a copy of one of the fetched data set's files."""
    import hashlib

    stored = {path.parent.name + path.name for path in (remote / "files" / "md5").rglob("*") if path.is_file()}
    files = (task / "resources" / "datasets" / "resume_ner").glob("*")
    return any(hashlib.md5(f.read_bytes()).hexdigest() in stored for f in files)


def test_unchanged_pipeline_is_skipped(flagship: Path) -> None:
    out = run(["dvc", "repro"], flagship).stdout
    assert "up to date" in out or "didn't change" in out
    assert "Running stage" not in out


def test_train_param_change_invalidates_only_training(flagship: Path) -> None:
    params = flagship / "params.yaml"
    original = params.read_text(encoding="utf-8")
    try:
        set_params(params, {"train.lr": 0.02})
        status = json.loads(run(["dvc", "status", "--json"], flagship).stdout)
        assert set(status) == {"train"}
    finally:
        params.write_text(original, encoding="utf-8")


def outputs_of_a_run(task: Path) -> dict[str, bytes]:
    """Every file the train and evaluate stages write (checkpoints aside), with its bytes."""
    files = [*(task / "models" / "model").rglob("*"), *(task / "metrics").rglob("*")]
    return {str(f.relative_to(task)): f.read_bytes() for f in files if f.is_file()}


@pytest.mark.parametrize("bad", [{"train.lr": -1.0}, {"evaluate.batch_size": 0}])
def test_a_bad_param_fails_the_run_and_keeps_the_last_outputs(flagship: Path, bad: dict[str, float]) -> None:
    params = flagship / "params.yaml"
    original = params.read_text(encoding="utf-8")
    before = outputs_of_a_run(flagship)
    assert "models/model/model.safetensors" in before and "metrics/dev.json" in before
    try:
        set_params(params, bad)
        failed = subprocess.run(["dvc", "repro"], cwd=flagship, env=run_env(), capture_output=True, text=True)
        assert failed.returncode != 0
        assert next(iter(bad)) in failed.stdout + failed.stderr  # the stage's message names the key
        assert outputs_of_a_run(flagship) == before  # DVC removed nothing (persist), the stage wrote nothing
    finally:
        params.write_text(original, encoding="utf-8")
    assert "Running stage" not in run(["dvc", "repro"], flagship).stdout


def test_predictor_loads_the_bundle(flagship: Path) -> None:
    from mtf_lib.inference import Predictor

    predictor = Predictor.load(flagship / "models" / "model")
    text = KNOWN_TEXT
    [entities] = predictor.predict([text])
    assert entities, "the model found no entity in a sentence shaped like its training data"
    for entity in entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]
        assert entity["type"] in {"NAME", "CONT", "RACE", "TITLE", "EDU", "ORG", "PRO", "LOC"}
    # A text longer than the window goes through overlapping windows and keeps its offsets.
    predictor.window, predictor.overlap = 16, 4
    long_text = text * 3
    [long_entities] = predictor.predict([long_text])
    assert len(long_entities) >= len(entities)
    for entity in long_entities:
        assert long_text[entity["start"] : entity["end"]] == entity["text"]
    assert predictor.predict([""]) == [[]]


@pytest.mark.slow
def test_sigkill_mid_training_then_repro_resumes_to_same_metrics(flagship: Path, tmp_path: Path) -> None:
    task = make_task_copy(tmp_path / "killed", SMALL_RUN)
    run(["dvc", "repro", "dataset"], task)
    # Killed inside the second member: the first is finished, the second resumes mid-way.
    checkpoint = task / "models" / "checkpoints" / "member1" / "last.ckpt"
    proc = subprocess.Popen(
        ["dvc", "repro"],
        cwd=task,
        env=run_env(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while not checkpoint.exists():
        assert proc.poll() is None, "training ended before its first checkpoint"
        assert time.monotonic() < deadline, "no checkpoint written in time"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (task / "metrics" / "eval.json").exists(), "the run finished before it was killed"

    resumed = run(["dvc", "repro"], task)
    assert "resumed from" in resumed.stderr + resumed.stdout
    for name in ("eval.json", "train/metrics.json"):
        assert read_json(task / "metrics" / name) == read_json(flagship / "metrics" / name)


@pytest.mark.slow
def test_checkpoint_with_other_params_is_not_resumed(flagship: Path, tmp_path: Path) -> None:
    ckpt = tmp_path / "ckpt"
    args = [
        "-m",
        "mtf_lib.stage",
        "train",
        "--no-progress",
        *("--checkpoints", str(ckpt), "--bundle", str(tmp_path / "m")),
        *("--live", str(tmp_path / "live"), "--dev-metrics", str(tmp_path / "dev.json")),
    ]
    run([sys.executable, *args], flagship)
    params = flagship / "params.yaml"
    original = params.read_text(encoding="utf-8")
    try:
        set_params(params, {"train.lr": 0.02})
        again = run([sys.executable, *args], flagship)
    finally:
        params.write_text(original, encoding="utf-8")
    assert "different params" in again.stderr and "starting fresh" in again.stderr
    assert "resumed from" not in again.stderr


@pytest.mark.slow
def test_two_process_ddp_on_gloo(flagship: Path, tmp_path: Path) -> None:
    result = run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc-per-node",
            "2",
            "-m",
            "mtf_lib.stage",
            "train",
            "--no-progress",
            "--checkpoints",
            str(tmp_path / "ckpt"),
            "--bundle",
            str(tmp_path / "model"),
            "--live",
            str(tmp_path / "live"),
            "--dev-metrics",
            str(tmp_path / "dev.json"),
        ],
        flagship,
    )
    log = result.stdout + result.stderr
    # Logging and checkpoints come from rank 0 only: each member reports each epoch once.
    members = SMALL_RUN["train.ensemble"]
    for epoch in range(1, SMALL_RUN["train.epochs"] + 1):
        assert log.count(f"epoch {epoch}: train_loss") == members
    for k in range(members):
        assert (tmp_path / "ckpt" / f"member{k}" / "last.ckpt").is_file()
    assert (tmp_path / "model" / "bundle.json").is_file()
    assert read_json(tmp_path / "live" / "metrics.json")["step"] == SMALL_RUN["train.epochs"]
    assert log.count("train: {") == 1  # the dev scores, written by rank 0 alone
    assert 0.0 <= read_json(tmp_path / "dev.json")["f1"] <= 1.0
