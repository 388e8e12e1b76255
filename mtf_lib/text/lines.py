"""Reading a data file line by line, as every reader does: numbered UTF-8 lines (a BOM dropped),
one JSON object per line, and delimited rows under a header row, with errors that name the file
and line."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
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


def header_rows(
    path: Path, columns: Sequence[tuple[str, str]], *, delimiter: str, quoting: bool, section: str
) -> Iterator[tuple[int, list[str], dict[str, int]]]:
    """``(line, row, column index by name)`` of each non-blank row under a header row that must
    name every column of ``columns`` (``(name, the setting under section that names it)``); the
    first of repeated names counts. ``quoting``: fields may be quoted ("..."), as spreadsheet tools
    write CSV; off, quotes are kept as written and a field may not hold the delimiter."""
    with numbered_lines(path) as lines:
        style = csv.QUOTE_MINIMAL if quoting else csv.QUOTE_NONE
        rows = csv.reader((line for _, line in lines), delimiter=delimiter, quoting=style)
        header = next(rows, None)
        if header is None:
            raise DataFormatError(f"{path}: empty file; expected a header row naming the {columns[0][0]!r} column")
        for name, key in columns:
            if name not in header:
                raise DataFormatError(
                    f"{path}:1: the header row has no {name!r} column (columns: {', '.join(map(repr, header))}); "
                    f"set {section}.{key} to the right column"
                )
        index = {name: i for i, name in reversed(list(enumerate(header)))}
        for row in rows:
            lineno = rows.line_num  # the line the record ends on (a quoted field may span lines)
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                hint = "quote a text that holds the delimiter" if quoting else "a text may not contain the delimiter"
                raise DataFormatError(
                    f"{path}:{lineno}: {len(row)} fields separated by {delimiter!r}, but the header has "
                    f"{len(header)} ({hint}; set {section}.delimiter if the delimiter is wrong)"
                )
            yield lineno, row, index
