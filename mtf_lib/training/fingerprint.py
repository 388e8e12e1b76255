"""A fingerprint of the data a training run learns from, so that a checkpoint made on other
data (a changed train file, a retrained teacher) is not resumed as if it were this run's.

Arrays in ``.npz`` files are hashed by content (names, dtypes, shapes, bytes), not as files:
the zip container records when it was written, so the same arrays saved twice differ as bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np


def data_hash(folders: Iterable[Path], skip: tuple[str, ...] = ("test.",)) -> str:
    """SHA-256 (first 16 hex digits) over the files of ``folders`` (recursively, in name order),
    leaving out files whose names start with one of ``skip`` (the test split: training never
    reads it)."""
    digest = hashlib.sha256()
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.name.startswith(skip):
                continue
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            if path.suffix == ".npz":
                with np.load(path) as arrays:
                    for name in sorted(arrays.files):
                        value = arrays[name]
                        digest.update(f"{name}:{value.dtype.str}:{value.shape}".encode())
                        digest.update(np.ascontiguousarray(value).tobytes())
            else:
                with path.open("rb") as handle:  # in blocks: a split may not fit in memory
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
    return digest.hexdigest()[:16]
