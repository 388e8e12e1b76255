"""TextCNN and BiLSTM-attention classifiers: shapes, loss, padding invariance; the class loss and its settings."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from mtf_lib import registry
from mtf_lib.config import ComponentError
from mtf_lib.data.vocab import Vocab
from mtf_lib.models.class_loss import balanced_class_weights
from mtf_lib.tasks.classification.features import collate
from mtf_lib.tasks.classification.infer import class_probabilities

VOCABS = {"tokens": Vocab([f"w{i}" for i in range(30)]), "labels": Vocab(["a", "b", "c", "d"], unknown=False)}
SMALL = {
    "textcnn.v1": {"embed_dim": 8, "filters": 4, "kernel_sizes": [1, 2, 5]},
    "bilstm_attention.v1": {"embed_dim": 8, "hidden": 6, "layers": 2, "attention_dim": 5},
}


def model(name: str, label_counts: list[int] | None = None, **settings: Any) -> torch.nn.Module:
    torch.manual_seed(0)
    section = {"name": name, **SMALL[name], **settings}
    return registry.models.build(section, VOCABS, VOCABS["labels"], label_counts).eval()


def example(*ids: int, label: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"tokens": np.asarray(ids, dtype=np.int64)}
    if label is not None:
        out["labels"] = label
    return out


@pytest.mark.parametrize("name", list(SMALL))
def test_forward_shapes_and_loss(name: str) -> None:
    m = model(name)
    batch = collate([example(2, 3, 4, label=0), example(5, label=3), example(6, 7, label=1)])
    assert batch["tokens"].shape == batch["mask"].shape == (3, 3)
    out = m(batch)
    assert out["logits"].shape == (3, 4)
    assert out["loss"].shape == () and torch.isfinite(out["loss"])
    out["loss"].backward()
    assert "loss" not in m({k: v for k, v in batch.items() if k != "labels"})


@pytest.mark.parametrize("name", list(SMALL))
def test_padding_does_not_change_logits(name: str) -> None:
    m = model(name)
    texts = [example(2, 3, 4), example(5), example(6, 7, 8, 9, 10, 11, 12, 13), example()]
    alone = torch.cat([m(collate([t]))["logits"] for t in texts])
    padded = m(collate(texts))["logits"]
    torch.testing.assert_close(padded, alone)
    # Garbage token ids under the mask are ignored too, not just pad ids.
    batch = collate(texts)
    batch["tokens"][~batch["mask"]] = 29
    torch.testing.assert_close(m(batch)["logits"], alone)


@pytest.mark.parametrize("name", list(SMALL))
def test_class_probabilities_keep_input_order(name: str) -> None:
    m = model(name)
    ids = [
        {"tokens": np.asarray(x, dtype=np.int64), "codepoints": np.asarray([0x4E00 + t for t in x], dtype=np.int64)}
        for x in ([2, 3, 4, 5, 6], [7], [], [8, 9])
    ]
    probabilities = class_probabilities(m, ids, 4, batch_size=2)
    assert probabilities.shape == (4, 4)
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)
    for row, one in zip(probabilities, ids, strict=True):
        np.testing.assert_allclose(class_probabilities(m, [one], 4)[0], row, rtol=1e-5, atol=1e-6)


def test_balanced_weights_follow_scikit_learn() -> None:
    from sklearn.utils.class_weight import compute_class_weight

    y = np.asarray([0] * 6 + [1] * 3 + [3] * 1)
    expected = compute_class_weight("balanced", classes=np.asarray([0, 1, 3]), y=y)
    weights = balanced_class_weights([6, 3, 0, 1])
    np.testing.assert_allclose(weights.numpy()[[0, 1, 3]], expected, rtol=1e-6)
    assert torch.isfinite(weights).all()  # a class missing from train keeps a finite weight


def test_balanced_class_weights_change_the_loss() -> None:
    batch = collate([example(2, 3, label=0), example(4, label=1)])
    plain = model("textcnn.v1")(batch)["loss"]
    weighted = model("textcnn.v1", [9, 1, 1, 1], class_weights="balanced")(batch)["loss"]
    assert not torch.isclose(plain, weighted)
    # The weights are derived from the data, not learnt: not part of the saved weights.
    assert not any("weight" in k and "loss" in k for k in model("textcnn.v1", [1, 1, 1, 1]).state_dict())


def test_balanced_class_weights_need_label_counts() -> None:
    with pytest.raises(ValueError, match="needs the train label counts"):
        model("bilstm_attention.v1", None, class_weights="balanced")


def test_label_smoothing_raises_the_loss_of_a_confident_model() -> None:
    m = model("textcnn.v1", label_smoothing=0.2)
    logits = torch.tensor([[20.0, -20.0, -20.0, -20.0]])
    assert m.loss(logits, torch.tensor([0])) > 1.0
    assert model("textcnn.v1").loss(logits, torch.tensor([0])) < 1e-6


@pytest.mark.parametrize(
    ("name", "settings", "problem"),
    [
        ("textcnn.v1", {"kernel_sizes": []}, "at least 1 item"),
        ("textcnn.v1", {"kernel_sizes": [0]}, "greater than or equal to 1"),
        ("textcnn.v1", {"class_weights": "inverse"}, "'none' or 'balanced'"),
        ("bilstm_attention.v1", {"label_smoothing": 1.0}, "less than 1"),
    ],
)
def test_settings_are_validated(name: str, settings: dict[str, Any], problem: str) -> None:
    with pytest.raises(ComponentError, match=problem):
        model(name, **settings)
