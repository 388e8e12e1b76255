"""Registered readers of parallel text (``preprocess.format``)::

preprocess:
  format: {name: tatoeba_tsv.v1, direction: cmn-eng}
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Literal

from mtf_lib import registry
from mtf_lib.text.parallel_readers import ParallelExample, read_parallel_jsonl, read_parallel_text, read_tatoeba

ParallelReader = Callable[[Path], Iterator[ParallelExample]]


@registry.readers("tatoeba_tsv.v1", task_type="seq2seq")
def tatoeba_tsv(*, direction: Literal["cmn-eng", "eng-cmn"] = "cmn-eng") -> ParallelReader:
    """Tatoeba's ``english<TAB>chinese<TAB>attribution`` lines; ``direction``: which side is the
    source (cmn-eng: Chinese → English). The attribution is kept with each pair."""
    return partial(read_tatoeba, direction=direction)


@registry.readers("parallel_text.v1", task_type="seq2seq")
def parallel_text(*, target_suffix: str = "en") -> ParallelReader:
    """Two aligned files, one sentence per line: the path is the source side's file, and the
    target side's has its name with the extension ``target_suffix`` (``data/train.zh`` →
    ``data/train.en``). List the target files in dvc.yaml's preprocess deps too."""
    return partial(read_parallel_text, target_suffix=target_suffix)


@registry.readers("parallel_jsonl.v1", task_type="seq2seq")
def parallel_jsonl(*, source_field: str = "source", target_field: str = "target") -> ParallelReader:
    """JSON lines with a source and a target text."""
    return partial(read_parallel_jsonl, source_field=source_field, target_field=target_field)
