"""Knowledge-graph QA: question latency through the web app on the embedded backend, and graph
build time.

Build: the medical_kg task's build stage (ladybug, the 21-disease CSV and the dictionaries'
names) run ``--builds`` times in a scratch copy of the task; the best run counts. Latency:
gunicorn serves the repository's tasks on 127.0.0.1 (2 sync workers); after a warm-up, N
sequential POST /api/v1/demo_app/medical_kg/predict requests, one question each, cycling through
the task's test questions, are timed end to end. Targets on 2 CPU cores: p50 <= 10 ms, p99 <=
50 ms, every answer a 200; build <= 30 s.

Reads the task's built graph (run ``dvc repro apps/demo_app/medical_kg/dvc.yaml`` first).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, emit, machine
from _web import gunicorn, percentile, request

TASK = ROOT / "apps" / "demo_app" / "medical_kg"
PREDICT_PATH = "/api/v1/demo_app/medical_kg/predict"
P50_TARGET_MS, P99_TARGET_MS, BUILD_TARGET_S = 10.0, 50.0, 30.0


def build_seconds(runs: int) -> list[float]:
    """Wall seconds of the build stage (a fresh process each: imports included) in a scratch copy."""
    scratch = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        task = scratch / "task"
        task.mkdir()
        for name in ("params.yaml", "code", "resources"):
            source = TASK / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, task / name)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "mtf_lib.stage", "build"], cwd=task, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return times
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--builds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200 requests, one build")
    args = parser.parse_args()
    n, builds = (200, 1) if args.quick else (args.requests, args.builds)
    if not (TASK / "models" / "model" / "bundle.json").is_file():
        sys.exit("no medical_kg bundle: run `dvc repro apps/demo_app/medical_kg/dvc.yaml` first")
    questions = [json.loads(line)["question"] for line in (TASK / "data/questions/test.jsonl").open(encoding="utf-8")]
    built = build_seconds(builds)
    timings, failures = [], 0
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with gunicorn(tasks=str(TASK.relative_to(ROOT))) as port:
        for question in questions[:50]:
            request(port, "POST", PREDICT_PATH, {"questions": [question]})
        for i in range(n):
            start = time.perf_counter()
            status, _ = request(port, "POST", PREDICT_PATH, {"questions": [questions[i % len(questions)]]})
            timings.append(time.perf_counter() - start)
            failures += status != 200
    if failures:  # an error page's latency is no QA latency
        sys.exit(f"{failures} of {n} requests failed: the medical_kg task is not served")
    ms = sorted(t * 1000 for t in timings)
    p50, p99 = statistics.median(ms), percentile(ms, 99)
    emit(
        {
            "benchmark": "kg_qa",
            "metric": "QA latency p50 through the web app (ladybug), one question per request",
            "value": round(p50, 2),
            "unit": "ms",
            "target": f"p50 <= {P50_TARGET_MS} ms, p99 <= {P99_TARGET_MS} ms, build <= {BUILD_TARGET_S} s",
            "passed": p50 <= P50_TARGET_MS and p99 <= P99_TARGET_MS and not failures and min(built) <= BUILD_TARGET_S,
            "details": {
                "p50_ms": round(p50, 2),
                "p99_ms": round(p99, 2),
                "mean_ms": round(statistics.fmean(ms), 2),
                "requests": n,
                "failed_requests": failures,
                "build_seconds": [round(b, 2) for b in built],
                "machine": machine(),
            },
        }
    )


if __name__ == "__main__":
    main()
