"""A pair's texts → tokens → ids, and padding pairs with their references into batches (shared
by training, evaluation and the Predictor)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mtf_lib import registry
from mtf_lib.data.vocab import Vocab
from mtf_lib.text.normalize import normalize_text


class Tokenize:
    """A pair's texts normalised (``preprocess.normalize``) and tokenised (``preprocess.tokenizer``):
    the record every later stage and the Predictor read."""

    def __init__(self, tokenizer: str, normalize: bool) -> None:
        self.tokenizer = registry.tokenizers.get(tokenizer)()
        self.normalize = normalize

    def text(self, text: str) -> str:
        return normalize_text(text) if self.normalize else text

    def tokens(self, text: str) -> list[str]:
        # Whitespace tokens carry nothing; jieba and char.v1 both emit them.
        return [t for t in self.tokenizer(text) if t.strip()]

    def record(self, example: Any) -> dict[str, Any]:
        """``example``: a ``PairExample`` (or anything with ``a``, ``refs``, ``context``, ``group``)."""
        a, refs, context = self.text(example.a), [self.text(r) for r in example.refs], self.text(example.context)
        return {
            "a": a,
            "refs": refs,
            "context": context,
            "group": example.group,
            "a_tokens": self.tokens(a),
            "refs_tokens": [self.tokens(r) for r in refs],
            "context_tokens": self.tokens(context),
        }


def token_ids(tokens: Sequence[str], vocab: Vocab, max_len: int) -> np.ndarray:
    return np.asarray(vocab.ids(tokens[:max_len]), dtype=np.int64)


def codepoints(text: str, max_len: int) -> np.ndarray:
    """The first ``max_len`` characters' code points: what a pretrained encoder reads."""
    return np.asarray([ord(c) for c in text[:max_len]], dtype=np.int64)


def _pad(seqs: Sequence[np.ndarray], shape: tuple[int, ...], dtype: Any = np.int64) -> np.ndarray:
    """``seqs`` (flat, in row-major order over ``shape[:-1]``) into a zero-padded array of ``shape``."""
    out = np.zeros((int(np.prod(shape[:-1])), shape[-1]), dtype=dtype)
    for row, seq in enumerate(seqs):
        out[row, : len(seq)] = seq
    return out.reshape(shape)


def collate(examples: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Encoded pairs (``EncodedPairs`` items) into the batch pair models read: ``a`` [B, La],
    ``b`` [B, R, Lb] (R: the most references of a pair in the batch; a missing reference is all
    padding, ``ref_mask`` [B, R] marks the real ones), ``context`` [B, Lc], their code points, the
    overlap ``features`` [B, R, F], ``group`` [B], and ``score`` or ``labels`` when present.
    Every length is at least 1, so a batch always has a (masked) position to run over."""
    import torch

    if not examples:
        raise ValueError("an empty batch: a batch needs at least one example")
    size, refs = len(examples), max(len(e["refs"]) for e in examples)

    def width(seqs: Sequence[np.ndarray]) -> int:
        return max(1, max((len(s) for s in seqs), default=1))

    def padded_refs(field: str) -> np.ndarray:
        seqs = [e[field][r] if r < len(e[field]) else np.zeros(0, np.int64) for e in examples for r in range(refs)]
        return _pad(seqs, (size, refs, width(seqs)))

    batch: dict[str, Any] = {}
    for field in ("a", "a_codepoints", "context"):
        batch[field] = torch.from_numpy(_pad([e[field] for e in examples], (size, width([e[field] for e in examples]))))
    for field in ("b", "b_codepoints"):
        batch[field] = torch.from_numpy(padded_refs(field.replace("b", "refs", 1)))
    batch["a_mask"], batch["b_mask"], batch["context_mask"] = batch["a"] > 0, batch["b"] > 0, batch["context"] > 0
    lengths = np.asarray([len(e["refs"]) for e in examples])
    batch["ref_mask"] = torch.from_numpy(np.arange(refs)[None, :] < lengths[:, None])
    n_features = examples[0]["features"].shape[-1]
    features = np.zeros((size, refs, n_features), dtype=np.float32)
    for row, example in enumerate(examples):
        features[row, : len(example["features"])] = example["features"]
    batch["features"] = torch.from_numpy(features)
    batch["group"] = torch.as_tensor([int(e["group"]) for e in examples], dtype=torch.int64)
    if "score" in examples[0]:
        batch["score"] = torch.as_tensor([float(e["score"]) for e in examples], dtype=torch.float32)
    if "labels" in examples[0]:
        batch["labels"] = torch.as_tensor([int(e["labels"]) for e in examples], dtype=torch.int64)
    return batch
