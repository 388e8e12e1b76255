"""A score model's outputs are mapped onto the target's range by a line fitted on dev; where no
increasing line fits (the outputs fall as the gold scores rise), the outputs' dev range is mapped
instead, so the served scores keep their order and never all clip to one end of the range."""

from __future__ import annotations

import dataclasses

import numpy as np

from mtf_lib.data.vocab import Vocab
from mtf_lib.tasks.pair_scoring.encode import PairEncoder
from mtf_lib.tasks.pair_scoring.train import Calibration, calibration

ENCODER = PairEncoder({"tokens": Vocab([]), "groups": Vocab([])}, None, "score", 1.0, 5.0, 32)
GOLD = [1.0, 2.0, 3.0, 4.0, 5.0]


def scores(outputs: np.ndarray, line: Calibration) -> list[float]:
    served = dataclasses.replace(ENCODER, slope=line.slope, intercept=line.intercept)
    return [served.score_of(u) for u in outputs]


def test_outputs_that_rise_with_the_gold_scores_get_the_least_squares_line() -> None:
    outputs = np.array([-3.0, -1.0, 1.0, 3.0, 5.0])  # a ranking loss: any scale
    line = calibration(outputs, GOLD, ENCODER)
    assert line.fitted
    np.testing.assert_allclose(scores(outputs, line), GOLD)


def test_outputs_that_fall_are_mapped_by_their_range_not_clipped_to_one_end() -> None:
    outputs = np.array([7.0, 6.5, 9.0, 8.0, 6.0])  # far outside [0, 1]: the identity would clip all to 5
    line = calibration(outputs, GOLD, ENCODER)
    assert not line.fitted
    served = scores(outputs, line)
    assert min(served) == 1.0 and max(served) == 5.0
    assert list(np.argsort(served)) == list(np.argsort(outputs))  # every rank kept


def test_constant_outputs_keep_the_identity() -> None:
    line = calibration(np.full(5, 0.4), GOLD, ENCODER)
    assert (line.slope, line.intercept, line.fitted) == (1.0, 0.0, False)
