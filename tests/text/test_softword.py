"""mtf_lib.text.softword: B/M/E/S word positions from jieba, identical for any worker count."""

from __future__ import annotations

import pytest

from mtf_lib.text.readers import read_char_tagged
from mtf_lib.text.softword import SOFTWORD_TAGS, softword_features, word_positions
from tests.conftest import mirror_dir

RESUME = mirror_dir() / "resume_ner"


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], []),
        (["我"], ["S"]),
        (["北京"], ["B", "E"]),
        (["北京大学"], ["B", "M", "M", "E"]),
        (["我", "在", "北京大学", "读书"], ["S", "S", "B", "M", "M", "E", "B", "E"]),
        (["abc", "d"], ["B", "M", "E", "S"]),
    ],
)
def test_word_positions(words: list[str], expected: list[str]) -> None:
    assert word_positions(words) == expected


def test_softword_features_small_inputs() -> None:
    texts = ["", "我", "我在北京大学读书", "中文 English 123.45%", "a  b\r\nc\t😀", "ＡＢＣ，。\u3000"]
    out = softword_features(texts, workers=1)
    assert len(out) == len(texts)
    for text, features in zip(texts, out, strict=True):
        assert len(features) == len(text), (text, features)
        assert set(features) <= set(SOFTWORD_TAGS)
    assert out[1] == "S"
    assert out[2] == "SSBMMEBE"  # 我 / 在 / 北京大学 / 读书
    assert softword_features([], workers=2) == []


def _is_valid_bmes(features: str) -> bool:
    inside = False
    for tag in features:
        if tag in "BS" and inside or tag in "ME" and not inside:
            return False
        inside = tag in "BM"
    return not inside


def test_softword_features_identical_for_one_and_two_workers() -> None:
    texts: list[str] = []
    for split in ("train", "dev", "test"):
        texts += ["".join(s.chars) for s in read_char_tagged(RESUME / f"{split}.char.bmes")]
    texts = (texts * 2)[:5000]  # three chunks of work, so two workers really share it
    assert len(texts) == 5000

    single = softword_features(texts, workers=1)
    double = softword_features(texts, workers=2)

    assert single == double
    assert len(single) == len(texts)
    for text, features in zip(texts, single, strict=True):
        assert len(features) == len(text)
        assert _is_valid_bmes(features), (text, features)
    # The segmentation is real: multi-char words occur, not just one S per char.
    assert sum(f.count("B") for f in single) > 10_000
