"""Subword vocabularies: training is deterministic, the special ids are fixed, identity
normalization decodes back to the text, and a character vocabulary has a piece per character."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtf_lib.text.subword import BOS, EOS, PAD, UNK, SubwordVocab

ENGLISH = [
    f"The {a} {b} likes {c} {d}."
    for a in ("old", "young", "tall")
    for b in ("man", "cat", "teacher")
    for c in ("red", "green", "fresh")
    for d in ("apples", "books", "tea", "music")
]
CHINESE = [
    f"{a}{b}喜欢{c}。" for a in ("我", "你", "他们") for b in ("今天", "现在", "") for c in ("苹果", "书", "茶", "音乐")
]


@pytest.mark.parametrize("kind", ["unigram", "bpe"])
def test_training_twice_gives_the_same_model(kind: str) -> None:
    first = SubwordVocab.train(ENGLISH, 60, kind, normalization="identity")
    second = SubwordVocab.train(ENGLISH, 60, kind, normalization="identity")
    assert first.proto == second.proto
    assert first.encode(ENGLISH) == second.encode(ENGLISH)


def test_special_ids_and_exact_decoding(tmp_path: Path) -> None:
    vocab = SubwordVocab.train(ENGLISH, 60, "unigram", normalization="identity")
    assert [vocab._sp.id_to_piece(i) for i in (PAD, UNK, BOS, EOS)] == ["<pad>", "<unk>", "<s>", "</s>"]
    ids = vocab.encode(ENGLISH)
    assert all(PAD not in row and BOS not in row and EOS not in row for row in ids)
    assert vocab.decode([[BOS, *row, EOS, PAD] for row in ids]) == ENGLISH
    vocab.save(tmp_path / "target.model")
    assert SubwordVocab.load(tmp_path / "target.model").encode(ENGLISH) == ids


def test_a_character_vocabulary_has_one_piece_per_character() -> None:
    vocab = SubwordVocab.train(CHINESE, 4000, "char", coverage=1.0)
    characters = {c for s in CHINESE for c in s}
    assert len(vocab) == len(characters) + 5  # the special ids and the word-start mark "▁"
    assert vocab.pieces("我喜欢茶。") == ["▁", "我", "喜", "欢", "茶", "。"]


def test_no_sentences_or_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="no sentences"):
        SubwordVocab.train(["", "  "], 10)
    with pytest.raises(ValueError, match="unknown subword kind 'word'"):
        SubwordVocab.train(ENGLISH, 10, "word")
