"""Start-up time: wall time of ``mtf --help`` and ``mtf stage train --help``.

Both are what a user (and every DVC stage) pays before any work starts; they must not import
torch or other heavy modules. Each command runs as a fresh subprocess from the repo root,
once untimed (to warm the file cache), then N times; the median counts. Target: <= 0.5 s each.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import ROOT, emit, machine, median

TARGET_S = 0.5


def mtf_executable() -> str:
    """The ``mtf`` script beside this interpreter (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "mtf"
    if beside.is_file():
        return str(beside)
    found = shutil.which("mtf")
    if found is None:
        raise SystemExit("mtf is not installed: run `make install`")
    return found


def wall_times(cmd: list[str], runs: int) -> list[float]:
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)  # warm-up, not counted
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def run(quick: bool, runs: int | None) -> dict[str, Any]:
    runs = runs or (3 if quick else 7)
    commands = {
        "mtf --help": [mtf_executable(), "--help"],
        "mtf stage train --help": [mtf_executable(), "stage", "train", "--help"],
    }
    measured = {name: wall_times(cmd, runs) for name, cmd in commands.items()}
    medians = {name: median(times) for name, times in measured.items()}
    worst = max(medians.values())
    return {
        "benchmark": "startup",
        "metric": "slowest median wall time of `mtf --help` and `mtf stage train --help` (s)",
        "value": round(worst, 3),
        "unit": "s",
        "target": f"<= {TARGET_S} s",
        "passed": worst <= TARGET_S,
        "quick": quick,
        "details": {
            "runs": runs,
            "median_s": {name: round(v, 3) for name, v in medians.items()},
            "all_s": {name: [round(t, 3) for t in times] for name, times in measured.items()},
            "machine": machine(),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs of each command instead of 7")
    parser.add_argument("--runs", type=int, help="timed runs per command (default 7; quick 3)")
    args = parser.parse_args()
    emit(run(args.quick, args.runs))


if __name__ == "__main__":
    main()
