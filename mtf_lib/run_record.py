"""How long the train stage ran and on what machine: ``metrics/train/run.json``, for the model card.

Kept out of the bundle on purpose: bundle.json of a retrained model stays byte-identical (same
params, machine, threads), so DVC does not re-run evaluate for it (README: The pipeline).
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

from mtf_lib.io import write_json

RUN_FILE = "run.json"


def machine() -> dict[str, Any]:
    """The machine and software this process runs on (torch's facts only when torch is loaded)."""
    facts: dict[str, Any] = {
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "cpu": _cpu_model() or platform.machine(),
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        facts["torch"] = torch.__version__
        facts["torch_threads"] = torch.get_num_threads()
        if torch.cuda.is_available():
            facts["gpu"] = torch.cuda.get_device_name(0)
    return facts


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def write_training_record(params: Any, paths: Any, seconds: float) -> None:
    """After the train stage (rank 0 only under torchrun): its wall time and machine."""
    if os.environ.get("RANK", "0") != "0":
        return
    write_json(Path(paths.live) / RUN_FILE, {"train_seconds": round(seconds, 1), "machine": machine()})


def read_training_record(live_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((Path(live_dir) / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
