"""Reading a data file line by line, as every reader does: numbered UTF-8 lines (a BOM dropped),
and one JSON object per line, with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mtf_lib.text.readers import DataFormatError

# utf-8-sig: files saved by spreadsheet tools start with a BOM that would otherwise stick to the first key.
ENCODING = "utf-8-sig"


@contextmanager
def numbered_lines(path: Path) -> Iterator[Iterator[tuple[int, str]]]:
    """(1-based number, line) of a UTF-8 file, with a clear error for a file that is not UTF-8."""
    with Path(path).open(encoding=ENCODING, newline="") as handle:
        try:
            yield enumerate(handle, 1)
        except UnicodeDecodeError as exc:
            raise DataFormatError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from None


def json_object(line: str, path: Path, lineno: int, example: str) -> dict[str, Any]:
    """The JSON object on ``line``; ``example``: what one looks like, for the message."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataFormatError(f"{path}:{lineno}: not valid JSON ({exc.msg}, column {exc.colno})") from None
    if not isinstance(record, dict):
        raise DataFormatError(f"{path}:{lineno}: expected a JSON object like {example}, got {type(record).__name__}")
    return record
