"""The scale benchmark's quick mode runs end to end (its numbers are measured by `make bench`,
never asserted here): every stage ran, each with a peak memory and the limits beside it."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_the_scale_benchmark_runs_in_quick_mode() -> None:
    done = subprocess.run(
        [sys.executable, "bench/scale.py", "--quick"], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    (row,) = result["details"]["sizes"]
    assert row["train_sentences"] > 3000
    for stage in ("preprocess", "dataset", "train"):
        assert row[stage]["peak_rss_mb"] > 0 and row[stage]["seconds"] > 0
    assert result["details"]["jieba_cut_chars_per_s"] > 0 and result["details"]["numpy_encode_chars_per_s"] > 0
    shards = row["train_from_shards"]
    assert shards["same_losses"], "the mapped file and memory gave other batches"
    assert shards["shards_steps_per_s"] > 0 and shards["memory_steps_per_s"] > 0
