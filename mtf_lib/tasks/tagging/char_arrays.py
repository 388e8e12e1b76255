"""The tagging dataset stage on numpy arrays: characters and their bigrams counted and mapped to
ids a chunk of sentences at a time, never one Python object per character.

A chunk's texts become one flat array of code points (UTF-32) with sentence offsets; a bigram is
one 64-bit key (left code point << 21 | right code point, the sentence's start and end as code
points past Unicode's last), so counting is ``np.unique`` and encoding a ``searchsorted`` over a
vocabulary's sorted keys. The vocabularies are the same ``Vocab`` objects, built from the same
counts, as the per-character encoder builds (``features.encode``), so ids do not change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from mtf_lib.data.vocab import UNK, Vocab
from mtf_lib.tasks.tagging.features import BOS, EOS

BITS = 21  # every code point (≤ 0x10FFFF) and the two markers below fit in 21 bits
START, END = 0x110000, 0x110001  # the sentence's start and end, as a bigram's side


def code_points(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(flat code points, offsets): text ``i`` is ``flat[offsets[i]:offsets[i + 1]]``."""
    flat = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)), out=offsets[1:])
    return flat, offsets


def bigram_keys(flat: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each character's left (previous, it) and right (it, next) bigram as keys."""
    previous = np.empty_like(flat)
    following = np.empty_like(flat)
    if len(flat):
        previous[1:], following[:-1] = flat[:-1], flat[1:]
    starts, ends = offsets[:-1], offsets[1:]
    nonempty = ends > starts
    previous[starts[nonempty]] = START
    following[ends[nonempty] - 1] = END
    return (previous << BITS) | flat, (flat << BITS) | following


def _side(code: int) -> str:
    return BOS if code == START else EOS if code == END else chr(code)


def bigram_text(key: int) -> str:
    """The bigram a key stands for, as the per-character encoder writes it (``<s>张``)."""
    return _side(key >> BITS) + _side(key & ((1 << BITS) - 1))


class CharCounts:
    """Character and bigram counts over chunks of texts (what ``build_vocabs`` needs from train)."""

    def __init__(self) -> None:
        self.chars: Counter[int] = Counter()
        self.bigrams: Counter[int] = Counter()

    def add(self, texts: Sequence[str]) -> None:
        flat, offsets = code_points(texts)
        left, right = bigram_keys(flat, offsets)
        for counter, keys in ((self.chars, flat), (self.bigrams, np.concatenate([left, right]))):
            unique, counts = np.unique(keys, return_counts=True)
            counter.update(dict(zip(unique.tolist(), counts.tolist(), strict=True)))

    def char_counts(self) -> Counter[str]:
        return Counter({chr(code): n for code, n in self.chars.items()})

    def bigram_counts(self) -> Counter[str]:
        return Counter({bigram_text(key): n for key, n in self.bigrams.items()})


class KeyIds:
    """Keys (code points or bigram keys) to a vocabulary's ids; keys it lacks are ``<unk>``."""

    def __init__(self, vocab: Vocab, keys: Iterable[int], text_of: object) -> None:
        pairs = sorted((key, vocab.index[text_of(key)]) for key in keys if text_of(key) in vocab.index)  # type: ignore[operator]
        self.keys = np.array([k for k, _ in pairs], dtype=np.int64)
        self.ids = np.array([i for _, i in pairs], dtype=np.int32)
        self.unknown = vocab.index[UNK]

    def __call__(self, keys: np.ndarray) -> np.ndarray:
        if not len(self.keys):
            return np.full(len(keys), self.unknown, dtype=np.int32)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.ids[at], self.unknown).astype(np.int32)


def symbol_ids(strings: Sequence[str], offsets: np.ndarray, vocab: Vocab) -> np.ndarray:
    """A per-character feature string per text (soft-word positions, lexicon marks) as ids; an
    empty string (the feature off) is all padding for its text."""
    out = np.zeros(int(offsets[-1]), dtype=np.int32)
    table = np.full(0x110000, vocab.index[UNK], dtype=np.int32)
    for token, index in vocab.index.items():
        if len(token) == 1:
            table[ord(token)] = index
    present = [i for i, s in enumerate(strings) if s]
    if present:
        flat, _ = code_points([strings[i] for i in present])
        positions = np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in present])
        out[positions] = table[flat]
    return out
