"""Registered pretrained-vector loaders (word2vec text format: ``<count> <dim>`` header optional)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mtf_lib import registry
from mtf_lib.data.vocab import Vocab
from mtf_lib.errors import InputError


class VectorsError(InputError):
    """A vectors file is missing or malformed."""


@registry.vectors("word2vec_text.v1")
def word2vec_text(path: str | Path, vocab: Vocab, dim: int, seed: int = 0) -> tuple[np.ndarray, int]:
    """Embedding matrix for ``vocab`` from a word2vec text file; return it and how many were found.

    Tokens missing from the file keep a small random init; padding stays zero.
    """
    path = Path(path)
    if not path.is_file():
        raise VectorsError(f"vectors file {path} not found; put word2vec text files under resources/word_vectors/")
    rng = np.random.default_rng(seed)
    matrix = rng.normal(0, 0.1, (len(vocab), dim)).astype(np.float32)
    matrix[0] = 0
    found = 0
    with path.open(encoding="utf-8", errors="replace") as handle:
        for lineno, line in enumerate(handle, 1):
            parts = line.rstrip().split(" ")
            if lineno == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                continue  # "<count> <dim>" header
            token, values = parts[0], parts[1:]
            if len(values) != dim:
                raise VectorsError(f"{path}:{lineno}: {len(values)} values, expected dim {dim}")
            if token in vocab:
                matrix[vocab.id(token)] = np.asarray(values, dtype=np.float32)
                found += 1
    return matrix, found
