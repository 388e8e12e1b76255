"""Soft-word features: each character's position (B/M/E/S) in a jieba word segmentation.

Segmentation runs in a multiprocessing pool. Work is split into fixed-size chunks and
results are gathered in input order, so the output is identical for any worker count.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from multiprocessing import get_context

SOFTWORD_TAGS = ("B", "M", "E", "S")
_CHUNK = 2000  # sentences per task: large enough to amortise pickling, small enough to balance


def word_positions(words: Sequence[str]) -> list[str]:
    """Per-character B/M/E/S positions of a word sequence."""
    out: list[str] = []
    for word in words:
        if len(word) == 1:
            out.append("S")
        else:
            out.extend(["B", *(["M"] * (len(word) - 2)), "E"])
    return out


def _load_jieba() -> None:
    import jieba

    jieba.setLogLevel(60)  # silence the dictionary-loading banner
    jieba.initialize()


def _segment_chunk(texts: list[str]) -> list[str]:
    import jieba

    return ["".join(word_positions(jieba.lcut(text, HMM=True))) for text in texts]


def softword_features(texts: Sequence[str], workers: int = 0) -> list[str]:
    """One string of B/M/E/S per text (same length as the text). ``workers=0``: CPU count."""
    workers = workers or os.cpu_count() or 1
    chunks = [list(texts[i : i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
    _load_jieba()  # once, in the parent: forked workers inherit the loaded dictionary
    if workers == 1 or len(chunks) <= 1:
        results = [_segment_chunk(chunk) for chunk in chunks]
    else:
        with get_context("fork").Pool(min(workers, len(chunks))) as pool:
            results = pool.map(_segment_chunk, chunks, chunksize=1)
    return [features for chunk in results for features in chunk]
