"""Readers for labelled texts (classification): JSONL objects, or CSV/TSV files with a header row.
(Registered as components in ``mtf_lib.tasks.classification.readers``.)

Malformed input is reported with the file and line, and the params key that may fix it, so a
bad data file is fixed at its source instead of failing deep inside training.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtf_lib.text.lines import header_rows, json_object, numbered_lines
from mtf_lib.text.readers import DataFormatError


@dataclass(frozen=True)
class LabelledText:
    text: str
    label: str


def read_labelled_jsonl(
    path: str | Path, text_field: str = "text", label_field: str = "label"
) -> Iterator[LabelledText]:
    """One JSON object per line holding ``text_field`` (a string) and ``label_field`` (a string
    or an integer, read as its string); blank lines are skipped."""
    path = Path(path)
    with numbered_lines(path) as lines:
        for lineno, line in lines:
            if not line.strip():
                continue
            example = f'{{"{text_field}": "...", "{label_field}": "..."}}'
            record = json_object(line, path, lineno, example)
            for field, key in ((text_field, "text_field"), (label_field, "label_field")):
                if field not in record:
                    keys = ", ".join(map(repr, record)) or "none"
                    raise DataFormatError(
                        f"{path}:{lineno}: no {field!r} key (keys: {keys}); set preprocess.{key} to the right key"
                    )
            yield LabelledText(_text(record[text_field], path, lineno), _label(record[label_field], path, lineno))


def read_labelled_tsv(path: str | Path, text_field: str = "text", label_field: str = "label") -> Iterator[LabelledText]:
    """Tab-separated rows under a header row naming the columns; other columns are ignored.

    No quoting (``csv.QUOTE_NONE``): a text may hold any character except a tab or a line
    break, and quotes are kept as written.
    """
    return read_labelled_csv(path, text_field, label_field, delimiter="\t", quoting=False)


def read_labelled_csv(
    path: str | Path, text_field: str = "text", label_field: str = "label", delimiter: str = ",", quoting: bool = True
) -> Iterator[LabelledText]:
    """Rows under a header row naming the columns; other columns are ignored. ``quoting``: fields
    may be quoted ("..."), as spreadsheet tools write CSV; off, quotes are kept as written and a
    field may not hold the delimiter."""
    path = Path(path)
    columns = [(text_field, "text_field"), (label_field, "label_field")]
    rows = header_rows(path, columns, delimiter=delimiter, quoting=quoting, section="preprocess")
    for lineno, row, column in rows:
        yield LabelledText(row[column[text_field]], _label(row[column[label_field]], path, lineno))


def _text(value: Any, path: Path, lineno: int) -> str:
    if not isinstance(value, str):
        raise DataFormatError(f"{path}:{lineno}: the text must be a string, got {type(value).__name__} {value!r}")
    return value


def _label(value: Any, path: Path, lineno: int) -> str:
    # An integer label (0/1 data sets) is kept as its string; a bool is almost surely a mistake.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise DataFormatError(f"{path}:{lineno}: the label must be a string or an integer, got {value!r}")
    if not value.strip():
        raise DataFormatError(f"{path}:{lineno}: empty label")
    return value.strip()
