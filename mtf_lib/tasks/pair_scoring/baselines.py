"""The baseline stage's scorers that need no neural training, for kind "score" targets:

- ``tfidf_cosine``: the char-unigram TF-IDF cosine of ``a`` and its closest reference, mapped to the
  score scale by a linear fit on train; with groups (questions), by a fit per group that has at
  least ``min_group`` train pairs, the global fit elsewhere. (A global linear map leaves Spearman
  unchanged; it puts RMSE and QWK on the score scale.)
- ``gbdt_overlap``: scikit-learn's ``HistGradientBoostingRegressor`` over the lexical-overlap
  features (``mtf_lib.text.overlap``; each feature's maximum over the references), plus the group
  as a categorical feature where there are groups.

- ``encoder_cosine`` (when ``baseline.encoder`` names a pretrained sentence encoder): its zero-shot
  cosine, mapped to the score scale like the TF-IDF one.

All are fitted on the train split only, with fixed hyperparameters, and predict on the original
score scale, clipped to ``[low, high]`` (the declared range; by default the train targets' range).
Records are ``PairExample``s or preprocessed dicts (``a``, ``refs``, ``context``, ``group``,
``target``: a number or its string)::

    predicted = BASELINES["gbdt_overlap"](train, test, seed=0, low=0, high=10)  # float64 [N]
    model = GBDTBaseline().fit(train); model.predict(dev)  # the same, reusable
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from mtf_lib.text.overlap import OverlapFeatures, record_fields, tfidf_vectorizer

MAX_GROUP_CATEGORIES = 250  # HistGradientBoosting's categorical features take at most 255 values


def _get(example: Any, name: str, default: Any = "") -> Any:
    if isinstance(example, Mapping):
        return example.get(name, default)
    return getattr(example, name, default)


def targets(examples: Sequence[Any]) -> np.ndarray:
    """The records' targets as floats (ValueError naming the line of one that is not a number)."""
    values = []
    for i, e in enumerate(examples):
        try:
            values.append(float(_get(e, "target")))
        except (TypeError, ValueError):
            where = f"line {_get(e, 'line', 0)}" if _get(e, "line", 0) else f"record {i + 1}"
            raise ValueError(
                f"{where}: target {_get(e, 'target')!r} is not a number; a baseline needs scores"
            ) from None
    return np.asarray(values, dtype=np.float64)


def _bounds(y: np.ndarray, low: float | None, high: float | None) -> tuple[float, float]:
    return (float(y.min()) if low is None else float(low), float(y.max()) if high is None else float(high))


class CosineBaseline:
    """Char-unigram TF-IDF cosine (max over the references), linearly mapped to the score scale."""

    def __init__(self, min_group: int = 20, low: float | None = None, high: float | None = None) -> None:
        self.min_group = min_group
        self.low, self.high = low, high
        self.vectorizer: Any = None
        self.fits: dict[str, tuple[float, float]] = {}  # group → (slope, intercept); "" = the global fit
        self.range = (0.0, 1.0)

    def fit_vectors(self, texts: list[str]) -> None:
        self.vectorizer = tfidf_vectorizer("char1").fit(texts)

    def vectors(self, texts: list[str]) -> Any:
        """Unit-length rows, one per text (sparse TF-IDF here)."""
        return self.vectorizer.transform(texts)

    def cosines(self, examples: Sequence[Any]) -> np.ndarray:
        """Each record's highest cosine over its references: float64 [N]."""
        records = [record_fields(e) for e in examples]
        a = [a for a, refs, _ in records for _ in refs]
        refs = [r for _, rs, _ in records for r in rs]
        texts = sorted(set(a) | set(refs))
        index = {t: i for i, t in enumerate(texts)}
        x = self.vectors(texts)
        ia, ib = [index[t] for t in a], [index[t] for t in refs]
        product = x[ia].multiply(x[ib]) if hasattr(x, "multiply") else x[ia] * x[ib]
        pair = np.asarray(product.sum(axis=1)).ravel()
        return _max_per_record(pair, [len(rs) for _, rs, _ in records])

    def fit(self, examples: Sequence[Any]) -> CosineBaseline:
        y = targets(examples)
        self.range = _bounds(y, self.low, self.high)
        texts = {t for a, refs, context in map(record_fields, examples) for t in (a, *refs, context) if t}
        self.fit_vectors(sorted(texts))
        x = self.cosines(examples)
        self.fits = {"": _linear(x, y)}
        groups = np.asarray([str(_get(e, "group")) for e in examples])
        for group in sorted(set(groups) - {""}):
            chosen = groups == group
            if chosen.sum() >= self.min_group and np.ptp(x[chosen]) > 0:
                self.fits[group] = _linear(x[chosen], y[chosen])
        return self

    def predict(self, examples: Sequence[Any]) -> np.ndarray:
        x = self.cosines(examples)
        fits = [self.fits.get(str(_get(e, "group")), self.fits[""]) for e in examples]
        slope, intercept = np.asarray(fits, dtype=np.float64).reshape(-1, 2).T
        return np.clip(slope * x + intercept, *self.range)


class EncoderCosineBaseline(CosineBaseline):
    """A pretrained sentence encoder with no training (zero-shot): the cosine of its pooled
    vectors (max over the references), linearly mapped to the score scale like the TF-IDF one."""

    def __init__(self, encoder: Mapping[str, Any], batch_size: int = 64, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.section, self.batch_size = encoder, batch_size
        self.encoder: Any = None

    def fit_vectors(self, texts: list[str]) -> None:
        from mtf_lib import registry

        self.encoder = registry.encoders.build(self.section).eval()

    def vectors(self, texts: list[str]) -> np.ndarray:
        import torch

        out = []
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                chunk = texts[start : start + self.batch_size]
                codepoints = torch.zeros((len(chunk), max(1, max(map(len, chunk)))), dtype=torch.long)
                for row, text in enumerate(chunk):
                    codepoints[row, : len(text)] = torch.tensor([ord(c) for c in text], dtype=torch.long)
                out.append(torch.nn.functional.normalize(self.encoder.pooled(codepoints).float(), dim=-1).numpy())
        return np.concatenate(out).astype(np.float64)


class GBDTBaseline:
    """Gradient-boosted trees over the overlap features (and the group), fixed hyperparameters.
    ``features``: an extractor already fitted on train to reuse; by default one is fitted on the
    train records. ``threads``: OpenMP threads for the trees (one is fastest at these sizes, and
    several spin badly on a loaded machine: 12 s against 4.7 s for STS-B's 5k pairs)."""

    PARAMS = {
        "learning_rate": 0.05,
        "max_iter": 300,
        "max_leaf_nodes": 15,
        "min_samples_leaf": 20,
        "l2_regularization": 1.0,
        "early_stopping": False,
    }

    def __init__(
        self,
        features: OverlapFeatures | None = None,
        random_state: int = 0,
        low: float | None = None,
        high: float | None = None,
        threads: int = 1,
    ) -> None:
        self.features = features
        self.random_state = random_state
        self.threads = threads
        self.low, self.high = low, high
        self.groups: dict[str, int] = {}
        self.model: Any = None
        self.range = (0.0, 1.0)

    def matrix(self, examples: Sequence[Any]) -> np.ndarray:
        """Each record's features (max over its references), then its group's code (NaN = unknown)."""
        rows = np.stack([per_ref.max(axis=0) for per_ref in self.features.transform_examples(examples)])
        if not self.groups:
            return rows
        codes = np.asarray([self.groups.get(str(_get(e, "group")), np.nan) for e in examples], dtype=np.float64)
        return np.column_stack([rows, codes])

    def fit(self, examples: Sequence[Any]) -> GBDTBaseline:
        from sklearn.ensemble import HistGradientBoostingRegressor

        y = targets(examples)
        self.range = _bounds(y, self.low, self.high)
        if self.features is None:
            self.features = OverlapFeatures.from_examples(examples)
        names = sorted({str(_get(e, "group")) for e in examples} - {""})
        self.groups = {g: i for i, g in enumerate(names)} if 1 < len(names) <= MAX_GROUP_CATEGORIES else {}
        x = self.matrix(examples)
        categorical = [False] * len(self.features.names) + ([True] if self.groups else [])
        self.model = HistGradientBoostingRegressor(
            categorical_features=np.asarray(categorical), random_state=self.random_state, **self.PARAMS
        )
        with threadpool_limits(self.threads, user_api="openmp"):
            self.model.fit(x, y)
        return self

    def predict(self, examples: Sequence[Any]) -> np.ndarray:
        x = self.matrix(examples)
        with threadpool_limits(self.threads, user_api="openmp"):
            return np.clip(self.model.predict(x), *self.range)


def tfidf_cosine(
    train: Sequence[Any], test: Sequence[Any], *, seed: int = 0, low: float | None = None, high: float | None = None
) -> np.ndarray:
    """``CosineBaseline`` fitted on ``train``, its predictions on ``test`` (``seed``: unused, no randomness)."""
    return CosineBaseline(low=low, high=high).fit(train).predict(test)


def gbdt_overlap(
    train: Sequence[Any], test: Sequence[Any], *, seed: int = 0, low: float | None = None, high: float | None = None
) -> np.ndarray:
    """``GBDTBaseline`` (``random_state=seed``) fitted on ``train``, its predictions on ``test``."""
    return GBDTBaseline(random_state=seed, low=low, high=high).fit(train).predict(test)


def encoder_cosine(
    train: Sequence[Any],
    test: Sequence[Any],
    *,
    encoder: Mapping[str, Any],
    seed: int = 0,
    low: float | None = None,
    high: float | None = None,
) -> np.ndarray:
    """``EncoderCosineBaseline`` of ``encoder`` (zero-shot; its linear map fitted on ``train``) on
    ``test`` (``seed``: unused, no randomness)."""
    return EncoderCosineBaseline(encoder, low=low, high=high).fit(train).predict(test)


Baseline = Callable[..., np.ndarray]
BASELINES: dict[str, Baseline] = {"tfidf_cosine": tfidf_cosine, "gbdt_overlap": gbdt_overlap}


def _linear(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares ``y ≈ slope * x + intercept`` (a flat line at the mean when ``x`` is constant)."""
    if len(x) < 2 or np.ptp(x) == 0:
        return 0.0, float(y.mean())
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def _max_per_record(pair: np.ndarray, counts: Sequence[int]) -> np.ndarray:
    bounds = np.cumsum([0, *counts])
    return np.asarray([pair[bounds[i] : bounds[i + 1]].max() for i in range(len(counts))])
