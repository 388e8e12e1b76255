"""Readers of parallel text (translation pairs): Tatoeba's TSV, two aligned plain-text files,
and JSON lines. (Registered as components in ``mtf_lib.tasks.seq2seq.readers``.)

Each yields ``ParallelExample`` records with both sides stripped of surrounding whitespace and
the 1-based line they came from. An empty side, a line without its separator, a missing key or
two files of different lengths is an error naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mtf_lib.text.lines import json_object, numbered_lines
from mtf_lib.text.readers import DataFormatError

KEY = "preprocess.format"
DIRECTIONS = {"cmn-eng": (1, 0), "eng-cmn": (0, 1)}  # Tatoeba columns (source, target) per direction


@dataclass(frozen=True)
class ParallelExample:
    source: str
    target: str
    line: int = 0
    attribution: str = ""  # the licence's attribution line, where the data set gives one


def readable(text: str) -> bool:
    """Whether ``text`` holds a visible character (not only spaces, zero-width or control ones)."""
    return any(c.isprintable() and not c.isspace() for c in text)


def _checked(path: Path, line: int, source: str, target: str, attribution: str = "") -> ParallelExample:
    source, target = source.strip(), target.strip()
    for side, text in (("source", source), ("target", target)):
        if not readable(text):
            raise DataFormatError(f"{path}:{line}: the {side} side is empty (every pair needs both sentences)")
    return ParallelExample(source, target, line, attribution.strip())


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Numbered lines without their line ends."""
    with numbered_lines(path) as lines:
        for number, line in lines:
            yield number, line.rstrip("\r\n")


def read_tatoeba(path: str | Path, direction: str = "cmn-eng") -> Iterator[ParallelExample]:
    """``english<TAB>chinese<TAB>attribution`` lines (Tatoeba's cmn.txt); blank lines skipped."""
    if direction not in DIRECTIONS:
        raise DataFormatError(f"{KEY}.direction {direction!r} is unknown; choose one of: {', '.join(DIRECTIONS)}")
    src, tgt = DIRECTIONS[direction]
    path = Path(path)
    for number, line in _lines(path):
        if not line.strip():
            continue
        columns = line.split("\t")
        if len(columns) < 2:
            raise DataFormatError(
                f"{path}:{number}: no tab between the English and the Chinese sentence "
                f"(expected english<TAB>chinese<TAB>attribution); is {KEY} right for this file?"
            )
        yield _checked(path, number, columns[src], columns[tgt], columns[2] if len(columns) > 2 else "")


def read_parallel_text(path: str | Path, target_suffix: str) -> Iterator[ParallelExample]:
    """Two aligned files, one sentence per line: ``path`` is the source side's file and the
    target side's has the same name with ``target_suffix`` as its extension (``data/train.zh``
    with ``en`` reads ``data/train.en``). Blank lines in both files, or at the end of one, are
    skipped."""
    source_path = Path(path)
    target_path = source_path.with_suffix(f".{target_suffix}")
    if target_path == source_path:
        raise DataFormatError(f"{source_path}: {KEY}.target_suffix {target_suffix!r} names this same file")
    if not target_path.is_file():
        raise DataFormatError(
            f"{target_path} not found: parallel_text.v1 reads the target sentences from the source file's "
            f"name with .{target_suffix} (set {KEY}.target_suffix)"
        )
    source_lines, target_lines = _lines(source_path), _lines(target_path)
    while True:
        source, target = next(source_lines, None), next(target_lines, None)
        if source is None or target is None:
            rest = [line for line in (target_lines if source is None else source_lines) if line[1].strip()]
            longer = (target, target_path) if source is None else (source, source_path)
            if longer[0] is not None and (longer[0][1].strip() or rest):
                first = longer[0] if longer[0][1].strip() else rest[0]
                shorter = source_path if source is None else target_path
                raise DataFormatError(
                    f"{shorter}: ends before line {first[0]} of {longer[1]}: the two files must have the same lines"
                )
            return
        if not source[1].strip() and not target[1].strip():
            continue  # a blank line in both files
        yield _checked(source_path if not source[1].strip() else target_path, source[0], source[1], target[1])


def read_parallel_jsonl(path: str | Path, source_field: str, target_field: str) -> Iterator[ParallelExample]:
    """One JSON object per line with a source and a target text; blank lines skipped."""
    path = Path(path)
    for number, line in _lines(path):
        if not line.strip():
            continue
        record = json_object(line, path, number, f'{{"{source_field}": "...", "{target_field}": "..."}}')
        for field, key in ((source_field, "source_field"), (target_field, "target_field")):
            if not isinstance(record.get(field), str):
                keys = ", ".join(map(repr, record)) or "none"
                raise DataFormatError(
                    f"{path}:{number}: no text under {field!r} (keys: {keys}); set {KEY}.{key} to the right key"
                )
        yield _checked(path, number, record[source_field], record[target_field])
