"""mtf_lib.data.encoding.RaggedArrays: flat arrays + offsets, atomic .npz save/load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mtf_lib.data.encoding import RaggedArrays

FIELDS = {
    "chars": [[5, 6, 7], [], [1], [2, 3, 4, 2_000_000]],
    "tags": [[0, 1, 2], [], [3], [0, 0, 0, 1]],
}


def _as_lists(arrays: RaggedArrays, name: str) -> list[list[int]]:
    return [arrays.get(name, i).tolist() for i in range(len(arrays))]


def test_from_sequences_layout() -> None:
    arrays = RaggedArrays.from_sequences(FIELDS)
    assert len(arrays) == 4
    assert arrays.offsets.tolist() == [0, 3, 3, 4, 8]
    assert arrays.lengths.tolist() == [3, 0, 1, 4]
    assert arrays.fields["chars"].dtype == np.int32
    assert arrays.fields["chars"].tolist() == [5, 6, 7, 1, 2, 3, 4, 2_000_000]
    for name, sequences in FIELDS.items():
        assert _as_lists(arrays, name) == sequences


def test_mismatched_lengths_raise() -> None:
    with pytest.raises(ValueError, match="field 'tags' has sequence lengths that differ from 'chars'"):
        RaggedArrays.from_sequences({"chars": [[1, 2], [3]], "tags": [[1], [2, 3]]})
    with pytest.raises(ValueError, match="'tags'"):
        RaggedArrays.from_sequences({"chars": [[1, 2], [3]], "tags": [[1, 2]]})


def test_save_load_roundtrip(tmp_path: Path) -> None:
    arrays = RaggedArrays.from_sequences(FIELDS)
    path = tmp_path / "sub" / "train.npz"
    arrays.save(path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["train.npz"]  # no temporary file left
    loaded = RaggedArrays.load(path)
    assert len(loaded) == len(arrays)
    assert set(loaded.fields) == {"chars", "tags"}
    np.testing.assert_array_equal(loaded.offsets, arrays.offsets)
    for name, sequences in FIELDS.items():
        assert loaded.fields[name].dtype == np.int32
        assert _as_lists(loaded, name) == sequences


def test_save_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "split.npz"
    RaggedArrays.from_sequences(FIELDS).save(path)
    RaggedArrays.from_sequences({"chars": [[9]]}).save(path)
    loaded = RaggedArrays.load(path)
    assert set(loaded.fields) == {"chars"}
    assert _as_lists(loaded, "chars") == [[9]]


def test_empty_roundtrip(tmp_path: Path) -> None:
    arrays = RaggedArrays.from_sequences({"chars": []})
    assert len(arrays) == 0
    arrays.save(tmp_path / "empty.npz")
    loaded = RaggedArrays.load(tmp_path / "empty.npz")
    assert len(loaded) == 0
    assert loaded.fields["chars"].size == 0
