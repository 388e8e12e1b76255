"""Encoded splits larger than memory: Arrow IPC files, written a chunk at a time and read
memory-mapped.

Why Arrow (pyarrow) rather than numpy memmaps: a split's fields are sequences of different
lengths (a sentence's character ids, a pair's references), and Arrow stores those as list columns
(values + offsets) in a documented, versioned file format that any tool reads; its IPC writer
appends record batches with constant memory, and its reader maps the file without copying, so
a field comes back as numpy views over the mapped pages. numpy alone would need a metadata file of
our own beside raw buffers to say where each sequence starts.

A split is one ``.arrow`` file. ``SplitWriter`` writes it beside its final name and moves it into
place only when every chunk is written, so a run killed mid-write leaves no file a later run could
take for a whole split. ``Split`` reads one: ``len``, per-field ``lengths`` (from the offsets alone:
the length index bucketing needs) and ``rows(indices)`` (the arrays of a batch's examples).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa

# Each field is a sequence per example ("ragged", stored as list<dtype>) or one value ("scalar").
Field = tuple[str, str]  # (kind, numpy dtype name)
SUFFIX = ".arrow"


def _arrow_type(kind: str, dtype: str) -> pa.DataType:
    value = pa.from_numpy_dtype(np.dtype(dtype))
    if kind == "ragged":
        return pa.large_list(value)
    if kind == "scalar":
        return value
    raise ValueError(f"unknown field kind {kind!r}: ragged or scalar")


class SplitWriter:
    """Write a split chunk by chunk: ``with SplitWriter(path, fields) as out: out.write(chunk)``.
    ``fields``: name → (kind, dtype). The file appears at ``path`` only when the block exits
    without an exception; until then it is ``<path>.partial``, removed on failure."""

    def __init__(self, path: str | Path, fields: Mapping[str, Field]) -> None:
        self.path = Path(path)
        self.fields = dict(fields)
        self.schema = pa.schema([(name, _arrow_type(kind, dtype)) for name, (kind, dtype) in self.fields.items()])
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.rows = 0
        self._sink: Any = None
        self._writer: Any = None

    def __enter__(self) -> SplitWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._sink = pa.OSFile(str(self.partial), "wb")
        self._writer = pa.ipc.new_file(self._sink, self.schema)
        return self

    def write(self, chunk: Mapping[str, Sequence[Any]]) -> None:
        """One chunk: each field's values for the same examples (ragged fields: one array each)."""
        if set(chunk) != set(self.fields):
            raise ValueError(f"a chunk needs exactly the fields {sorted(self.fields)}, got {sorted(chunk)}")
        sizes = {name: len(values) for name, values in chunk.items()}
        if len(set(sizes.values())) > 1:
            raise ValueError(f"the fields of a chunk differ in length: {sizes}")
        columns = []
        for name, (kind, dtype) in self.fields.items():
            values = chunk[name]
            if kind == "ragged":
                columns.append(_ragged(values, dtype))
            else:
                columns.append(pa.array(np.asarray(values, dtype=dtype)))
        batch = pa.record_batch(columns, schema=self.schema)
        if batch.num_rows:
            self._writer.write_batch(batch)
        self.rows += batch.num_rows

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self._writer.close()
            self._sink.flush()
            if kind is None:
                os.fsync(self._sink.fileno())
        finally:
            self._sink.close()
        if kind is None:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)


def _ragged(values: Sequence[Any], dtype: str) -> pa.Array:
    """A list column from a sequence of 1-d arrays, built from one flat buffer (no per-item objects)."""
    arrays = [np.asarray(v, dtype=dtype).reshape(-1) for v in values]
    offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
    np.cumsum([len(a) for a in arrays], out=offsets[1:])
    flat = np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)
    return pa.LargeListArray.from_arrays(pa.array(offsets), pa.array(flat.astype(dtype, copy=False)))


class Split:
    """A split written by ``SplitWriter``, memory-mapped: nothing is read until asked for."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            partial = self.path.with_name(self.path.name + ".partial")
            hint = " (only a partial file: the run that wrote it stopped; run the dataset stage again)"
            raise FileNotFoundError(f"no split file {self.path}{hint if partial.exists() else ''}")
        self._map = pa.memory_map(str(self.path), "r")
        reader = pa.ipc.open_file(self._map)
        self.schema = reader.schema
        self._batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
        sizes = np.array([b.num_rows for b in self._batches], dtype=np.int64)
        self._starts = np.concatenate([[0], np.cumsum(sizes)])

    def __len__(self) -> int:
        return int(self._starts[-1])

    @property
    def fields(self) -> list[str]:
        return list(self.schema.names)

    def lengths(self, field: str) -> np.ndarray:
        """Each example's length in a ragged ``field``, from its offsets (values stay unread)."""
        parts = [np.diff(self._offsets(batch, field)) for batch in self._batches]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def column(self, field: str) -> np.ndarray:
        """A scalar ``field`` for every example (a copy: one value per example)."""
        parts = [batch.column(field).to_numpy(zero_copy_only=False) for batch in self._batches]
        return np.concatenate(parts) if parts else np.zeros(0)

    def rows(self, indices: Sequence[int] | np.ndarray, field: str) -> list[np.ndarray]:
        """``field`` of the examples at ``indices``, in that order: views into the mapped file for
        ragged fields, one value each for scalar ones."""
        index = np.asarray(indices, dtype=np.int64)
        if len(index) and (index.min() < 0 or index.max() >= len(self)):
            raise IndexError(f"row out of range for a split of {len(self)}")
        chunk = np.searchsorted(self._starts, index, side="right") - 1
        out: list[np.ndarray] = []
        for row, part in zip(index.tolist(), chunk.tolist(), strict=True):
            batch = self._batches[part]
            local = row - int(self._starts[part])
            column = batch.column(field)
            if pa.types.is_large_list(column.type):
                offsets = self._offsets(batch, field)
                values = column.values.to_numpy(zero_copy_only=True)
                out.append(values[offsets[local] : offsets[local + 1]])
            else:
                out.append(np.asarray(column[local].as_py()))
        return out

    @staticmethod
    def _offsets(batch: pa.RecordBatch, field: str) -> np.ndarray:
        # Raw offsets index the column's whole values buffer (``column.values``), sliced or not.
        return batch.column(field).offsets.to_numpy(zero_copy_only=True)

    def close(self) -> None:
        self._batches = []
        self._map.close()

    def __enter__(self) -> Split:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
