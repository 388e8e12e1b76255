"""Registered readers of text pairs (``preprocess.format``), with the fields or columns they read.

preprocess:
  format: {name: pair_jsonl.v1, a_field: answer, ref_fields: [reference1, reference2, reference3],
           target_field: score, context_field: question, group_field: q_id}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from mtf_lib import registry
from mtf_lib.text.pair_readers import PairExample, read_pair_csv, read_pair_jsonl, read_sts_pipe

PairReader = Callable[[Path], Iterator[PairExample]]


@registry.readers("pair_jsonl.v1", task_type="pair_scoring")
def pair_jsonl(
    *,
    a_field: str = "a",
    ref_fields: list[str] = ["b"],  # noqa: B006 - a settings default, never mutated
    target_field: str = "score",
    context_field: str = "",
    group_field: str = "",
    allow_empty_a: bool = False,
) -> PairReader:
    """JSON lines: the text scored, its references (the first required, later ones may be empty
    or absent), the target, and optionally a context (the question) and a group (its id); "" = none.
    ``allow_empty_a``: keep a record whose scored text is empty (else it is an error)."""
    return partial(
        read_pair_jsonl,
        a_field=a_field,
        refs_fields=tuple(ref_fields),
        target_field=target_field,
        context_field=context_field,
        group_field=group_field,
        allow_empty_a=allow_empty_a,
    )


@registry.readers("sts_pipe.v1", task_type="pair_scoring")
def sts_pipe() -> PairReader:
    """``id||s1||s2||score`` lines (Chinese STS-B)."""
    return read_sts_pipe


@registry.readers("pair_csv.v1", task_type="pair_scoring")
def pair_csv(
    *,
    a_field: str = "a",
    ref_fields: list[str] = ["b"],  # noqa: B006 - a settings default, never mutated
    target_field: str = "score",
    context_field: str = "",
    group_field: str = "",
    delimiter: str = ",",
    quoting: bool = True,
    allow_empty_a: bool = False,
) -> PairReader:
    """CSV or TSV (delimiter "\\t", quoting false) with a header row naming the columns."""
    return partial(
        read_pair_csv,
        a_field=a_field,
        refs_fields=tuple(ref_fields),
        target_field=target_field,
        context_field=context_field,
        group_field=group_field,
        delimiter=delimiter,
        quoting=quoting,
        allow_empty_a=allow_empty_a,
    )
