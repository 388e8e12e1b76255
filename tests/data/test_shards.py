"""Encoded splits as memory-mapped Arrow files: what is written comes back, in chunks or not,
empty or not, and a write that stops midway leaves no file a later run would read."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtf_lib.data.shards import Split, SplitWriter

FIELDS = {"chars": ("ragged", "int32"), "labels": ("ragged", "int16"), "group": ("scalar", "int64")}


def examples(n: int, seed: int = 0) -> dict[str, list]:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 30, n)
    return {
        "chars": [rng.integers(0, 5000, k).astype(np.int32) for k in lengths],
        "labels": [rng.integers(0, 9, k).astype(np.int16) for k in lengths],
        "group": rng.integers(0, 4, n).tolist(),
    }


def write(path: Path, data: dict[str, list], chunk: int) -> None:
    with SplitWriter(path, FIELDS) as out:
        for start in range(0, len(data["group"]), chunk):
            out.write({name: values[start : start + chunk] for name, values in data.items()})


@given(n=st.integers(0, 120), chunk=st.integers(1, 50), seed=st.integers(0, 10))
@settings(max_examples=30, deadline=None)
def test_a_split_reads_back_what_was_written_whatever_the_chunks(tmp_path_factory, n, chunk, seed) -> None:
    path = tmp_path_factory.mktemp("split") / "train.arrow"
    data = examples(n, seed)
    write(path, data, chunk)
    with Split(path) as split:
        assert len(split) == n
        np.testing.assert_array_equal(split.lengths("chars"), [len(c) for c in data["chars"]])
        order = np.random.default_rng(seed).permutation(n)
        for field in ("chars", "labels"):
            got = split.rows(order, field)
            for row, values in zip(order, got, strict=True):
                np.testing.assert_array_equal(values, data[field][row])
                assert values.dtype == np.dtype(FIELDS[field][1])
        np.testing.assert_array_equal(split.column("group"), data["group"])


def test_an_empty_split_is_a_file_with_no_rows(tmp_path: Path) -> None:
    write(tmp_path / "dev.arrow", examples(0), chunk=10)
    with Split(tmp_path / "dev.arrow") as split:
        assert len(split) == 0 and split.lengths("chars").size == 0 and split.rows([], "chars") == []
        with pytest.raises(IndexError):
            split.get("chars", 0)


def test_ragged_rows_are_views_of_the_mapped_file(tmp_path: Path) -> None:
    write(tmp_path / "train.arrow", examples(50), chunk=20)
    with Split(tmp_path / "train.arrow") as split:
        (row,) = split.rows([33], "chars")
        assert not row.flags.owndata and not row.flags.writeable


def test_a_failed_write_leaves_neither_the_split_nor_a_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "train.arrow"
    with pytest.raises(ValueError, match="exactly the fields"), SplitWriter(path, FIELDS) as out:
        out.write({name: values[:5] for name, values in examples(5).items()})
        out.write({"chars": []})
    assert list(tmp_path.iterdir()) == []


def test_a_kill_in_the_middle_of_writing_leaves_no_split_a_later_run_would_read(tmp_path: Path) -> None:
    path = tmp_path / "train.arrow"
    script = textwrap.dedent(
        f"""
        import os
        import numpy as np
        from mtf_lib.data.shards import SplitWriter
        fields = {FIELDS!r}
        with SplitWriter({str(path)!r}, fields) as out:
            for _ in range(3):
                out.write({{"chars": [np.arange(10)] * 100, "labels": [np.zeros(10)] * 100, "group": [0] * 100}})
            os._exit(9)  # killed: no exit handler runs
        """
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parents[2])
    assert done.returncode == 9
    assert not path.exists()
    with pytest.raises(FileNotFoundError, match="only a partial file"):
        Split(path)


def test_a_chunk_whose_fields_differ_in_length_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="differ in length"), SplitWriter(tmp_path / "x.arrow", FIELDS) as out:
        data = examples(4)
        out.write({**data, "group": data["group"][:2]})


def test_flat_chunks_read_back_like_per_example_ones(tmp_path: Path) -> None:
    data = examples(40, seed=3)
    write(tmp_path / "a.arrow", data, chunk=15)
    with SplitWriter(tmp_path / "b.arrow", FIELDS) as out:
        for start in range(0, 40, 15):
            part = {name: values[start : start + 15] for name, values in data.items()}
            offsets = np.concatenate([[0], np.cumsum([len(c) for c in part["chars"]])])
            flat = {name: np.concatenate(part[name]) for name in ("chars", "labels")}
            out.write_flat(offsets, {**flat, "group": np.asarray(part["group"])})
    with Split(tmp_path / "a.arrow") as a, Split(tmp_path / "b.arrow") as b:
        for field in ("chars", "labels"):
            for i in range(40):
                np.testing.assert_array_equal(a.get(field, i), b.get(field, i))
        np.testing.assert_array_equal(a.column("group"), b.column("group"))


def test_an_example_holds_every_field_of_its_row(tmp_path: Path) -> None:
    data = examples(30, seed=5)
    write(tmp_path / "train.arrow", data, chunk=7)
    with Split(tmp_path / "train.arrow") as split:
        for i in (0, 6, 7, 29):
            got = split[i]
            assert sorted(got) == ["chars", "group", "labels"]
            assert got["group"] == data["group"][i] and isinstance(got["group"], int)
            for field in ("chars", "labels"):
                np.testing.assert_array_equal(got[field], data[field][i])


def test_examples_in_memory_read_as_a_file_does(tmp_path: Path) -> None:
    data = examples(12, seed=2)
    write(tmp_path / "train.arrow", data, chunk=12)
    memory = Split.in_memory(FIELDS, data)
    with Split(tmp_path / "train.arrow") as mapped:
        assert len(memory) == len(mapped) == 12
        np.testing.assert_array_equal(memory.lengths("chars"), mapped.lengths("chars"))
        np.testing.assert_array_equal(memory.column("group"), mapped.column("group"))
        for i in range(12):
            np.testing.assert_array_equal(memory[i]["labels"], mapped[i]["labels"])
    empty = Split.in_memory(FIELDS, {name: [] for name in FIELDS})
    assert len(empty) == 0 and empty.lengths("chars").size == 0 and empty.column("group").size == 0
