"""Character alignment: every character gets exactly one piece, and so one output, whatever it is."""

from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtf_lib.encoders.chars import char_table, ids_of, read_vocab
from tests.conftest import mirror_dir
from tests.encoders.tiny_bert import VOCAB


@pytest.fixture(scope="module")
def vocab() -> dict[str, int]:
    return read_vocab((mirror_dir() / VOCAB).parent)


@pytest.fixture(scope="module")
def table(vocab: dict[str, int]) -> np.ndarray:
    return char_table(vocab)


def test_known_characters_take_their_own_piece(vocab: dict[str, int], table: np.ndarray) -> None:
    assert ids_of("张伟在北京", table) == [vocab[c] for c in "张伟在北京"]
    assert ids_of("2024", table) == [vocab[c] for c in "2024"]
    assert ids_of("Ab", table) == [vocab["a"], vocab["b"]]  # uncased
    assert ids_of("é", table) == [vocab["e"]]  # accents stripped, as the tokenizer does


def test_spaces_and_unknown_characters(vocab: dict[str, int], table: np.ndarray) -> None:
    assert ids_of(" \t\u3000", table) == [vocab["[unused1]"]] * 3
    assert ids_of("😀\x07", table) == [vocab["[UNK]"]] * 2


TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("张伟毕业于北京大学华为公司工程师。，"),
        st.sampled_from(string.ascii_letters + string.digits + " \t"),
        st.sampled_from(["😀", "🇨", "\x00", "\x7f", "\u200b", "\ufffd", "\U0010ffff"]),
        st.characters(),
    ),
    max_size=80,
)


@given(text=TEXT)
@settings(max_examples=200, deadline=None)
def test_one_piece_per_character(table: np.ndarray, text: str) -> None:
    ids = ids_of(text, table)
    assert len(ids) == len(text)
    assert all(0 <= i < 21128 for i in ids)
