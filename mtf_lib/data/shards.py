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


def _schema(fields: Mapping[str, Field]) -> pa.Schema:
    return pa.schema([(name, _arrow_type(kind, dtype)) for name, (kind, dtype) in fields.items()])


def _columns(fields: Mapping[str, Field], chunk: Mapping[str, Sequence[Any]]) -> list[pa.Array]:
    """A chunk's columns: each field's values for the same examples (ragged: one array each)."""
    if set(chunk) != set(fields):
        raise ValueError(f"a chunk needs exactly the fields {sorted(fields)}, got {sorted(chunk)}")
    sizes = {name: len(values) for name, values in chunk.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"the fields of a chunk differ in length: {sizes}")
    columns = []
    for name, (kind, dtype) in fields.items():
        values = chunk[name]
        if kind == "ragged":
            arrays = [np.asarray(v, dtype=dtype).reshape(-1) for v in values]
            offsets = np.zeros(len(arrays) + 1, dtype=np.int64)
            np.cumsum([len(a) for a in arrays], out=offsets[1:])
            flat = np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)
            columns.append(_ragged(offsets, flat, dtype))
        else:
            columns.append(pa.array(np.asarray(values, dtype=dtype)))
    return columns


class SplitWriter:
    """Write a split chunk by chunk: ``with SplitWriter(path, fields) as out: out.write(chunk)``.
    ``fields``: name → (kind, dtype). The file appears at ``path`` only when the block exits
    without an exception; until then it is ``<path>.partial``, removed on failure."""

    def __init__(self, path: str | Path, fields: Mapping[str, Field]) -> None:
        self.path = Path(path)
        self.fields = dict(fields)
        self.schema = _schema(self.fields)
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
        self._append(_columns(self.fields, chunk))

    def write_flat(self, offsets: np.ndarray, chunk: Mapping[str, np.ndarray]) -> None:
        """One chunk whose ragged fields share ``offsets`` (example ``i`` is
        ``flat[offsets[i]:offsets[i + 1]]``), with no per-example arrays; scalar fields hold one
        value per example."""
        if set(chunk) != set(self.fields):
            raise ValueError(f"a chunk needs exactly the fields {sorted(self.fields)}, got {sorted(chunk)}")
        columns = []
        for name, (kind, dtype) in self.fields.items():
            values = np.asarray(chunk[name])
            if kind == "ragged":
                if len(values) != offsets[-1]:
                    raise ValueError(f"field {name!r} has {len(values)} values where the offsets end at {offsets[-1]}")
                columns.append(_ragged(offsets, values, dtype))
            else:
                columns.append(pa.array(values.astype(dtype, copy=False)))
        self._append(columns)

    def _append(self, columns: list[pa.Array]) -> None:
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


def _ragged(offsets: np.ndarray, flat: np.ndarray, dtype: str) -> pa.Array:
    """A list column from flat values and their offsets (no per-example objects)."""
    values = pa.array(np.asarray(flat).astype(dtype, copy=False))
    return pa.LargeListArray.from_arrays(pa.array(np.asarray(offsets, dtype=np.int64)), values)


class Split:
    """A split written by ``SplitWriter``, memory-mapped: nothing is read until asked for.

    Indexable like a torch Dataset: item ``i`` is ``{field: value}``, a ragged field's value a
    read-only view into the mapped file. ``Split.in_memory`` serves examples made in memory
    (silver data) behind the same reads.
    """

    def __init__(self, path: str | Path) -> None:
        self.path: Path | None = Path(path)
        if not self.path.is_file():
            partial = self.path.with_name(self.path.name + ".partial")
            hint = " (only a partial file: the run that wrote it stopped; run the dataset stage again)"
            raise FileNotFoundError(f"no split file {self.path}{hint if partial.exists() else ''}")
        self._map: Any = pa.memory_map(str(self.path), "r")
        reader = pa.ipc.open_file(self._map)
        self._index(reader.schema, [reader.get_batch(i) for i in range(reader.num_record_batches)])

    @classmethod
    def in_memory(cls, fields: Mapping[str, Field], chunk: Mapping[str, Sequence[Any]]) -> Split:
        """Examples given as ``SplitWriter.write`` takes them, held in memory."""
        split = cls.__new__(cls)
        split.path, split._map = None, None
        batch = pa.record_batch(_columns(fields, chunk), schema=_schema(fields))
        split._index(batch.schema, [batch] if batch.num_rows else [])
        return split

    def _index(self, schema: pa.Schema, batches: list[pa.RecordBatch]) -> None:
        self.schema = schema
        self._starts = np.concatenate([[0], np.cumsum([b.num_rows for b in batches])]).astype(np.int64)
        # Per record batch: a ragged field's (offsets, values), a scalar field's values, as numpy
        # views of the mapped file.
        self._ragged: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {}
        self._scalar: dict[str, list[np.ndarray]] = {}
        for name in schema.names:
            if pa.types.is_large_list(schema.field(name).type):
                self._ragged[name] = [_views(batch.column(name)) for batch in batches]
            else:
                self._scalar[name] = [batch.column(name).to_numpy(zero_copy_only=True) for batch in batches]

    def __len__(self) -> int:
        return int(self._starts[-1])

    @property
    def fields(self) -> list[str]:
        return list(self.schema.names)

    def lengths(self, field: str) -> np.ndarray:
        """Each example's length in a ragged ``field``, from its offsets (values stay unread)."""
        parts = [np.diff(offsets) for offsets, _ in self._ragged[field]]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def column(self, field: str) -> np.ndarray:
        """A scalar ``field`` for every example (a copy: one value per example)."""
        parts = self._scalar[field]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=self.schema.field(field).type.to_pandas_dtype())

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < len(self):
            raise IndexError(f"row {index} out of range for a split of {len(self)}")
        part = int(np.searchsorted(self._starts, index, side="right")) - 1
        return part, index - int(self._starts[part])

    def get(self, field: str, index: int) -> np.ndarray:
        """Ragged ``field`` of example ``index``: a read-only view into the mapped file."""
        part, local = self._locate(index)
        offsets, values = self._ragged[field][part]
        return values[offsets[local] : offsets[local + 1]]

    def example(self, index: int) -> dict[str, Any]:
        """Every field of example ``index`` (ragged ones as views), located once for all of them."""
        part, local = self._locate(index)
        out: dict[str, Any] = {}
        for name, parts in self._ragged.items():
            offsets, values = parts[part]
            out[name] = values[offsets[local] : offsets[local + 1]]
        for name, parts in self._scalar.items():
            out[name] = parts[part][local].item()
        return out

    __getitem__ = example

    def rows(self, indices: Sequence[int] | np.ndarray, field: str) -> list[np.ndarray]:
        """Ragged ``field`` of the examples at ``indices``, in that order (views)."""
        return [self.get(field, int(i)) for i in indices]

    def close(self) -> None:
        self._ragged, self._scalar = {}, {}
        if self._map is not None:
            self._map.close()

    def __enter__(self) -> Split:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _views(column: pa.LargeListArray) -> tuple[np.ndarray, np.ndarray]:
    """A list column's offsets and whole values buffer as numpy views (raw offsets index the
    whole buffer, sliced column or not)."""
    return column.offsets.to_numpy(zero_copy_only=True), column.values.to_numpy(zero_copy_only=True)
