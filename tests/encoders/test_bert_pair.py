"""The BERT pair scorers on a tiny BERT made from a config (offline): the cross-encoder frames
and truncates a pair as the model's own tokenizer does, both models give score and label
outputs, ignore padding and absent references, learn in a few steps, keep the encoder's own
learning rates, and round-trip their state_dict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

import mtf_lib.models.pair_scorers  # noqa: F401 - registers the pair-scoring components
from mtf_lib import registry
from mtf_lib.data.vocab import Vocab
from mtf_lib.encoders.pretrained import params_folder
from mtf_lib.models.pair_types import PairTarget
from tests.encoders.tiny_models import encoder_section, make_tiny_bert

VOCABS = {"tokens": Vocab([])}
SCORE = PairTarget("score")
LABEL = PairTarget("label", ("no", "partly", "yes"))
MAX_POSITIONS = 16  # 13 characters for a pair


@pytest.fixture(scope="module")
def bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_bert(tmp_path_factory.mktemp("bert"), max_positions=MAX_POSITIONS)


ENCODER_SETTINGS = ("encoder_lr", "pooling", "max_length", "stride")


def build(bert: Path, name: str, target: PairTarget = SCORE, seed: int = 0, **settings: Any) -> torch.nn.Module:
    torch.manual_seed(seed)
    own = {k: settings.pop(k) for k in ENCODER_SETTINGS if k in settings}
    with params_folder(bert.parent):
        section = {"name": name, "encoder": encoder_section(bert.name, **own), **settings}
        return registry.models.build(section, VOCABS, target, 1, 3).eval()


def codepoints(texts: list[str], width: int) -> torch.Tensor:
    out = torch.zeros((len(texts), width), dtype=torch.long)
    for row, text in enumerate(texts):
        out[row, : len(text)] = torch.tensor([ord(c) for c in text], dtype=torch.long)
    return out


def collate(examples: list[tuple[str, list[str]]], extra_refs: int = 0, extra_len: int = 0) -> dict[str, torch.Tensor]:
    refs = max(len(r) for _, r in examples) + extra_refs
    la = max(len(a) for a, _ in examples) + extra_len
    lb = max(len(t) for _, r in examples for t in r) + extra_len
    return {
        "a_codepoints": codepoints([a for a, _ in examples], la),
        "b_codepoints": torch.stack([codepoints(r + [""] * (refs - len(r)), lb) for _, r in examples]),
        "ref_mask": torch.tensor([[i < len(r) for i in range(refs)] for _, r in examples]),
        "features": torch.rand(len(examples), refs, 1),
        "group": torch.tensor([i % 3 for i in range(len(examples))]),
    }


EXAMPLES = [
    ("张伟毕业于北京大学", ["张伟毕业于北京大学"]),
    ("光合作用需要阳光", ["植物用阳光制造养分", "需要水", "叶绿素吸收光能，产生氧气"]),
    ("不知道", ["光合作用"]),
]  # a pair beyond 13 characters is cut (cross-encoder); no text beyond 14 (the bi-encoder's windows)


@pytest.mark.parametrize("pooling", ["auto", "mean", "max"])
def test_a_pair_is_framed_and_cut_as_the_tokenizer_does(bert: Path, pooling: str) -> None:
    """Pooled over the framed pair as set; ``auto`` is its first token, ``[CLS]``."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(bert)
    encoder = build(bert, "bert_cross_encoder.v1", pooling=pooling).encoder
    pairs = [
        ("张伟", "毕业于北京大学"),
        ("光合作用需要阳光和水分才行", "是"),
        ("一二三四五六七八九十", "甲乙丙丁戊己庚辛壬癸"),
        ("一二三四五六七八九十甲乙", "子丑寅卯辰巳午未申"),
        ("是", "一二三四五六七八九十甲乙丙丁"),
    ]
    a = codepoints([p[0] for p in pairs], 13)
    b = codepoints([p[1] for p in pairs], 15)
    got = encoder.pair(a, b)
    for row, (first, second) in enumerate(pairs):
        framed = tokenizer(first, second, truncation="longest_first", max_length=MAX_POSITIONS, return_tensors="pt")
        hidden = encoder.encoder(**framed).last_hidden_state
        want = {"auto": hidden[:, 0], "mean": hidden.mean(1), "max": hidden.amax(1)}[pooling]
        torch.testing.assert_close(got[row : row + 1], want, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize(
    ("name", "target", "settings"),
    [
        ("bert_cross_encoder.v1", SCORE, {}),
        ("bert_cross_encoder.v1", LABEL, {}),
        ("bert_bi_encoder.v1", SCORE, {}),
        ("bert_bi_encoder.v1", LABEL, {"head": "mlp", "hidden": 8, "group_dim": 2}),
    ],
)
def test_shapes_and_padding_or_absent_references_change_nothing(
    bert: Path, name: str, target: PairTarget, settings: dict[str, Any]
) -> None:
    m = build(bert, name, target, **settings)
    key, per_ref = ("score", "pair_scores") if target.kind == "score" else ("logits", "pair_logits")
    batch = collate(EXAMPLES)
    out = m(batch)
    assert out[key].shape == ((3,) if target.kind == "score" else (3, 3))
    assert out[per_ref].shape[:2] == (3, 3)
    padded = collate(EXAMPLES, extra_refs=1, extra_len=4)
    padded["features"][:, :3] = batch["features"]
    got = m(padded)
    torch.testing.assert_close(got[key], out[key], atol=1e-5, rtol=1e-4)
    for row, (a, refs) in enumerate(EXAMPLES):
        one = collate([(a, refs)])
        one["features"], one["group"] = batch["features"][row : row + 1, : len(refs)], batch["group"][row : row + 1]
        alone = m(one)
        torch.testing.assert_close(got[per_ref][row, : len(refs)], alone[per_ref][0], atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize(
    ("name", "loss", "settings"),
    [("bert_cross_encoder.v1", "mse.v1", {}), ("bert_bi_encoder.v1", "cosent.v1", {})],
)
def test_a_few_steps_learn_and_the_encoder_keeps_its_rates(
    bert: Path, name: str, loss: str, settings: dict[str, Any]
) -> None:
    m = build(bert, name, loss=loss, dropout=0.0, encoder_lr=1e-3, **settings).train()
    texts = ["张伟毕业于北京大学", "光合作用需要阳光", "今天天气很好", "我喜欢吃苹果"]
    others = ["甲乙丙丁戊己", "一二三四五", "山川河流湖海", "东南西北中"]
    batch = collate([(t, [t]) for t in texts] + [(t, [o]) for t, o in zip(texts, others, strict=True)])
    batch["score"] = torch.tensor([1.0] * 4 + [0.0] * 4)
    groups = m.param_groups(lr=1e-2, weight_decay=0.0)
    assert sorted({g["lr"] for g in groups}) == ([1e-3, 1e-2] if name == "bert_cross_encoder.v1" else [1e-3])
    optimizer = torch.optim.Adam(groups)
    losses: list[float] = []
    while len(losses) < 30 and (len(losses) < 2 or losses[-1] >= 0.5 * losses[0]):
        optimizer.zero_grad()
        out = m(batch)
        out["loss"].backward()
        optimizer.step()
        losses.append(out["loss"].item())
    assert losses[-1] < 0.5 * losses[0], losses


@pytest.mark.parametrize("name", ["bert_cross_encoder.v1", "bert_bi_encoder.v1"])
def test_state_dict_round_trip(bert: Path, name: str) -> None:
    settings = {"head": "mlp", "hidden": 8} if name == "bert_bi_encoder.v1" else {}
    first, second = build(bert, name, LABEL, **settings), build(bert, name, LABEL, seed=1, **settings)
    batch = collate(EXAMPLES)
    assert not torch.equal(first(batch)["logits"], second(batch)["logits"])
    second.load_state_dict(first.state_dict())
    torch.testing.assert_close(second(batch)["logits"], first(batch)["logits"], rtol=0, atol=0)


def test_a_cosine_head_gives_no_labels(bert: Path) -> None:
    with pytest.raises(ValueError, match="set head: mlp"):
        build(bert, "bert_bi_encoder.v1", LABEL)
