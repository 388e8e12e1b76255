"""Preprocess stage: read parallel text (a registered reader), drop repeated pairs, and split
without leakage: dev and test cut from train by sentence groups, or given as files (then the
train pairs sharing a sentence with them are dropped). One JSONL per split; the split is a pure
function of the data and ``split_seed``, so it is the same on every run.

Streamed, in two reads of each file: the first keeps only each pair's sentence keys (a 64-bit
digest of each side's ``sentence_key``, so memory is some 150 bytes a pair whatever the
sentences' length) and decides where every pair goes; the second writes the pairs there.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib import registry
from mtf_lib.data.parallel import chunks
from mtf_lib.errors import InputError
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, require_file
from mtf_lib.tasks.streaming import as_lines, limited, write_routed
from mtf_lib.text.parallel_readers import ParallelExample
from mtf_lib.text.parallel_split import deduplicate, drop_leaks, group_split, leaked, sentence_key

DROPPED = -1


@dataclass(frozen=True, slots=True)
class KeyedPair:
    """A pair as the split decisions see it: its sides' keys and its place in its file. A digest
    is its own ``sentence_key``, so the functions of ``parallel_split`` take these as pairs."""

    source: str
    target: str
    index: int


def digest(text: str) -> str:
    return hashlib.blake2b(sentence_key(text).encode(), digest_size=8).hexdigest()


def preprocess(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<preprocessed>/<split>.jsonl``; return pairs per split and the pairs dropped.
    Every file is read and checked before anything is written: a bad file leaves no outputs."""
    pp = params.preprocess
    reader = registry.readers.build(pp.format)
    sources = {split: Path(getattr(pp, split)) for split in SPLITS if getattr(pp, split)}
    for split, source in sources.items():
        require_file(source, f"preprocess.{split}")
    given = {split: keyed(read_split(reader, source, pp.limit)) for split, source in sources.items()}
    train = deduplicate(given["train"])
    summary = {"repeated": len(given["train"]) - len(train)}
    held = {s: deduplicate(given[s]) for s in ("dev", "test") if s in given}
    for split, pairs in held.items():
        train, dropped = drop_leaks(train, pairs)
        summary[f"dropped_sharing_{split}"] = dropped
    if len(held) < 2:  # cut what was not given (a given split's share is 0)
        sizes = {s: 0 if s in held else getattr(pp, f"{s}_size") for s in ("dev", "test")}
        train, dev, test = group_split(train, sizes["dev"], sizes["test"], pp.split_seed, pp.max_group)
        held = {"dev": held.get("dev", dev), "test": held.get("test", test)}
    splits = {"train": train, **held}
    check_splits(splits, len(given["train"]))
    routes = {source: np.full(len(pairs), DROPPED, np.int8) for source, pairs in given.items()}
    for out, pairs in splits.items():
        origin = "train" if out == "train" or out not in given else out
        routes[origin][[p.index for p in pairs]] = SPLITS.index(out)
    counts = write_routed(
        paths.preprocessed,
        SPLITS,
        (
            routed
            for split, source in sources.items()
            for routed in routed_chunks(read_split(reader, source, pp.limit), routes[split])
        ),
    )
    for split, dropped in summary.items():
        if dropped and split.startswith("dropped"):
            print(f"note: {dropped} train pairs shared a sentence with {split[16:]} and were dropped", file=sys.stderr)
    return {**counts, **summary}


def keyed(pairs: Iterable[ParallelExample]) -> list[KeyedPair]:
    return [KeyedPair(digest(p.source), digest(p.target), i) for i, p in enumerate(pairs)]


def check_splits(splits: dict[str, list[KeyedPair]], given_train: int) -> None:
    if not splits["train"]:
        raise InputError(
            f"preprocess: no train pairs left of {given_train} after cutting dev and test "
            "(or dropping the pairs they share sentences with): lower preprocess.dev_size / test_size"
        )
    for split in ("dev", "test"):
        if not splits[split]:
            raise InputError(
                f"preprocess: the {split} split is empty ({given_train} pairs in train); "
                f"give a {split} file or lower the other split's size"
            )
        if leaked(splits["train"], splits[split]):
            raise InputError(f"preprocess: {split} shares sentences with train")  # a bug, never the data's fault
    shared = leaked(splits["dev"], splits["test"])
    if shared:
        print(f"note: dev and test share {len(shared)} sentences", file=sys.stderr)


def routed_chunks(pairs: Iterable[ParallelExample], route: np.ndarray) -> Iterator[tuple[str, Any]]:
    """The pairs of one file, a chunk at a time, as ``(output split, lines)`` in file order."""
    start = 0
    for chunk in chunks(pairs, 20_000):
        to = route[start : start + len(chunk)]
        start += len(chunk)
        for code, split in enumerate(SPLITS):
            records = [as_record(pair) for pair, dest in zip(chunk, to, strict=True) if dest == code]
            if records:
                yield split, as_lines(records)


def read_split(reader: Any, source: Path, limit: int) -> Iterator[ParallelExample]:
    """The first ``limit`` pairs of ``source`` (all if 0), read lazily."""
    return limited(reader(source), limit, f"{source}: no sentence pairs (is preprocess.format right for this file?)")


def as_record(pair: ParallelExample) -> dict[str, Any]:
    record = {"source": pair.source, "target": pair.target, "line": pair.line}
    return {**record, "attribution": pair.attribution} if pair.attribution else record
