"""BiLSTM tagger: unknown-char dropout acts in training only, never on padding or <unk>."""

from __future__ import annotations

import torch

from mtf_lib.models.bilstm_tagger import BiLSTMTagger
from mtf_lib.models.heads import CRFLoss


def tagger(unk_dropout: float) -> BiLSTMTagger:
    torch.manual_seed(0)
    return BiLSTMTagger(n_chars=50, n_tags=5, head=CRFLoss(5), char_dim=8, hidden=8, unk_dropout=unk_dropout)


def test_unk_dropout_replaces_known_ids_while_training_only() -> None:
    model = tagger(0.5)
    ids = torch.tensor([[0, 1] + list(range(2, 50))] * 20)
    model.train()
    dropped = model._as_unknown(ids)
    changed = dropped != ids
    assert changed.any()
    assert (dropped[changed] == 1).all()  # replaced by <unk>
    assert not changed[:, :2].any()  # padding and <unk> stay
    assert 0.4 < changed[:, 2:].float().mean().item() < 0.6
    model.eval()
    assert torch.equal(model._as_unknown(ids), ids)


def test_no_dropout_is_the_identity_in_training() -> None:
    model = tagger(0.0).train()
    ids = torch.randint(0, 50, (4, 7))
    assert model._as_unknown(ids) is ids
