"""Lexicon-match features: every dictionary word of the sentence marks its characters."""

from __future__ import annotations

from mtf_lib.data.parallel import chunked_map
from mtf_lib.text.softword import lexicon_features, lexicon_mask

# A toy dictionary in jieba's FREQ shape: words with counts, every prefix present with count 0.
FREQ = {"北": 5, "北京": 10, "北京大": 0, "北京大学": 7, "京": 1, "大": 3, "大学": 9, "学": 2}


def bits(mask: str) -> list[int]:
    return [int(c, 16) for c in mask]


def test_overlapping_words_all_mark_their_characters() -> None:
    # 北京 [0,2), 北京大学 [0,4), 大学 [2,4); every char is also a single-char word (bit 8).
    assert bits(lexicon_mask("北京大学", FREQ)) == [1 | 8, 2 | 4 | 8, 1 | 2 | 8, 4 | 8]


def test_unknown_characters_have_no_bits() -> None:
    assert lexicon_mask("你北京", FREQ) == "0" + lexicon_mask("北京", FREQ)


def test_prefix_with_zero_count_is_not_a_word() -> None:
    assert bits(lexicon_mask("北京大", FREQ))[2] == 8  # 北京大 is only a prefix: 大 stands alone


def test_real_dictionary_features_match_text_length_for_any_worker_count() -> None:
    texts = ["中国人民银行北京分行行长", "汉族，中共党员，本科学历", "", "x"] * 700
    one = lexicon_features(texts, workers=1)
    assert one == lexicon_features(texts, workers=2)
    assert [len(m) for m in one] == [len(t) for t in texts]
    assert bits(one[0])[0] & 1  # 中国 / 中国人民银行 start at the first char


def _double(chunk: list[int]) -> list[int]:
    return [2 * x for x in chunk]


def test_chunked_map_keeps_order_across_workers() -> None:
    items = list(range(5003))
    assert chunked_map(_double, items, workers=2, chunk_size=100) == [2 * x for x in items]
    assert chunked_map(_double, [], workers=2) == []
