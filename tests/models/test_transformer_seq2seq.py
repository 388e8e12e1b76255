"""The Transformer: teacher-forced logits equal step-by-step decoding with the cache, source
padding changes nothing, embeddings are tied as asked, and the loss trains."""

from __future__ import annotations

import pytest
import torch

from mtf_lib import registry
from mtf_lib.models.transformer_seq2seq import TransformerSeq2Seq

registry.task_types.get("seq2seq").load_components()


def model(**settings: object) -> TransformerSeq2Seq:
    torch.manual_seed(0)
    section = {
        "name": "transformer_seq2seq.v1",
        "dim": 32,
        "layers": 2,
        "decoder_layers": 2,
        "heads": 4,
        "ffn": 64,
        "dropout": 0.0,
        **settings,
    }
    return registry.models.build(section, 20, 20 if settings.get("share_embeddings") == "all" else 15, 16).eval()


@pytest.mark.parametrize("positions", ["sinusoidal", "learnt"])
def test_teacher_forcing_equals_cached_steps(positions: str) -> None:
    m = model(positions=positions)
    source = torch.tensor([[5, 6, 7, 8], [9, 10, 0, 0]])
    target_in = torch.tensor([[2, 5, 6, 7, 8], [2, 9, 4, 11, 12]])
    forced = torch.log_softmax(m({"source": source, "target_in": target_in})["logits"], -1)
    state, prefix = m.start(source)
    for t in range(target_in.shape[1]):
        stepped = m.step(state, target_in[:, : t + 1])
        assert torch.allclose(stepped, forced[:, t], atol=1e-5)


def test_source_padding_changes_nothing() -> None:
    m = model()
    target_in = torch.tensor([[2, 5, 6]])
    short = m({"source": torch.tensor([[5, 6, 7]]), "target_in": target_in})["logits"]
    padded = m({"source": torch.tensor([[5, 6, 7, 0, 0, 0]]), "target_in": target_in})["logits"]
    assert torch.allclose(short, padded, atol=1e-5)


def test_shared_embeddings() -> None:
    names = {setting: set(model(share_embeddings=setting).state_dict()) for setting in ("none", "decoder", "all")}
    assert {"source_embed.weight", "target_embed.weight", "output.weight"} <= names["none"]
    assert "output.weight" not in names["decoder"] and "target_embed.weight" in names["decoder"]
    assert not {"output.weight", "target_embed.weight"} & names["all"]
    tied = model(share_embeddings="decoder")
    x = torch.randn(1, 2, 32)
    assert torch.allclose(tied._logits(x), x @ tied.target_embed.weight.T)


def test_the_loss_falls_on_a_copy_task() -> None:
    m = model(dropout=0.1).train()
    torch.manual_seed(1)
    source = torch.randint(4, 15, (16, 5))
    batch = {
        "source": source,
        "target_in": torch.cat([torch.full((16, 1), 2), source], 1),
        "target_out": torch.cat([source, torch.full((16, 1), 3)], 1),
    }
    optimizer = torch.optim.Adam(m.parameters(), lr=3e-3)
    first = m(batch)["loss"].item()
    for _ in range(60):
        optimizer.zero_grad()
        m(batch)["loss"].backward()
        optimizer.step()
    assert m(batch)["loss"].item() < first / 2
