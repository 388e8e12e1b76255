"""Lexical-overlap features of a text pair (a, reference): TF-IDF cosines in three spaces, length
and set-overlap ratios, and (for data with a context, such as the question of a short-answer item)
how much of ``a`` merely repeats the context.

Fitted on the train split's texts only (``a``, references and contexts: the IDF weights), then
applied to any split. Used by the no-training baseline stage and fed to the neural pair models
(the batch's ``features``). Saved as JSON and NPZ (vocabularies and IDF arrays, no pickle) and
rebuilt into the same vectorizers, so a loaded extractor computes exactly the same features.

    features = OverlapFeatures.from_examples(train)  # or OverlapFeatures.fit(texts, context=True)
    x = features.transform(answers, references, questions)  # [N, F], F = len(features.names)
    per_pair = features.transform_examples(test)  # [R_i, F] for each record
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from mtf_lib.io import atomic_write
from mtf_lib.text.normalize import to_halfwidth

FORMAT_VERSION = 1
CONFIG_FILE = "overlap.json"
IDF_FILE = "overlap_idf.npz"


def clean_chars(text: str) -> str:
    """The characters the features count: half-width, lower-cased, without whitespace, control
    characters or punctuation (a comma carries no overlap worth counting)."""
    return "".join(
        c
        for c in (to_halfwidth(ch).lower() for ch in text)
        if not c.isspace() and unicodedata.category(c)[0] not in ("P", "C")
    )


def char_unigrams(text: str) -> list[str]:
    return list(clean_chars(text))


def char_bigrams(text: str) -> list[str]:
    chars = clean_chars(text)
    return [chars[i : i + 2] for i in range(len(chars) - 1)]


@cache
def _jieba() -> Callable[[str], list[str]]:
    from mtf_lib.text.tokenizers import jieba_tokenizer

    return jieba_tokenizer()


@lru_cache(maxsize=1 << 16)  # a text is segmented once for fit and again for each transform
def words(text: str) -> tuple[str, ...]:
    """jieba words (precise mode) of the half-width, lower-cased text, each cleaned as above;
    a token left empty (a space, punctuation) is dropped."""
    tokens = (clean_chars(t) for t in _jieba()("".join(to_halfwidth(c) for c in text).lower()))
    return tuple(t for t in tokens if t)


# The TF-IDF spaces, by name: each one's analyzer (a text → its terms).
SPACES: dict[str, Callable[[str], Sequence[str]]] = {"char1": char_unigrams, "char2": char_bigrams, "word": words}
TFIDF = {"sublinear_tf": True, "smooth_idf": True, "norm": "l2"}  # fixed: the saved IDF depends on them

PAIR_NAMES = (
    "cos_char1",  # TF-IDF cosine over characters
    "cos_char2",  # ... over character bigrams
    "cos_word",  # ... over jieba words
    "len_ratio",  # min(len a, len ref) / max (characters as cleaned; 0 when either is empty)
    "jaccard_char1",  # |chars(a) ∩ chars(ref)| / |chars(a) ∪ chars(ref)|
    "jaccard_char2",  # the same over bigram sets
    "len_diff",  # |len a - len ref| / the mean length of a train text
    "recall_char2",  # share of the reference's bigrams found in a
    "precision_char2",  # share of a's bigrams found in the reference
)
CONTEXT_NAMES = (
    "context_char2",  # share of a's bigrams found in the context (repeating the question)
    "novel_recall_char2",  # share of the reference's bigrams outside the context found in a
)


def tfidf_vectorizer(space: str) -> Any:
    """An unfitted scikit-learn ``TfidfVectorizer`` over the terms of ``space`` (a key of ``SPACES``)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=SPACES[space], dtype=np.float64, **TFIDF)


class OverlapFeatures:
    """A fitted extractor: build one with ``fit`` (texts) or ``from_examples`` (records), or ``load``.

    ``context``: whether the features include the overlap of ``a`` with a context (fixed at fit:
    the number of features ``F`` must not depend on the split being transformed)."""

    def __init__(self, vectorizers: dict[str, Any], mean_length: float, context: bool = False) -> None:
        self._vectorizers = vectorizers
        self.mean_length = mean_length
        self.context = context

    @property
    def names(self) -> tuple[str, ...]:
        return PAIR_NAMES + (CONTEXT_NAMES if self.context else ())

    @classmethod
    def fit(cls, texts: Iterable[str], *, context: bool = False) -> OverlapFeatures:
        """IDF weights and the mean length from the train split's texts (a, refs and contexts)."""
        # Each distinct text once: a reference repeated beside every answer is one document.
        texts = sorted({t for t in texts if t})
        if not texts:
            raise ValueError("no texts to fit the overlap features on")
        vectorizers = {space: tfidf_vectorizer(space).fit(texts) for space in SPACES}
        mean_length = max(1.0, float(np.mean([len(clean_chars(t)) for t in texts])))
        return cls(vectorizers, mean_length, context)

    @classmethod
    def from_examples(cls, examples: Sequence[Any]) -> OverlapFeatures:
        """Fitted on the train split's records (``PairExample``s or preprocessed dicts with ``a``,
        ``refs``, ``context``); with the context features when any record has a context."""
        records = [record_fields(e) for e in examples]
        texts = [t for a, refs, context in records for t in (a, *refs, context)]
        return cls.fit(texts, context=any(context for _, _, context in records))

    def transform(self, a: Sequence[str], ref: Sequence[str], context: Sequence[str] | None = None) -> np.ndarray:
        """Features of the pairs ``(a[i], ref[i])``: float64 ``[N, F]``, columns as ``names``.
        ``context[i]``: the context of pair i (used only with ``context=True``; None = none)."""
        if len(a) != len(ref) or (context is not None and len(context) != len(a)):
            raise ValueError(f"{len(a)} texts a, {len(ref)} references, {len(context or ())} contexts")
        n = len(a)
        if n == 0:
            return np.zeros((0, len(self.names)))
        use_context = self.context and context is not None
        unique = sorted(set(a) | set(ref) | (set(context) if use_context else set()))
        index = {t: i for i, t in enumerate(unique)}
        ia = np.fromiter((index[t] for t in a), np.int64, n)
        ib = np.fromiter((index[t] for t in ref), np.int64, n)
        columns = []
        for space in SPACES:  # rows are L2-normalised: the cosine is the dot product
            x = self._vectorizers[space].transform(unique)
            columns.append(np.asarray(x[ia].multiply(x[ib]).sum(axis=1)).ravel())
        cleaned = [clean_chars(t) for t in unique]
        lengths = np.asarray([len(c) for c in cleaned], dtype=np.float64)
        chars = [set(c) for c in cleaned]
        bigrams = [{c[i : i + 2] for i in range(len(c) - 1)} for c in cleaned]
        la, lb = lengths[ia], lengths[ib]
        longer = np.maximum(la, lb)
        columns.append(np.divide(np.minimum(la, lb), longer, out=np.zeros(n), where=longer > 0))
        columns.append([_share(chars[i] & chars[j], chars[i] | chars[j]) for i, j in zip(ia, ib, strict=True)])
        columns.append([_share(bigrams[i] & bigrams[j], bigrams[i] | bigrams[j]) for i, j in zip(ia, ib, strict=True)])
        columns.append(np.abs(la - lb) / self.mean_length)
        columns.append([_share(bigrams[i] & bigrams[j], bigrams[j]) for i, j in zip(ia, ib, strict=True)])
        columns.append([_share(bigrams[i] & bigrams[j], bigrams[i]) for i, j in zip(ia, ib, strict=True)])
        if self.context:
            if use_context:
                ic = [index[t] for t in context]
                triples = list(zip(ia, ib, ic, strict=True))
                columns.append([_share(bigrams[i] & bigrams[k], bigrams[i]) for i, _, k in triples])
                novel = [bigrams[j] - bigrams[k] for _, j, k in triples]
                columns.append([_share(bigrams[i] & v, v) for (i, _, _), v in zip(triples, novel, strict=True)])
            else:
                columns += [np.zeros(n), np.zeros(n)]
        return np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])

    def transform_examples(self, examples: Sequence[Any]) -> list[np.ndarray]:
        """Each record's features (``PairExample`` or preprocessed dict) against each of its
        references: ``[R_i, F]``."""
        records = [record_fields(e) for e in examples]
        a = [a for a, refs, _ in records for _ in refs]
        ref = [r for _, refs, _ in records for r in refs]
        context = [c for _, refs, c in records for _ in refs]
        flat = self.transform(a, ref, context)
        bounds = np.cumsum([0] + [len(refs) for _, refs, _ in records])
        return [flat[bounds[i] : bounds[i + 1]] for i in range(len(examples))]

    def save(self, directory: str | Path) -> None:
        """``overlap.json`` (settings, names, vocabularies in index order) and ``overlap_idf.npz``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        vocabularies = {}
        for space, vectorizer in self._vectorizers.items():
            terms = [""] * len(vectorizer.vocabulary_)
            for term, i in vectorizer.vocabulary_.items():
                terms[i] = term
            vocabularies[space] = terms
        config = {
            "format_version": FORMAT_VERSION,
            "context": self.context,
            "mean_length": self.mean_length,
            "names": list(self.names),
            "tfidf": TFIDF,
            "vocabularies": vocabularies,
        }
        with atomic_write(directory / CONFIG_FILE, "w") as handle:
            json.dump(config, handle, ensure_ascii=False)
        with atomic_write(directory / IDF_FILE) as handle:
            np.savez(handle, **{space: v.idf_ for space, v in self._vectorizers.items()})

    @classmethod
    def load(cls, directory: str | Path) -> OverlapFeatures:
        directory = Path(directory)
        config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
        if config.get("format_version") != FORMAT_VERSION or config.get("tfidf") != TFIDF:
            raise ValueError(f"{directory / CONFIG_FILE}: saved by another version of the overlap features")
        vectorizers = {}
        with np.load(directory / IDF_FILE, allow_pickle=False) as idf:
            for space in SPACES:
                vectorizer = tfidf_vectorizer(space)
                vectorizer.set_params(vocabulary={t: i for i, t in enumerate(config["vocabularies"][space])})
                vectorizer.idf_ = idf[space]
                vectorizers[space] = vectorizer
        features = cls(vectorizers, float(config["mean_length"]), bool(config["context"]))
        if list(features.names) != config["names"]:
            raise ValueError(
                f"{directory / CONFIG_FILE}: features {config['names']}, this version has {features.names}"
            )
        return features


def record_fields(example: Any) -> tuple[str, tuple[str, ...], str]:
    """``(a, refs, context)`` of a ``PairExample`` (attributes) or a preprocessed record (a dict)."""
    if isinstance(example, Mapping):
        return example["a"], tuple(example["refs"]), example.get("context", "")
    return example.a, tuple(example.refs), example.context


def _share(part: set, whole: set) -> float:
    return len(part) / len(whole) if whole else 0.0
