"""pair_scores.v1 / pair_labels.v1: correlations, RMSE and QWK against scipy and scikit-learn, per group,
and degenerate inputs (constant predictions, one pair) that must not produce NaN."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import cohen_kappa_score, mean_squared_error

import mtf_lib.tasks.pair_scoring.metrics  # noqa: F401 - registers the metrics
from mtf_lib import registry
from mtf_lib.metrics.pair import pair_scores, score_range
from mtf_lib.metrics.scores import metric_scores

GOLD = ["0", "1", "2", "3", "4", "5", "5", "2"]
PREDICTED = [0.4, 1.6, 1.2, 3.3, 4.7, 6.2, 4.4, -0.8]


def test_tags() -> None:
    assert metric_scores("pair_scores.v1") == ("pearson", "spearman", "rmse", "qwk")
    tags = registry.metrics.tags("pair_scores.v1")
    assert tags["task_type"] == "pair_scoring" and tags["minimize"] == ("rmse",) and tags["kind"] == "score"
    assert registry.metrics.tags("pair_labels.v1")["kind"] == "label"


def test_against_scipy_and_sklearn() -> None:
    scores = registry.metrics.get("pair_scores.v1")(low=0, high=5)(GOLD, PREDICTED)
    y, p = np.asarray(GOLD, dtype=float), np.asarray(PREDICTED)
    rounded = [0, 2, 1, 3, 5, 5, 4, 0]  # rint (half to even), then clipped to [0, 5]
    assert scores.overall == pytest.approx(
        {
            "pearson": pearsonr(y, p).statistic,
            "spearman": spearmanr(y, p).statistic,
            "rmse": math.sqrt(mean_squared_error(y, p)),
            "qwk": cohen_kappa_score(y.astype(int), rounded, weights="quadratic", labels=range(6)),
        }
    )
    assert scores.groups == {}


def test_qwk_rounds_and_clips_to_the_range() -> None:
    exact = pair_scores([0, 5, 10], [0.0, 5.0, 10.0], 0, 10)["qwk"]
    near = pair_scores([0, 5, 10], [-3.0, 5.4, 14.0], 0, 10)["qwk"]  # -3 → 0, 5.4 → 5, 14 → 10
    assert exact == near == 1.0
    # The range clips: 9 counts as the top score 5 on [0, 5], as a 9 on [0, 10].
    gold, predicted = [0, 2, 5], [0.0, 2.0, 9.0]
    assert pair_scores(gold, predicted, 0, 5)["qwk"] == 1.0
    assert pair_scores(gold, predicted, 0, 10)["qwk"] == pytest.approx(
        cohen_kappa_score(gold, [0, 2, 9], weights="quadratic", labels=range(11))
    )
    assert pair_scores(gold, predicted, 0, 10)["qwk"] < 1.0


def test_score_range() -> None:
    assert score_range([0.5, 3.2], 0, 5) == (0, 5)
    assert score_range([0.5, 3.2]) == (0, 4)  # from the gold scores
    assert score_range([2.0], 0.5, 4.5) == (1, 4)  # the integers inside [low, high]
    with pytest.raises(ValueError, match="empty score range"):
        score_range([1.0], 2.2, 2.8)


def test_constant_predictions_and_single_pairs_give_no_nan() -> None:
    metric = registry.metrics.get("pair_scores.v1")(low=0, high=5)
    scores = metric(GOLD, [2.5] * len(GOLD), ["q1"] * 4 + ["q2"] * 3 + ["q3"])
    assert scores.overall["pearson"] == scores.overall["spearman"] == 0.0
    assert scores.overall["qwk"] == pytest.approx(0.0)
    for group in scores.groups.values():
        assert all(math.isfinite(v) for v in group.values())
    assert scores.groups["q3"] == {"pearson": 0.0, "spearman": 0.0, "rmse": 0.5, "qwk": 0.0, "support": 1}
    assert metric([3, 3], [3.0, 3.0]).overall == {"pearson": 0.0, "spearman": 0.0, "rmse": 0.0, "qwk": 0.0}
    assert metric([], []).overall["rmse"] == 0.0


def test_per_group_scores() -> None:
    groups = ["b", "a", "b", "a", "b", "a", "b", "a"]
    scores = registry.metrics.get("pair_scores.v1")(low=0, high=5)(GOLD, PREDICTED, groups)
    assert list(scores.groups) == ["a", "b"]
    chosen = [i for i, g in enumerate(groups) if g == "a"]
    expected = pair_scores([float(GOLD[i]) for i in chosen], [PREDICTED[i] for i in chosen], 0, 5)
    assert scores.groups["a"] == {**expected, "support": 4}
    assert registry.metrics.get("pair_scores.v1")(low=0, high=5)(GOLD, PREDICTED, [""] * 8).groups == {}


def test_length_mismatch() -> None:
    with pytest.raises(ValueError, match="gold scores but"):
        registry.metrics.get("pair_scores.v1")()(GOLD, PREDICTED[:3])


def test_pair_labels() -> None:
    scores = registry.metrics.get("pair_labels.v1")()(["yes", "no", "yes"], ["yes", "yes", "yes"], ["q"] * 3)
    assert scores.overall["accuracy"] == pytest.approx(2 / 3)
    assert scores.groups["yes"]["support"] == 2


def test_score_scatter_writes_a_png(tmp_path: Path) -> None:
    from mtf_lib import plots

    plots.score_scatter(GOLD, PREDICTED, tmp_path / "scatter.png", "test: predicted vs gold")
    plots.score_scatter([], [], tmp_path / "empty.png", "nothing")
    assert (tmp_path / "scatter.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "empty.png").stat().st_size > 0
