"""Scores of predicted pair scores against gold ones: Pearson and Spearman correlation (scipy),
RMSE and quadratic-weighted kappa (scikit-learn), overall and per group (e.g. per question).

Scores are computed on the original score scale ``[lo, hi]``. QWK compares integers: gold and
predicted scores are rounded to the nearest integer and clipped to ``[ceil(lo), floor(hi)]``.
A correlation or kappa that is undefined (a constant prediction, a group of one pair) is
reported as 0.0, never NaN, so a degenerate model scores low instead of breaking the monitor.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np


def score_range(gold: Sequence[float], lo: float | None = None, hi: float | None = None) -> tuple[int, int]:
    """The integer QWK scale: ``[ceil(lo), floor(hi)]``; an unset end is taken from the gold
    scores (their floor / ceiling)."""
    values = np.asarray(gold, dtype=np.float64)
    low = math.floor(values.min()) if lo is None else math.ceil(lo)
    high = math.ceil(values.max()) if hi is None else math.floor(hi)
    if high < low:
        raise ValueError(f"empty score range [{lo}, {hi}]")
    return int(low), int(high)


def pair_scores(gold: Sequence[float], predicted: Sequence[float], lo: int, hi: int) -> dict[str, float]:
    """``pearson``, ``spearman``, ``rmse``, ``qwk`` (integer scale ``[lo, hi]``) of ``predicted``."""
    from scipy.stats import pearsonr, spearmanr
    from sklearn.metrics import cohen_kappa_score, mean_squared_error

    y = np.asarray(gold, dtype=np.float64)
    p = np.asarray(predicted, dtype=np.float64)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError(f"{y.shape} gold scores but {p.shape} predictions")
    if len(y) == 0:
        return {"pearson": 0.0, "spearman": 0.0, "rmse": 0.0, "qwk": 0.0}
    varies = len(y) > 1 and np.ptp(y) > 0 and np.ptp(p) > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant input: reported as 0 below
        pearson = float(pearsonr(y, p).statistic) if varies else 0.0
        spearman = float(spearmanr(y, p).statistic) if varies else 0.0
        labels = list(range(lo, hi + 1))
        kappa = float(cohen_kappa_score(_integers(y, lo, hi), _integers(p, lo, hi), labels=labels, weights="quadratic"))
    return {
        "pearson": _finite(pearson),
        "spearman": _finite(spearman),
        "rmse": float(np.sqrt(mean_squared_error(y, p))),
        "qwk": _finite(kappa),
    }


def grouped_pair_scores(
    gold: Sequence[float], predicted: Sequence[float], groups: Sequence[str], lo: int, hi: int
) -> dict[str, dict[str, float]]:
    """``{group: {pearson, spearman, rmse, qwk, support}}`` for each group, in sorted order."""
    if len(groups) != len(gold):
        raise ValueError(f"{len(gold)} gold scores but {len(groups)} groups")
    y, p, g = np.asarray(gold, dtype=np.float64), np.asarray(predicted, dtype=np.float64), np.asarray(groups)
    out = {}
    for group in sorted(set(groups)):
        chosen = g == group
        out[str(group)] = pair_scores(y[chosen], p[chosen], lo, hi) | {"support": int(chosen.sum())}
    return out


def _integers(values: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.clip(np.rint(values), lo, hi).astype(np.int64)


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 0.0
