"""metrics/dev.json: the kept model's dev scores, read back from its bundle's meta."""

from __future__ import annotations

from mtf_lib.tasks.fitting import dev_summary

SCORES = {"f1": 0.9, "precision": 0.88, "recall": 0.92}


def test_one_model_reports_its_scores_and_best_epoch() -> None:
    meta = {"dev_metrics": {**SCORES, "epoch": 7, "train_loss": 0.3}, "best_epoch": 7}
    assert dev_summary(meta) == {**SCORES, "best_epoch": 7}


def test_one_member_ensemble_field_is_a_single_model() -> None:
    meta = {"dev_metrics": SCORES, "best_epoch": 4, "members": [{"seed": 1, "best_epoch": 4, "dev_metrics": SCORES}]}
    assert dev_summary(meta) == {**SCORES, "best_epoch": 4}


def test_an_ensemble_reports_its_own_scores_only() -> None:
    """Its members' seeds, best epochs and scores stay in the bundle: dev.json stays flat and narrow."""
    members = [
        {"seed": 42, "best_epoch": 10, "dev_metrics": {"f1": 0.8, "epoch": 10, "train_loss": 0.2}},
        {"seed": 43, "best_epoch": 15, "dev_metrics": {"f1": 0.85, "epoch": 15, "train_loss": 0.1}},
    ]
    assert dev_summary({"dev_metrics": SCORES, "best_epoch": None, "members": members}) == SCORES
