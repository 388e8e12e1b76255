"""Registered readers of labelled texts (``preprocess.format``), with the fields or columns they read.

preprocess:
  format: {name: labelled_csv.v1, text_field: review, label_field: stars, delimiter: ";"}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from pydantic import Field

from mtf_lib import registry
from mtf_lib.text.labelled_readers import LabelledText, read_labelled_csv, read_labelled_jsonl

ClassificationReader = Callable[[Path], Iterator[LabelledText]]
FieldName = Field(min_length=1)


@registry.readers("labelled_jsonl.v1", task_type="classification")
def labelled_jsonl(*, text_field: str = "text", label_field: str = "label") -> ClassificationReader:
    """JSON lines with a text and a label field (an integer label is read as its string)."""
    return partial(read_labelled_jsonl, text_field=text_field, label_field=label_field)


@registry.readers("labelled_csv.v1", task_type="classification")
def labelled_csv(
    *, text_field: str = "text", label_field: str = "label", delimiter: str = ",", quoting: bool = True
) -> ClassificationReader:
    """CSV or TSV (delimiter "\\t", quoting false) with a header row naming the text and label columns."""
    return partial(
        read_labelled_csv, text_field=text_field, label_field=label_field, delimiter=delimiter, quoting=quoting
    )
