"""A preprocess stage's output written as it is made: split by split, chunk by chunk.

A split is read lazily and cut into numbered chunks; each chunk is parsed, checked and
featurised in a worker (``ordered_map``: bounded memory, input order kept) and comes back as
JSON lines that the parent appends to the split's file. Memory stays that of a few chunks
whatever the corpus size, and the output is identical for any chunk size or worker count.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from mtf_lib.data.parallel import chunks, ordered_map
from mtf_lib.io import atomic_write

T = TypeVar("T")
R = TypeVar("R")
CHUNK = 2000  # items per worker task: large enough to amortise pickling, small enough to stay flat


class Chunk(NamedTuple):
    """Consecutive items of one source file; ``start`` is the number of items before them
    (error messages count from 1 over the whole file)."""

    source: Path
    start: int
    items: list


class Lines(NamedTuple):
    """A chunk's output: its JSON lines and how many records they are."""

    text: str
    count: int


def as_lines(records: list[dict[str, Any]]) -> Lines:
    return Lines("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), len(records))


def numbered_chunks(items: Iterable[T], source: Path, size: int | None = None) -> Iterator[Chunk]:
    start = 0
    for chunk in chunks(items, size or CHUNK):
        yield Chunk(source, start, chunk)
        start += len(chunk)


def limited(items: Iterable[T], limit: int, empty: str) -> Iterator[T]:
    """The first ``limit`` items (all if 0); InputError ``empty`` when there are none."""
    from mtf_lib.errors import InputError

    count = 0
    for item in islice(items, limit or None):
        count += 1
        yield item
    if not count:
        raise InputError(empty)


def map_chunks(func: Callable[[Chunk], R], items: Iterable[T], source: Path, workers: int) -> Iterator[R]:
    """``func`` over ``items`` in numbered chunks, by ``workers`` processes, in order."""
    return ordered_map(func, numbered_chunks(items, source), workers)


def preprocess_splits(
    pp: Any, out_dir: Path, read: Callable[[Path], Iterable[T]], featurise: Callable[[Chunk], Lines], what: str
) -> dict[str, int]:
    """The streamed preprocess of a task type whose splits map one to one onto its files:
    ``preprocess.train/dev/test`` each read by ``read(path)`` (the first ``preprocess.limit``
    items; a file without any is refused, naming the ``what`` it lacks), ``featurise``d in
    chunks by ``preprocess.workers`` processes and written to ``<out_dir>/<split>.jsonl``.
    Every file is checked to exist before anything is read."""
    from mtf_lib.tasks.common import SPLITS, require_file

    sources = {split: Path(getattr(pp, split)) for split in SPLITS}
    for split, source in sources.items():
        require_file(source, f"preprocess.{split}")

    def items(source: Path) -> Iterator[T]:
        empty = f"{source}: no {what} (is preprocess.format {pp.format['name']!r} right for this file?)"
        return limited(read(source), pp.limit, empty)

    return write_splits(
        out_dir, {split: map_chunks(featurise, items(source), source, pp.workers) for split, source in sources.items()}
    )


def write_splits(out_dir: Path, splits: Mapping[str, Iterable[Lines]]) -> dict[str, int]:
    """Append each split's chunks to ``<out_dir>/<split>.jsonl`` as they come; records per split."""
    return write_routed(out_dir, list(splits), ((split, lines) for split, chunks in splits.items() for lines in chunks))


def write_routed(out_dir: Path, names: Sequence[str], chunks: Iterable[tuple[str, Lines]]) -> dict[str, int]:
    """Append each ``(split, lines)`` chunk to ``<out_dir>/<split>.jsonl``; records per split.

    All files are written beside their final names and moved into place together at the end:
    an error in any split (a bad sentence in test, found after train was written) leaves no
    new file and the old ones as they were.
    """
    counts = dict.fromkeys(names, 0)
    created = not out_dir.exists()
    try:
        with ExitStack() as stack:
            outs = {split: stack.enter_context(atomic_write(out_dir / f"{split}.jsonl", "w")) for split in names}
            for split, lines in chunks:
                outs[split].write(lines.text)
                counts[split] += lines.count
    except BaseException:
        if created and out_dir.is_dir() and not any(out_dir.iterdir()):
            out_dir.rmdir()  # a folder made only for the failed outputs is not left behind
        raise
    return counts
