"""torch's intra-op CPU threads for a stage: the ``threads`` setting of train and evaluate.

One thread per core suits an idle machine; when another process keeps a core busy, the threads
of each op wait for the one that is not running, and an epoch can take several times as long
(bench/threads.py measures it). A lower count avoids that; ``auto`` is one thread per usable CPU.
"""

from __future__ import annotations

import os
from typing import Literal


def available_cpus() -> int:
    """The CPUs this process may run on: its affinity mask (taskset, cgroups cpusets) where the
    OS has one, else every CPU."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def resolve_threads(value: int | Literal["auto"]) -> int:
    """The thread count ``value`` means. ``auto``: ``OMP_NUM_THREADS`` when set to a positive
    count (torchrun sets 1 for each of several processes on a node, and an explicit choice in the
    environment keeps working), else ``available_cpus()``."""
    if value != "auto":
        return value
    env = os.environ.get("OMP_NUM_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return available_cpus()


def set_threads(value: int | Literal["auto"]) -> int:
    """Set torch's intra-op thread count to what ``value`` means; return that count."""
    import torch

    threads = resolve_threads(value)
    torch.set_num_threads(threads)
    return threads
