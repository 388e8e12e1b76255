"""Preprocess stage: read parallel text (a registered reader), drop repeated pairs, and split
without leakage: dev and test cut from train by sentence groups, or given as files (then the
train pairs sharing a sentence with them are dropped). One JSONL per split; the split is a pure
function of the data and ``split_seed``, so it is the same on every run."""

from __future__ import annotations

import json
import sys
from itertools import islice
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, require_file
from mtf_lib.text.parallel_readers import ParallelExample
from mtf_lib.text.parallel_split import deduplicate, drop_leaks, group_split, leaked


def preprocess(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<preprocessed>/<split>.jsonl``; return pairs per split and the pairs dropped.
    Every file is read and checked before anything is written: a bad file leaves no outputs."""
    pp = params.preprocess
    reader = registry.readers.build(pp.format)
    given = {
        split: read_split(reader, Path(getattr(pp, split)), split, pp.limit) for split in SPLITS if getattr(pp, split)
    }
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
    if not train:
        raise InputError(
            f"preprocess: no train pairs left of {len(given['train'])} after cutting dev and test "
            "(or dropping the pairs they share sentences with): lower preprocess.dev_size / test_size"
        )
    for split in ("dev", "test"):
        if not splits[split]:
            raise InputError(
                f"preprocess: the {split} split is empty ({len(given['train'])} pairs in train); "
                f"give a {split} file or lower the other split's size"
            )
        if leaked(splits["train"], splits[split]):
            raise InputError(f"preprocess: {split} shares sentences with train")  # a bug, never the data's fault
    shared = leaked(splits["dev"], splits["test"])
    if shared:
        print(f"note: dev and test share {len(shared)} sentences", file=sys.stderr)
    for split in SPLITS:
        with atomic_write(paths.preprocessed / f"{split}.jsonl", "w") as out:
            for pair in splits[split]:
                out.write(json.dumps(as_record(pair), ensure_ascii=False) + "\n")
    for split, dropped in summary.items():
        if dropped and split.startswith("dropped"):
            print(f"note: {dropped} train pairs shared a sentence with {split[16:]} and were dropped", file=sys.stderr)
    return {**{split: len(splits[split]) for split in SPLITS}, **summary}


def read_split(reader: Any, source: Path, split: str, limit: int) -> list[ParallelExample]:
    """The first ``limit`` pairs of ``source`` (all if 0)."""
    require_file(source, f"preprocess.{split}")
    examples = list(islice(reader(source), limit or None))
    if not examples:
        raise InputError(f"{source}: no sentence pairs (is preprocess.format right for this file?)")
    return examples


def as_record(pair: ParallelExample) -> dict[str, Any]:
    record = {"source": pair.source, "target": pair.target, "line": pair.line}
    return {**record, "attribution": pair.attribution} if pair.attribution else record
