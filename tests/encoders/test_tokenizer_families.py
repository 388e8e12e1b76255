"""Pretrained encoders read through their own tokenizers, for every tokenizer family (WordPiece
BERT, byte-level BPE RoBERTa, Unigram XLM-R and DeBERTa-v2, each trained here), and the
bert-base-chinese vocabulary: every character (or word) gets exactly one tag, offsets slice the
original text, windows merge back, and a bundle serves with the original folder gone."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import mtf_lib.models.pair_scorers  # noqa: F401 - registers the pair-scoring components
from mtf_lib import registry
from mtf_lib.data.vocab import Vocab
from mtf_lib.encoders.pretrained import loading_bundle, params_folder
from mtf_lib.encoders.windows import NO_TOKEN, _char_tokens, tokenize
from mtf_lib.models.pair_types import PairTarget
from mtf_lib.models.word_units import to_chars, to_words, word_spans
from tests.encoders.tiny_models import FAMILIES, encoder_section, make_tiny, make_tiny_bert

LABELS = Vocab(["O", "B-PER", "I-PER", "E-PER", "S-PER"], unknown=False)
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("张伟毕业于北京大学。"),
        st.sampled_from(string.ascii_letters + string.digits + "  .,!"),
        st.sampled_from("🎸\t\u200b\x07éÅß"),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    min_size=1,
    max_size=120,  # beyond the 64 positions of the tiny models: windows
)


@pytest.fixture(scope="module", params=[*FAMILIES, "bert-chinese"])
def folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp(request.param)
    if request.param == "bert-chinese":
        return make_tiny_bert(target, max_positions=64)
    return make_tiny(request.param, target)


def build(folder: Path, name: str, *args: object, encoder: dict | None = None, **settings: object) -> torch.nn.Module:
    torch.manual_seed(0)
    with params_folder(folder.parent):
        section = {"name": name, "encoder": encoder_section(folder.name, **(encoder or {})), **settings}
        return registry.models.build(section, *args).eval()


def batch_of(texts: list[str]) -> dict[str, torch.Tensor]:
    width = max(1, max(len(t) for t in texts))
    codepoints = torch.zeros((len(texts), width), dtype=torch.long)
    for row, text in enumerate(texts):
        codepoints[row, : len(text)] = torch.tensor([ord(c) for c in text], dtype=torch.long)
    return {"codepoints": codepoints, "mask": codepoints > 0}


@given(texts=st.lists(TEXT, min_size=1, max_size=3))
@settings(max_examples=15, deadline=None)
def test_every_character_gets_one_tag_and_its_token_covers_it(folder: Path, texts: list[str]) -> None:
    for units in ("chars", "words"):
        model = build(folder, "bert_tagger.v1", {}, LABELS, units=units)
        paths = model.decode(batch_of(texts))
        assert [len(p) for p in paths] == [len(t) for t in texts]
    tokenizer = model.encoder.tokenizer
    windows = tokenize(tokenizer, texts, 24, 6, max(len(t) for t in texts))
    offsets = tokenizer(
        texts, truncation=True, max_length=24, stride=6, return_overflowing_tokens=True, return_offsets_mapping=True
    )["offset_mapping"]
    width = max(len(w) for w in offsets)
    for row, text in enumerate(texts):
        for char in range(len(text)):
            flat = windows.char_token[row, char]
            if flat == NO_TOKEN:
                continue
            start, end = offsets[flat // width][flat % width]
            assert start <= char < end and windows.text_of[flat // width] == row
            assert text[start:end]  # offsets slice the original text


def test_a_long_text_goes_through_windows_and_padding_changes_nothing(folder: Path) -> None:
    model = build(folder, "bert_tagger.v1", {}, LABELS)
    long_text = "Zhang Wei 张伟 graduated from Peking University 北京大学 in 2019. " * 6
    alone = model(batch_of([long_text]))["emissions"]
    beside = model(batch_of([long_text, "张伟 is here"]))["emissions"]
    assert alone.shape == (1, len(long_text), len(LABELS))
    torch.testing.assert_close(beside[:1], alone, atol=1e-5, rtol=1e-4)


def test_windows_merge_each_character_from_its_most_central_token() -> None:
    # Two windows of one text of 10 characters, one token per character; window 0 covers 0-5,
    # window 1 covers 4-9 (position 0 and the last are specials).
    offsets = np.zeros((2, 8, 2), dtype=np.int64)
    special = np.ones((2, 8), dtype=bool)
    for w, first in ((0, 0), (1, 4)):
        for p in range(1, 7):
            offsets[w, p] = (first + p - 1, first + p)
            special[w, p] = False
    got = _char_tokens(offsets, special, np.array([0, 0]), texts=1, width=11)
    window_of = np.where(got[0] == NO_TOKEN, -1, got[0] // 8)
    assert window_of.tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1]
    position = got[0] % 8
    assert all(offsets[w, p, 0] == c for c, (w, p) in enumerate(zip(window_of[:10], position[:10], strict=True)))


def test_the_first_sub_token_of_a_character_carries_it() -> None:
    # A character split into three byte-level tokens (an emoji): the first one is its token.
    offsets = np.array([[[0, 0], [0, 1], [0, 1], [0, 1], [1, 2], [0, 0]]])
    special = np.array([[True, False, False, False, False, True]])
    got = _char_tokens(offsets, special, np.array([0]), texts=1, width=2)
    assert got.tolist() == [[1, 4]]


def test_pairs_bi_and_cross_encoders_and_the_classifier_run_on_every_family(folder: Path) -> None:
    batch = batch_of(["A man plays a guitar 🎸", "张伟毕业于北京大学"])
    cross = build(folder, "bert_cross_encoder.v1", {}, PairTarget("score"), 0, 0)
    bi = build(folder, "bert_bi_encoder.v1", {}, PairTarget("score"), 0, 0)
    pair = {
        "a_codepoints": batch["codepoints"],
        "b_codepoints": batch["codepoints"].flip(0)[:, None, :],
        "ref_mask": torch.ones(2, 1, dtype=torch.bool),
    }
    assert cross(pair)["score"].shape == (2,) and bi(pair)["score"].shape == (2,)
    classes = Vocab(["a", "b"], unknown=False)
    for pooling in ("cls", "mean", "max"):
        classifier = build(folder, "bert_classifier.v1", {}, classes, encoder={"pooling": pooling})
        assert classifier(batch)["logits"].shape == (2, 2)


def test_a_bundle_serves_with_the_original_folder_gone(folder: Path, tmp_path: Path) -> None:
    source = shutil.copytree(folder, tmp_path / "downloaded")
    model = build(source, "bert_tagger.v1", {}, LABELS, encoder={"max_length": 32})
    bundle = tmp_path / "bundle"
    model.encoder.save_bundle_files(bundle)
    state = model.state_dict()
    texts = ["Zhang Wei 张伟 graduated in 2019. " * 4, "短"]
    before = model.decode(batch_of(texts))
    shutil.rmtree(source)
    with loading_bundle(bundle):
        section = {"name": "bert_tagger.v1", "encoder": encoder_section("downloaded", max_length=32)}
        again = registry.models.build(section, {}, LABELS)
    again.load_state_dict(state)
    assert again.eval().decode(batch_of(texts)) == before
    assert not any(p.suffix in (".safetensors", ".bin") for p in (bundle / "encoder").iterdir())  # weights: once


def test_a_chinese_vocabulary_gives_each_cjk_character_its_own_piece(tmp_path: Path) -> None:
    folder = make_tiny_bert(tmp_path / "bert", max_positions=64)
    model = build(folder, "bert_tagger.v1", {}, LABELS)
    tokenizer = model.encoder.tokenizer
    text = "张伟毕业于北京大学，现任华为公司工程师。"
    encoded = tokenizer(text, add_special_tokens=False)
    assert encoded["input_ids"] == tokenizer.convert_tokens_to_ids(list(text))  # one piece per character, as before
    windows = tokenize(tokenizer, [text], 64, 16, len(text))
    assert (windows.char_token[0] - 1).tolist() == list(range(len(text)))  # character i is token i + 1 ([CLS])


@given(
    words=st.lists(st.text(alphabet="abcXYZ张伟.-'", min_size=1, max_size=4), min_size=1, max_size=8),
    data=st.data(),
)
@settings(max_examples=60, deadline=None)
def test_word_tags_and_character_tags_convert_without_losing_an_entity(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    spans = word_spans(text)
    tags = data.draw(st.lists(st.sampled_from(["O", "B-PER", "I-PER"]), min_size=len(spans), max_size=len(spans)))
    for scheme in ("BIO", "BIOES", "BMES"):
        chars = to_chars(tags, spans, len(text), scheme)
        assert len(chars) == len(text)
        assert to_chars(to_words(chars, spans, scheme), spans, len(text), scheme) == chars


def test_punctuation_is_a_word_of_its_own_with_or_without_a_space() -> None:
    text = "Mary works for Siemens. U.S.-based"
    assert [text[s:e] for s, e in word_spans(text)] == [
        "Mary",
        "works",
        "for",
        "Siemens",
        ".",
        "U",
        ".",
        "S",
        ".",
        "-",
        "based",
    ]
    spaced = "Siemens ."
    assert [spaced[s:e] for s, e in word_spans(spaced)] == ["Siemens", "."]


@pytest.mark.parametrize("units", ["chars", "words"])
def test_a_tagger_learns_english_entities_over_its_units(tmp_path: Path, units: str) -> None:
    folder = make_tiny("roberta", tmp_path / "roberta")
    model = build(folder, "bert_tagger.v1", {}, LABELS, encoder={"encoder_lr": 3e-3}, dropout=0.0, units=units)
    texts = ["Two dogs met Zhang Wei in the park", "A man is playing a guitar", "Wei runs"]
    entities = [("PER", 13, 22), None, ("PER", 0, 3)]
    index = {t: i for i, t in enumerate(LABELS.tokens)}
    batch = batch_of(texts)
    labels = torch.zeros_like(batch["codepoints"])
    for row, entity in enumerate(entities):
        if entity:
            from mtf_lib.text.schemes import tags_from_spans

            tags = tags_from_spans([entity], len(texts[row]), "BIOES")
            labels[row, : len(tags)] = torch.tensor([index[t] for t in tags])
    optimizer = torch.optim.Adam(model.param_groups(lr=3e-2, weight_decay=0.0))
    model.train()
    for _ in range(60):
        optimizer.zero_grad()
        model({**batch, "labels": labels})["loss"].backward()
        optimizer.step()
    decoded = model.eval().decode(batch)
    assert [row[: len(t)] for row, t in zip(decoded, texts, strict=True)] == [
        labels[row, : len(t)].tolist() for row, t in enumerate(texts)
    ]
