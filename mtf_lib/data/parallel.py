"""Deterministic parallel map over a list, in fixed-size chunks with a process pool.

Chunks are cut by position, not by worker count, and results are gathered in input order:
the output is identical for any number of workers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def chunked_map(
    func: Callable[[list[T]], list[R]], items: Sequence[T], workers: int = 0, chunk_size: int = 2000
) -> list[R]:
    """``func`` applied to consecutive chunks of ``items``; ``workers=0`` means one per CPU.

    ``func`` must be a module-level function (it is pickled). Workers are forked, so state the
    parent loaded before the call (a dictionary, a model) is shared without reloading.
    """
    workers = workers or os.cpu_count() or 1
    chunks = [list(items[i : i + chunk_size]) for i in range(0, len(items), chunk_size)]
    if workers == 1 or len(chunks) <= 1:
        results = [func(chunk) for chunk in chunks]
    else:
        with get_context("fork").Pool(min(workers, len(chunks))) as pool:
            results = pool.map(func, chunks, chunksize=1)
    return [item for chunk in results for item in chunk]
