"""mtf_lib.text.overlap: lexical-overlap features of a pair, fitted on train texts, saved without pickle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mtf_lib.text.overlap import CONTEXT_NAMES, PAIR_NAMES, OverlapFeatures, char_bigrams, clean_chars, words
from mtf_lib.text.pair_readers import PairExample

TRAIN = [
    PairExample(
        "采用链式存储结构，插入删除不需要移动元素。",
        ("链表插入和删除不需要移动大量元素。",),
        "8",
        "为什么采用链式存储？",
        "1",
    ),
    PairExample(
        "顺序表支持随机访问。",
        ("顺序表的存储空间连续，支持随机访问。", "顺序表可随机访问。"),
        "10",
        "顺序表的特点",
        "2",
    ),
    PairExample("栈底元素可以删除。", ("错误。栈底元素最后被删除。",), "6", "栈底元素是不能删除的元素", "3"),
    PairExample("Hello World 你好", ("hello world",), "2", "", ""),
]


@pytest.fixture(scope="module")
def features() -> OverlapFeatures:
    return OverlapFeatures.from_examples(TRAIN)


def column(features: OverlapFeatures, x: np.ndarray, name: str) -> np.ndarray:
    return x[:, features.names.index(name)]


def test_analyzers_drop_space_and_punctuation() -> None:
    assert clean_chars(" Ａb，c\n。d ") == "abcd"
    assert char_bigrams("栈底。元素") == ["栈底", "底元", "元素"]
    assert "，" not in words("采用链式存储结构，插入删除") and all(words("Hello World"))


def test_names_and_shape(features: OverlapFeatures) -> None:
    assert features.context and features.names == PAIR_NAMES + CONTEXT_NAMES
    assert not OverlapFeatures.fit(["甲乙", "丙丁"]).context
    x = features.transform(["顺序表", "栈"], ["顺序表", "链表"], ["", ""])
    assert x.shape == (2, len(features.names)) and x.dtype == np.float64
    assert features.transform([], [], []).shape == (0, len(features.names))
    assert OverlapFeatures.fit(["甲乙"]).transform(["甲乙"], ["甲乙"]).shape == (1, len(PAIR_NAMES))


def test_identical_pair_scores_one_and_disjoint_zero(features: OverlapFeatures) -> None:
    same = "顺序表支持随机访问"
    x = features.transform([same, "链式存储", ""], [same, "顺序访问", "栈底"])
    for name in ("cos_char1", "cos_char2", "cos_word"):
        assert column(features, x, name)[0] == pytest.approx(1.0)
        assert column(features, x, name)[1] == 0.0  # no shared character: 链式存储 / 顺序访问
        assert column(features, x, name)[2] == 0.0  # an empty a
    for name in ("len_ratio", "jaccard_char1", "jaccard_char2", "recall_char2", "precision_char2"):
        assert column(features, x, name)[0] == pytest.approx(1.0)
        assert column(features, x, name)[1] == (1.0 if name == "len_ratio" else 0.0)  # of equal length
    assert column(features, x, "len_diff")[0] == 0.0
    assert column(features, x, "len_ratio")[2] == 0.0
    assert np.isfinite(x).all()


def test_context_features(features: OverlapFeatures) -> None:
    question = "栈底元素是不能删除的元素"
    x = features.transform(
        ["栈底元素是不能删除的", "栈底元素最后被删除"], ["错误。栈底元素最后被删除。"] * 2, [question] * 2
    )
    copied, answered = column(features, x, "context_char2"), column(features, x, "novel_recall_char2")
    assert copied[0] == 1.0 and copied[0] > copied[1]  # the first merely repeats the question
    assert answered[1] > answered[0]
    none = features.transform(["栈底元素"], ["栈底元素"])  # no contexts given: their features are 0
    assert column(features, none, "context_char2")[0] == 0.0


def test_transform_examples_per_reference(features: OverlapFeatures) -> None:
    per_pair = features.transform_examples(TRAIN)
    assert [p.shape for p in per_pair] == [(len(e.refs), len(features.names)) for e in TRAIN]
    records = [{"a": e.a, "refs": list(e.refs), "context": e.context} for e in TRAIN]  # preprocessed dicts too
    assert all(np.array_equal(p, q) for p, q in zip(per_pair, features.transform_examples(records), strict=True))
    flat = features.transform([TRAIN[1].a] * 2, list(TRAIN[1].refs), [TRAIN[1].context] * 2)
    assert np.array_equal(per_pair[1], flat)


def test_deterministic(features: OverlapFeatures) -> None:
    again = OverlapFeatures.from_examples(list(reversed(TRAIN)))  # order of the train texts does not matter
    test = [PairExample("链表插入删除", ("顺序表随机访问",), "", "问题", "")]
    assert np.array_equal(features.transform_examples(test)[0], again.transform_examples(test)[0])


def test_save_load_round_trip_without_pickle(features: OverlapFeatures, tmp_path: Path) -> None:
    features.save(tmp_path / "overlap")
    saved = sorted(p.name for p in (tmp_path / "overlap").iterdir())
    assert saved == ["overlap.json", "overlap_idf.npz"]
    config = json.loads((tmp_path / "overlap" / "overlap.json").read_text(encoding="utf-8"))
    assert config["names"] == list(features.names)
    np.load(tmp_path / "overlap" / "overlap_idf.npz", allow_pickle=False).close()
    loaded = OverlapFeatures.load(tmp_path / "overlap")
    assert loaded.names == features.names and loaded.mean_length == features.mean_length
    texts = [e.a for e in TRAIN] + ["未见过的文本 unseen", ""]
    refs = [e.refs[0] for e in TRAIN] + ["顺序表", "栈"]
    contexts = [e.context for e in TRAIN] + ["", "问题"]
    assert np.array_equal(features.transform(texts, refs, contexts), loaded.transform(texts, refs, contexts))


def test_mismatched_lengths(features: OverlapFeatures) -> None:
    with pytest.raises(ValueError, match="2 texts a, 1 references"):
        features.transform(["a", "b"], ["c"])
    with pytest.raises(ValueError, match="no texts"):
        OverlapFeatures.fit(["", ""])
