"""No-op ``dvc repro``: wall time of a repro when nothing changed.

This is the price of every ``dvc repro`` / ``make demo`` that finds the pipeline up to date: DVC
loads dvc.yaml, hashes every dep and out and compares with dvc.lock. The pipeline runs in a
temporary copy of the repo (the git-tracked files, a fresh ``git init`` and commit) with tiny
params (preprocess.limit=100, train.epochs=1, model.hidden=16) and the data copied from
``$MTF_DATA_MIRROR``; one ``dvc repro`` builds everything, then ``dvc repro`` is timed N times
(median) and its output must say that nothing changed. Target: <= 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, data_mirror, emit, machine, median

TARGET_S = 1.5
TINY = {("preprocess", "limit"): 100, ("train", "epochs"): 1, ("model", "hidden"): 16}
UP_TO_DATE = "Data and pipelines are up to date"


def copy_repo(dest: Path) -> None:
    """The git-tracked files of the checkout, committed in a fresh repository at ``dest``."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True)
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    set_params(dest / "params.yaml", TINY)
    git = ["git", "-c", "user.name=mtf-bench", "-c", "user.email=bench@localhost", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=dest, check=True)
    subprocess.run([*git, "add", "-A"], cwd=dest, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "benchmark copy"], cwd=dest, check=True)


def set_params(path: Path, values: dict[tuple[str, str], Any]) -> None:
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for (group, key), value in values.items():
        data[group][key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def dvc_env(repo: Path, mirror: str, threads: int | None) -> dict[str, str]:
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")  # `python` in the stage commands: this venv's
    env["PYTHONPATH"] = str(repo)  # the copy's mtf_lib, not an editable install of the checkout
    env["MTF_DATA_MIRROR"] = mirror
    env["DVC_NO_ANALYTICS"] = "1"
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    return env


def dvc_repro(repo: Path, env: dict[str, str]) -> tuple[float, str]:
    dvc = Path(sys.executable).parent / "dvc"
    start = time.perf_counter()
    done = subprocess.run([str(dvc), "repro"], cwd=repo, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    output = done.stdout + done.stderr
    if done.returncode != 0:
        raise SystemExit(f"dvc repro failed (exit {done.returncode}) in {repo}:\n{output}")
    return seconds, output


def nothing_ran(output: str, stages: list[str]) -> bool:
    """DVC's own words for 'nothing changed': the summary line, or every stage skipped."""
    if UP_TO_DATE in output:
        return True
    return all(f"Stage '{s}' didn't change" in output for s in stages) and "Running stage" not in output


def run(quick: bool, runs: int | None, threads: int | None) -> dict[str, Any]:
    import yaml

    runs = runs or (1 if quick else 3)
    mirror = data_mirror()
    if mirror is None:
        raise SystemExit("set MTF_DATA_MIRROR to a folder holding resume_ner/ (e.g. ../shared/datasets)")
    stages = list(yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"])
    with tempfile.TemporaryDirectory(prefix="mtf-bench-dvc-") as tmp:
        repo = Path(tmp) / "repo"
        copy_repo(repo)
        env = dvc_env(repo, mirror, threads)
        build_s, build_out = dvc_repro(repo, env)
        if not all(f"Running stage '{s}'" in build_out for s in stages):
            raise SystemExit(f"the first dvc repro did not run every stage:\n{build_out}")
        times, outputs = [], []
        for _ in range(runs):
            seconds, output = dvc_repro(repo, env)
            times.append(seconds)
            outputs.append(output)
    up_to_date = all(nothing_ran(out, stages) for out in outputs)
    value = median(times)
    return {
        "benchmark": "dvc_noop",
        "metric": "`dvc repro` with nothing changed, median wall time (s)",
        "value": round(value, 3),
        "unit": "s",
        "target": f"<= {TARGET_S} s",
        "passed": value <= TARGET_S and up_to_date,
        "quick": quick,
        "details": {
            "runs": runs,
            "all_s": [round(t, 3) for t in times],
            "up_to_date": up_to_date,
            "build_repro_s": round(build_s, 1),
            "stages": stages,
            "params": {f"{g}.{k}": v for (g, k), v in TINY.items()},
            "noop_output": outputs[-1].strip().splitlines()[-len(stages) - 1 :],
            "machine": machine(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 timed no-op run instead of 3")
    parser.add_argument("--runs", type=int, help="timed no-op runs (default 3; quick 1)")
    parser.add_argument("--threads", type=int, help="OMP_NUM_THREADS for the stages of the build run (default: unset)")
    args = parser.parse_args()
    result = run(args.quick, args.runs, args.threads)
    emit(result)
    if not result["details"]["up_to_date"]:
        raise SystemExit("dvc repro re-ran stages although nothing changed")


if __name__ == "__main__":
    main()
