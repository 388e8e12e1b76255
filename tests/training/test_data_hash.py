"""A checkpoint made on other training data is not resumed; the data's fingerprint hashes
arrays by content, so re-saving the same arrays keeps it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from mtf_lib.tasks.sections import TrainParams
from mtf_lib.training.fingerprint import data_hash
from mtf_lib.training.trainer import Trainer
from tests.training.test_trainer import Toy, neg_loss, toy_batches


def test_the_same_arrays_saved_again_keep_their_hash(tmp_path: Path) -> None:
    folder = tmp_path / "dataset"
    (folder / "vocab").mkdir(parents=True)
    (folder / "vocab" / "chars.json").write_text('{"tokens": ["a"]}', encoding="utf-8")
    np.savez(folder / "train.npz", ids=np.arange(5))
    first = data_hash([folder])
    np.savez(folder / "train.npz", ids=np.arange(5))  # another zip, the same arrays
    np.savez(folder / "test.npz", ids=np.arange(3))  # training never reads test
    assert data_hash([folder]) == first
    np.savez(folder / "train.npz", ids=np.arange(6))
    assert data_hash([folder]) != first
    np.savez(folder / "train.npz", ids=np.arange(5))
    (folder / "vocab" / "chars.json").write_text('{"tokens": ["b"]}', encoding="utf-8")
    assert data_hash([folder]) != first


def fit(tmp: Path, data: str | None, epochs: int = 3) -> Trainer:
    torch.manual_seed(0)
    batches = toy_batches()
    settings = TrainParams(epochs=epochs, lr=0.05, device="cpu")
    trainer = Trainer(Toy(), batches, neg_loss(batches), settings, tmp, "hash", [], progress=False, data_hash=data)
    trainer.fit()
    return trainer


def test_a_checkpoint_of_other_data_is_not_resumed(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    fit(tmp_path, "data-1")
    assert fit(tmp_path, "data-1").fit().resumed_from_epoch == 3  # the same data: finished, resumed
    capsys.readouterr()
    again = fit(tmp_path, "data-2")
    assert "made on other training data" in capsys.readouterr().err
    assert again.history and again.history[0]["epoch"] == 1  # trained from the start


def test_a_checkpoint_from_before_data_hashes_is_resumed(tmp_path: Path) -> None:
    fit(tmp_path, None)
    assert fit(tmp_path, "data-1").fit().resumed_from_epoch == 3
