"""Preprocess stage: read pairs (a registered reader), check their targets, cut dev from train
where there is no dev file, normalise and tokenise; one JSONL per split."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.errors import InputError
from mtf_lib.io import atomic_write
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, require_file
from mtf_lib.tasks.pair_scoring.features import Tokenize
from mtf_lib.text.pair_readers import PairExample


def preprocess(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<preprocessed>/<split>.jsonl``; return pairs per split. Every split is read and
    checked before anything is written: a bad file leaves no outputs."""
    pp = params.preprocess
    reader = registry.readers.build(pp.format)
    splits = {split: read_split(reader, Path(getattr(pp, split)), split, pp) for split in SPLITS if getattr(pp, split)}
    if "dev" not in splits:
        splits["train"], splits["dev"] = cut_dev(splits["train"], pp.dev_fraction, pp.split_seed)
    check_groups(splits, pp)
    tokenize = Tokenize(pp.tokenizer, pp.normalize)
    for split in SPLITS:
        with atomic_write(paths.preprocessed / f"{split}.jsonl", "w") as out:
            for example, target in splits[split]:
                out.write(json.dumps({**tokenize.record(example), "target": target}, ensure_ascii=False) + "\n")
    return {split: len(splits[split]) for split in SPLITS}


Checked = list[tuple[PairExample, Any]]  # each pair with its target: a float score or a label


def read_split(reader: Any, source: Path, split: str, params: Any) -> Checked:
    """The first ``params.limit`` pairs of ``source`` (all if 0), each with its checked target."""
    require_file(source, f"preprocess.{split}")
    examples = list(islice(reader(source), params.limit or None))
    if not examples:
        raise InputError(f"{source}: no pairs (is preprocess.format {params.format['name']!r} right for this file?)")
    return [(e, checked_target(e, source, params.target)) for e in examples]


def checked_target(example: PairExample, source: Path, target: Any) -> Any:
    where = f"{source}:{example.line}"
    if not example.target.strip():
        raise InputError(f"{where}: no {target.kind} (every pair of train, dev and test needs one)")
    if target.kind == "label":
        return example.target.strip()
    try:
        value = float(example.target)
    except ValueError:
        raise InputError(f"{where}: score {example.target!r} is not a number") from None
    if not target.min <= value <= target.max:
        raise InputError(
            f"{where}: score {value:g} is outside [{target.min:g}, {target.max:g}]; "
            "fix the row or set preprocess.target.min/max to the data's range"
        )
    return value


def cut_dev(train: Checked, fraction: float, seed: int) -> tuple[Checked, Checked]:
    """A seeded dev split cut from train, stratified by group (each question keeps its share) when
    every group has two pairs or more."""
    from sklearn.model_selection import train_test_split

    groups = [e.group for e, _ in train]
    counts = {g: groups.count(g) for g in set(groups)}
    stratify = groups if all(groups) and min(counts.values()) >= 2 else None
    if len(train) < 2:
        raise InputError("preprocess.dev is null and train has fewer than 2 pairs: give a dev file")
    keep, dev = train_test_split(list(range(len(train))), test_size=fraction, random_state=seed, stratify=stratify)
    return [train[i] for i in sorted(keep)], [train[i] for i in sorted(dev)]


def check_groups(splits: dict[str, Checked], params: Any) -> None:
    """A group (question) of dev or test that train lacks has no per-group statistics to use."""
    known = {e.group for e, _ in splits["train"]}
    for split in ("dev", "test"):
        for example, _ in splits[split]:
            if example.group and example.group not in known:
                source = getattr(params, split) or params.train
                raise InputError(
                    f"{source}:{example.line}: group {example.group!r} does not occur in train; "
                    "add pairs of it to train, or read no group (the reader's group_field: '')"
                )
