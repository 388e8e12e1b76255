"""mtf_lib.data.vocab: reserved pad/unk ids, closed vocabularies, min_freq, save/load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from mtf_lib.data.vocab import PAD, UNK, Vocab


def test_open_vocab_reserves_pad_and_unk() -> None:
    vocab = Vocab(["a", "b"])
    assert vocab.tokens == [PAD, UNK, "a", "b"]
    assert vocab.id(PAD) == 0
    assert vocab.id(UNK) == 1
    assert vocab.id("a") == 2
    assert vocab.id("b") == 3
    assert len(vocab) == 4
    assert "a" in vocab and PAD in vocab and "zzz" not in vocab


def test_unknown_token_maps_to_unk() -> None:
    vocab = Vocab(["a"])
    assert vocab.id("never seen") == 1
    assert vocab.ids(["a", "x", "a", PAD]) == [2, 1, 2, 0]


def test_specials_in_the_token_list_are_not_duplicated() -> None:
    vocab = Vocab([UNK, "a", PAD, "b"])
    assert vocab.tokens == [PAD, UNK, "a", "b"]


def test_closed_vocab_rejects_unknown_tokens() -> None:
    labels = Vocab(["O", "B-X", "E-X"], unknown=False)
    assert labels.tokens == ["O", "B-X", "E-X"]
    assert labels.ids(["E-X", "O"]) == [2, 0]
    assert PAD not in labels and UNK not in labels
    with pytest.raises(KeyError, match="'S-X' is not in a closed vocabulary of 3 entries"):
        labels.id("S-X")
    with pytest.raises(KeyError):
        labels.ids(["O", UNK])


def test_build_orders_by_frequency_then_token_and_applies_min_freq() -> None:
    counts = Counter({"c": 3, "a": 3, "b": 5, "d": 1, "e": 2})
    assert Vocab.build(counts).tokens == [PAD, UNK, "b", "a", "c", "e", "d"]
    assert Vocab.build(counts, min_freq=2).tokens == [PAD, UNK, "b", "a", "c", "e"]
    assert Vocab.build(counts, min_freq=3).tokens == [PAD, UNK, "b", "a", "c"]
    assert Vocab.build(counts, min_freq=6).tokens == [PAD, UNK]
    closed = Vocab.build(counts, min_freq=3, unknown=False)
    assert closed.tokens == ["b", "a", "c"]
    with pytest.raises(KeyError):
        closed.id("d")


def test_ids_are_consistent_with_tokens() -> None:
    vocab = Vocab.build(Counter("the quick brown fox jumps over the lazy dog"))
    for i, token in enumerate(vocab.tokens):
        assert vocab.id(token) == i


@pytest.mark.parametrize("unknown", [True, False])
def test_save_load_roundtrip(tmp_path: Path, unknown: bool) -> None:
    vocab = Vocab(["中", "文", "B-ORG", "é", "😀"], unknown=unknown)
    path = tmp_path / "vocab.json"
    vocab.save(path)
    loaded = Vocab.load(path)
    assert loaded.tokens == vocab.tokens
    assert loaded.unknown is unknown
    assert loaded.index == vocab.index
    assert json.loads(path.read_bytes().decode("utf-8"))["tokens"] == vocab.tokens
    if not unknown:
        with pytest.raises(KeyError):
            loaded.id("missing")
    else:
        assert loaded.id("missing") == 1


def test_save_load_roundtrip_under_non_utf8_locale(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from mtf_lib.data.vocab import Vocab
        Vocab(["\\u4e2d", "\\u6587"]).save(sys.argv[1])
        assert Vocab.load(sys.argv[1]).tokens == ["<pad>", "<unk>", "\\u4e2d", "\\u6587"]
        """
    )
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "vocab.json")], env=env, capture_output=True, text=True
    )
    if "UnicodeEncodeError" in result.stderr:
        raise UnicodeError(result.stderr.strip().splitlines()[-1])
    assert result.returncode == 0, result.stderr
