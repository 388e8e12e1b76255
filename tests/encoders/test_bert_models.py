"""The registered BERT models on a tiny BERT made from a config: built through params validation
as a user's would be, one output per character whatever the text, windows over texts longer
than the encoder's positions, parameter groups, and the pretrained-folder checks."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mtf_lib import registry
from mtf_lib.config import ComponentError
from mtf_lib.data.vocab import Vocab
from mtf_lib.encoders.pretrained import params_folder, pretrained_problem
from tests.encoders.tiny_models import encoder_section, make_tiny_bert

LABELS = Vocab(["O", "B-PER", "E-PER", "S-PER"], unknown=False)


@pytest.fixture(scope="module")
def bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_bert(tmp_path_factory.mktemp("bert"), max_positions=40)


def tagger(bert: Path, **settings: object) -> torch.nn.Module:
    with params_folder(bert.parent):
        encoder = encoder_section(bert.name, **settings)
        return registry.models.build({"name": "bert_tagger.v1", "encoder": encoder}, {}, LABELS)


def batch_of(texts: list[str]) -> dict[str, torch.Tensor]:
    width = max(1, max(len(t) for t in texts))
    codepoints = torch.zeros((len(texts), width), dtype=torch.long)
    for row, text in enumerate(texts):
        codepoints[row, : len(text)] = torch.tensor([ord(c) for c in text], dtype=torch.long)
    return {"codepoints": codepoints, "mask": torch.arange(width)[None, :] < torch.tensor([[len(t)] for t in texts])}


TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("张伟毕业于北京大学。"),
        st.sampled_from(string.ascii_letters + string.digits + " "),
        st.characters(),
    ),
    min_size=1,
    max_size=90,  # beyond the 38 positions the tiny encoder has: windows
)


@given(texts=st.lists(TEXT, min_size=1, max_size=3))
@settings(max_examples=40, deadline=None)
def test_one_tag_per_character(bert: Path, texts: list[str]) -> None:
    model = tagger(bert).eval()
    paths = model.decode(batch_of(texts))
    assert [len(p) for p in paths] == [len(t) for t in texts]
    assert all(0 <= tag < len(LABELS) for p in paths for tag in p)


def test_a_long_text_goes_through_windows_and_padding_changes_nothing(bert: Path) -> None:
    model = tagger(bert).eval()
    long_text = "张伟毕业于北京大学，现任华为公司工程师。" * 5  # 100 chars; 38 tokens per window
    alone = model(batch_of([long_text]))["emissions"]
    beside_a_short_one = model(batch_of([long_text, "张伟"]))["emissions"]
    assert alone.shape == (1, 100, len(LABELS))
    torch.testing.assert_close(beside_a_short_one[:1], alone, atol=1e-5, rtol=1e-4)
    short = model(batch_of(["张伟"]))["emissions"]
    torch.testing.assert_close(beside_a_short_one[1:, :2], short, atol=1e-5, rtol=1e-4)


def test_parameter_groups_give_the_encoder_its_own_rates(bert: Path) -> None:
    model = tagger(bert, encoder_lr=1e-4, layer_lr_decay=0.5)
    groups = model.param_groups(lr=1e-2, weight_decay=0.01)
    by_name = {}
    names = {id(p): n for n, p in model.named_parameters()}
    for group in groups:
        for parameter in group["params"]:
            by_name[names[id(parameter)]] = (group["lr"], group["weight_decay"])
    assert by_name["head.crf.transitions"] == (1e-2, 0.01)
    assert by_name["out.bias"] == (1e-2, 0.0)
    assert by_name["encoder.encoder.encoder.layer.1.attention.self.query.weight"] == (pytest.approx(1e-4 * 0.5), 0.01)
    assert by_name["encoder.encoder.encoder.layer.0.attention.self.query.weight"][0] == pytest.approx(1e-4 * 0.25)
    assert by_name["encoder.encoder.embeddings.word_embeddings.weight"][0] == pytest.approx(1e-4 * 0.125)
    assert by_name["encoder.encoder.encoder.layer.0.output.LayerNorm.weight"][1] == 0.0
    assert len(names) == sum(len(g["params"]) for g in groups)  # every parameter exactly once


def test_frozen_layers_get_no_gradient(bert: Path) -> None:
    model = tagger(bert, freeze_layers=1)
    frozen = {n for n, p in model.named_parameters() if not p.requires_grad}
    assert any("embeddings" in n for n in frozen) and any("layer.0." in n for n in frozen)
    assert not any("layer.1." in n for n in frozen)


def test_the_classifier_pools_and_classifies(bert: Path) -> None:
    labels = Vocab(["体育", "财经"], unknown=False)
    for pooling in ("cls", "mean", "max"):
        with params_folder(bert.parent):
            encoder = encoder_section(bert.name, pooling=pooling)
            model = registry.models.build({"name": "bert_classifier.v1", "encoder": encoder}, {}, labels)
        batch = batch_of(["球队赢了", "股市大涨了很多"])
        out = model({**batch, "labels": torch.tensor([0, 1])})
        assert out["logits"].shape == (2, 2) and out["loss"].requires_grad


def test_a_folder_that_is_not_a_model_is_refused(tmp_path: Path, bert: Path) -> None:
    assert pretrained_problem(bert.name, bert.parent) is None
    assert pretrained_problem("bert-base-chinese", tmp_path) is None  # a hub id: resolved when training
    missing = pretrained_problem("resources/bert_models/bert-base-chinese", tmp_path)
    assert "hf download bert-base-chinese --local-dir resources/bert_models/bert-base-chinese" in missing
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "config.json").write_text("{}", encoding="utf-8")
    half = pretrained_problem("half", tmp_path)
    assert "no model.safetensors or pytorch_model.bin, a tokenizer (tokenizer.json or vocab.txt" in half
    with params_folder(tmp_path), pytest.raises(ComponentError, match="not a pretrained model folder"):
        registry.models.build({"name": "bert_tagger.v1", "encoder": encoder_section("half")}, {}, LABELS)
    assert "pip install no-such-package" in pretrained_problem("package:no_such_package/model", tmp_path)
