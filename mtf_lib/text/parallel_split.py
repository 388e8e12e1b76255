"""Splitting parallel text without leakage.

Translation corpora such as Tatoeba hold one sentence in many pairs ("Hi." has several Chinese
translations, and a Chinese sentence several English ones). A random split puts a test
sentence's twin pairs in train, and the model is scored on sentences it has learnt. Here pairs
that share a sentence on either side form one group (a connected component), and whole groups
go to dev, test or train: no sentence of dev or test occurs in train. Sentences are compared as
the model sees them (``sentence_key``: Unicode NFKC, whitespace collapsed), so "住手！" and
"住手!" count as one sentence.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from typing import Protocol, TypeVar


class Pair(Protocol):
    source: str
    target: str


P = TypeVar("P", bound=Pair)


def sentence_key(text: str) -> str:
    """What two sentences must share to count as the same: their NFKC form, whitespace collapsed
    (sentencepiece's normalisation folds full-width punctuation and spaces the same way)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def deduplicate(pairs: Sequence[P]) -> list[P]:
    """``pairs`` without repeats of a (source, target) pair; the first of each is kept."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for pair in pairs:
        key = (sentence_key(pair.source), sentence_key(pair.target))
        if key not in seen:
            seen.add(key)
            kept.append(pair)
    return kept


def groups_of(pairs: Sequence[Pair]) -> list[int]:
    """A group id per pair: pairs sharing a source or a target sentence, directly or through
    others, share a group (union-find over the sentences of both sides)."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    keys = [(("s", sentence_key(p.source)), ("t", sentence_key(p.target))) for p in pairs]
    for source, target in keys:
        a, b = root(source), root(target)
        if a != b:
            parent[a] = b
    ids: dict[tuple[str, str], int] = {}
    return [ids.setdefault(root(source), len(ids)) for source, _ in keys]


def size_of(size: float, total: int) -> int:
    """A split size given as a fraction (< 1) or a count of pairs (≥ 1)."""
    return round(size * total) if size < 1 else int(size)


def group_split(
    pairs: Sequence[P], dev_size: float, test_size: float, seed: int, max_group: int = 8
) -> tuple[list[P], list[P], list[P]]:
    """(train, dev, test): groups in a seeded random order fill test, then dev, up to their sizes
    (a fraction of the pairs or a count); a group larger than ``max_group`` pairs stays in train
    (one common sentence would otherwise fill a split with its variants). Order within each
    split follows ``pairs``."""
    group = groups_of(pairs)
    members: dict[int, list[int]] = {}
    for index, g in enumerate(group):
        members.setdefault(g, []).append(index)
    order = sorted(members)
    random.Random(seed).shuffle(order)
    wanted = {"test": size_of(test_size, len(pairs)), "dev": size_of(dev_size, len(pairs))}
    chosen: dict[str, list[int]] = {"test": [], "dev": []}
    train: list[int] = []
    for g in order:
        indices = members[g]
        split = next(
            (s for s in ("test", "dev") if len(indices) <= max_group and len(chosen[s]) + len(indices) <= wanted[s]),
            None,
        )
        (chosen[split] if split else train).extend(indices)
    pick = lambda indices: [pairs[i] for i in sorted(indices)]  # noqa: E731
    return pick(train), pick(chosen["dev"]), pick(chosen["test"])


def drop_leaks(train: Sequence[P], held_out: Sequence[Pair]) -> tuple[list[P], int]:
    """``train`` without the pairs that share a sentence (either side) with ``held_out``, and how
    many were dropped: for dev and test files given apart from train."""
    sources, targets = _sides(held_out)
    kept = [p for p in train if sentence_key(p.source) not in sources and sentence_key(p.target) not in targets]
    return kept, len(train) - len(kept)


def leaked(train: Sequence[Pair], held_out: Sequence[Pair]) -> set[str]:
    """Sentences of ``held_out`` (either side, as ``sentence_key``) that occur on the same side in ``train``."""
    (held_sources, held_targets), (sources, targets) = _sides(held_out), _sides(train)
    return held_sources & sources | held_targets & targets


def _sides(pairs: Sequence[Pair]) -> tuple[set[str], set[str]]:
    return {sentence_key(p.source) for p in pairs}, {sentence_key(p.target) for p in pairs}
