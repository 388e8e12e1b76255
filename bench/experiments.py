"""Experiments dashboard: page time with 50 DVC experiments of a generated task.

Set-up (a few minutes on 2 cores): a classification task generated from this repository's
template into a fresh git + DVC repository, its first ``dvc repro`` committed (2 epochs), then
25 finished experiments (``dvc exp run -S train.lr=...`` in the workspace, each a real train +
evaluate run) and 25 queued ones (one ``dvc exp run --queue`` grid). Timed in-process through
the Flask test client, GET /tasks/demo_app/topics/experiments:

- first: a fresh app with DVC's own experiment cache (.dvc/tmp/exps/cache) empty, as after the runs;
- cold: a fresh app each time (a restarted server), DVC's cache filled by the first read;
- warm: the same app again and again (the repository unchanged: the dashboard's cache answers).

Targets on 2 CPU cores: warm p50 <= 20 ms and p99 <= 50 ms, cold p50 <= 2 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import ROOT, emit, machine, median
from _web import percentile
from dvc_noop import set_params

PAGE = "/tasks/demo_app/topics/experiments"
WARM_P50_MS, WARM_P99_MS, COLD_P50_S = 20.0, 50.0, 2.0
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "mtf-bench", "GIT_AUTHOR_EMAIL": "bench@localhost"}


def environment() -> dict[str, str]:
    env = dict(os.environ, DVC_NO_ANALYTICS="1", OMP_NUM_THREADS="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # dvc.yaml calls `python`
    for name, value in GIT_IDENTITY.items():
        env.setdefault(name, value)
        env.setdefault(name.replace("AUTHOR", "COMMITTER"), value)
    return env


def sh(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, env=environment(), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{done.stdout}\n{done.stderr}")


def make_repository(repo: Path, finished: int, queued: int) -> Path:
    """The repository with ``finished`` run and ``queued`` queued experiments; the task folder."""
    from cookiecutter.main import cookiecutter

    repo.mkdir(parents=True)
    for cmd in (["git", "init", "-q"], ["dvc", "init", "-q"], ["git", "commit", "-qm", "init"]):
        sh(cmd, repo)
    context = {"task_slug": "topics", "task_type": "classification"}
    out = repo / "apps" / "demo_app"
    task = Path(cookiecutter(str(ROOT), no_input=True, output_dir=str(out), extra_context=context))
    set_params(task / "params.yaml", {("train", "epochs"): 2})
    sh(["dvc", "repro"], task)
    sh(["git", "add", "-A"], repo)
    sh(["git", "commit", "-qm", "the topics task, 2 epochs"], repo)
    for n in range(finished):
        sh(["dvc", "exp", "run", "-n", f"run-{n:02d}", "-S", f"train.lr={0.001 * (n + 1):.3f}"], task)
    grid = ",".join(f"{0.1 + 0.001 * n:.3f}" for n in range(queued))
    sh(["dvc", "exp", "run", "--queue", "-S", f"train.lr={grid}"], task)
    return task


def timed_get(client: Any) -> float:
    start = time.perf_counter()
    response = client.get(PAGE)
    seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"GET {PAGE}: {response.status_code}\n{response.get_data(as_text=True)[:2000]}")
    return seconds


def run(quick: bool, cold_runs: int, warm_runs: int) -> dict[str, Any]:
    finished, queued = (3, 3) if quick else (25, 25)
    with tempfile.TemporaryDirectory(prefix="mtf-bench-exps-") as tmp:
        repo = Path(tmp) / "repo"
        start = time.perf_counter()
        make_repository(repo, finished, queued)
        setup_s = time.perf_counter() - start
        from web import create_app

        first_s = timed_get(create_app(root=repo).test_client())
        cold = [timed_get(create_app(root=repo).test_client()) for _ in range(cold_runs)]
        client = create_app(root=repo).test_client()
        timed_get(client)
        warm = [timed_get(client) for _ in range(warm_runs)]
        rows = client.get("/api/v1/demo_app/topics/experiments").get_json()["experiments"]
    states = {state: sum(r["state"] == state for r in rows) for state in ("finished", "queued", "baseline")}
    value = {
        "warm_p50_ms": round(percentile(warm, 50) * 1000, 2),
        "warm_p99_ms": round(percentile(warm, 99) * 1000, 2),
        "cold_p50_ms": round(median(cold) * 1000, 1),
        "cold_p99_ms": round(percentile(cold, 99) * 1000, 1),
    }
    passed = (
        value["warm_p50_ms"] <= WARM_P50_MS
        and value["warm_p99_ms"] <= WARM_P99_MS
        and value["cold_p50_ms"] <= COLD_P50_S * 1000
        and states["finished"] == finished
        and states["queued"] == queued
    )
    return {
        "benchmark": "experiments",
        "metric": f"experiments page of a task with {finished} finished + {queued} queued DVC experiments: "
        "warm (cached) and cold (fresh app) latency, in-process",
        "value": value,
        "unit": "",
        "target": f"warm p50 <= {WARM_P50_MS} ms, p99 <= {WARM_P99_MS} ms; cold p50 <= {COLD_P50_S} s",
        "passed": passed,
        "quick": quick,
        "details": {
            "rows": len(rows),
            "states": states,
            "first_read_ms": round(first_s * 1000, 1),
            "cold_runs": cold_runs,
            "warm_runs": warm_runs,
            "cold_ms": [round(s * 1000, 1) for s in cold],
            "setup_s": round(setup_s, 1),
            "machine": machine(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 finished + 3 queued experiments, fewer timings")
    parser.add_argument("--cold", type=int, help="cold page views (default 10; quick 3)")
    parser.add_argument("--warm", type=int, help="warm page views (default 300; quick 30)")
    args = parser.parse_args()
    cold = args.cold or (3 if args.quick else 10)
    warm = args.warm or (30 if args.quick else 300)
    emit(run(args.quick, cold, warm))


if __name__ == "__main__":
    main()
