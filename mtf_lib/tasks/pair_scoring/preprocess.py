"""Preprocess stage: read pairs (a registered reader), check their targets, cut dev from train
where there is no dev file, normalise and tokenise; one JSONL per split.

Streamed, in two reads of each file: the first checks every target and keeps each pair's group
and line (for the dev cut and the group check); the second tokenises the pairs in chunks through
the pool (``preprocess.workers``) and writes each where it goes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from mtf_lib import registry
from mtf_lib.errors import InputError
from mtf_lib.layout import StagePaths
from mtf_lib.tasks.common import SPLITS, require_file
from mtf_lib.tasks.pair_scoring.features import Tokenize
from mtf_lib.tasks.streaming import Chunk, Lines, limited, map_chunks, write_routed
from mtf_lib.text.pair_readers import PairExample


class Seen(NamedTuple):
    """What the first read keeps of a pair."""

    group: str
    line: int


def preprocess(params: Any, paths: StagePaths) -> dict[str, int]:
    """Write ``<preprocessed>/<split>.jsonl``; return pairs per split. Every split is read and
    checked before anything is written: a bad file leaves no outputs."""
    pp = params.preprocess
    reader = registry.readers.build(pp.format)
    sources = {split: Path(getattr(pp, split)) for split in SPLITS if getattr(pp, split)}
    for split, source in sources.items():
        require_file(source, f"preprocess.{split}")
    seen = {split: scan(read_split(reader, source, pp), source, pp.target) for split, source in sources.items()}
    routes = {split: np.full(len(pairs), SPLITS.index(split), np.int8) for split, pairs in seen.items()}
    if "dev" not in sources:
        routes["train"][cut_dev([p.group for p in seen["train"]], pp.dev_fraction, pp.split_seed)] = SPLITS.index("dev")
    check_groups(seen, routes, pp)
    records = partial(pair_records, pp)
    chunks = (
        routed
        for split, source in sources.items()
        for routed in routed_lines(
            map_chunks(records, read_split(reader, source, pp), source, pp.workers), routes[split]
        )
    )
    return write_routed(paths.preprocessed, SPLITS, chunks)


def read_split(reader: Any, source: Path, params: Any) -> Iterator[PairExample]:
    """The first ``params.limit`` pairs of ``source`` (all if 0), read lazily."""
    empty = f"{source}: no pairs (is preprocess.format {params.format['name']!r} right for this file?)"
    return limited(reader(source), params.limit, empty)


def scan(examples: Iterator[PairExample], source: Path, target: Any) -> list[Seen]:
    """Every pair's target checked (the first bad one stops the stage); each pair's group and line."""
    seen = []
    for example in examples:
        checked_target(example, source, target)
        seen.append(Seen(example.group, example.line))
    return seen


def pair_records(params: Any, chunk: Chunk) -> list[str]:
    """A chunk of pairs as preprocessed JSON lines (normalised, tokenised, with the checked target)."""
    tokenize = _tokenizer(params.tokenizer, params.normalize)
    return [
        json.dumps({**tokenize.record(e), "target": checked_target(e, chunk.source, params.target)}, ensure_ascii=False)
        + "\n"
        for e in chunk.items
    ]


def routed_lines(chunks: Iterator[list[str]], route: np.ndarray) -> Iterator[tuple[str, Lines]]:
    """Each chunk's lines grouped by their output split, in file order within a split."""
    start = 0
    for lines in chunks:
        to = route[start : start + len(lines)]
        start += len(lines)
        for code, split in enumerate(SPLITS):
            picked = [line for line, dest in zip(lines, to, strict=True) if dest == code]
            if picked:
                yield split, Lines("".join(picked), len(picked))


_TOKENIZERS: dict[tuple[str, bool], Tokenize] = {}


def _tokenizer(name: str, normalize: bool) -> Tokenize:
    """One ``Tokenize`` per process (a worker builds its own once, or inherits the parent's)."""
    if (name, normalize) not in _TOKENIZERS:
        _TOKENIZERS[name, normalize] = Tokenize(name, normalize)
    return _TOKENIZERS[name, normalize]


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


def cut_dev(groups: list[str], fraction: float, seed: int) -> np.ndarray:
    """The indices of a seeded dev split cut from train's pairs (``groups``: each pair's group),
    stratified by group (each question keeps its share) when every group has two pairs or more."""
    from sklearn.model_selection import train_test_split

    counts = {g: groups.count(g) for g in set(groups)}
    stratify = groups if all(groups) and min(counts.values()) >= 2 else None
    if len(groups) < 2:
        raise InputError("preprocess.dev is null and train has fewer than 2 pairs: give a dev file")
    _, dev = train_test_split(list(range(len(groups))), test_size=fraction, random_state=seed, stratify=stratify)
    return np.asarray(sorted(dev), dtype=np.int64)


def check_groups(seen: dict[str, list[Seen]], routes: dict[str, np.ndarray], params: Any) -> None:
    """A group (question) of dev or test that train lacks has no per-group statistics to use."""
    train = SPLITS.index("train")
    known = {p.group for p, to in zip(seen["train"], routes["train"], strict=True) if to == train}
    for source, pairs in seen.items():
        for pair, to in zip(pairs, routes[source], strict=True):
            if to != train and pair.group and pair.group not in known:
                raise InputError(
                    f"{getattr(params, source)}:{pair.line}: group {pair.group!r} does not occur in train; "
                    "add pairs of it to train, or read no group (the reader's group_field: '')"
                )
