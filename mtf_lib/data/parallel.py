"""Deterministic parallel maps in fixed-size chunks with a process pool.

Chunks are cut by position, not by worker count, and results are gathered in input order:
the output is identical for any number of workers.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
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
    return [item for chunk in ordered_map(func, chunks(items, chunk_size), workers) for item in chunk]


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter), read lazily."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def ordered_map(func: Callable[[T], R], tasks: Iterable[T], workers: int = 0, ahead: int = 2) -> Iterator[R]:
    """``func(task)`` for each task, in order, computed by ``workers`` forked processes.

    At most ``ahead`` tasks per worker are in flight, so a stream of chunks is mapped with
    bounded memory while the parent reads the next ones (``Pool.imap`` would drain the whole
    stream into its queue first). An error in a worker is raised here, at its task's turn.
    """
    workers = workers or os.cpu_count() or 1
    iterator = iter(tasks)
    first = list(islice(iterator, 2))
    if workers == 1 or len(first) < 2:  # one chunk: a pool would only add its start-up
        yield from map(func, [*first, *iterator])
        return
    with get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        for task in chain(first, iterator):
            pending.append(pool.apply_async(func, (task,)))
            if len(pending) >= workers * ahead:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
