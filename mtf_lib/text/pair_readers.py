"""Readers for scored text pairs (sentence similarity, short-answer grading): JSONL objects,
``id||s1||s2||score`` files (Chinese STS-B) and CSV/TSV files with a header row.
(Registered as components in ``mtf_lib.tasks.pair_scoring.readers``.)

Each reader yields ``PairExample`` records: the text scored (``a``), one or more texts it is
compared with (``refs``), the raw target as a string, and an optional context (the question) and
group (the question id). Texts are stripped of surrounding whitespace. An empty ``a`` or first
reference is an error; a later reference that is empty or absent is skipped. A missing target is
read as ``""``: whether that is an error depends on the split, which the caller knows.

Malformed input is reported with the file and line, and the params key that may fix it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtf_lib.text.lines import header_rows, json_object, numbered_lines
from mtf_lib.text.readers import DataFormatError

KEY = "preprocess.format"  # where a reader's settings live in params.yaml
EMPTY_A = f" (set {KEY}.allow_empty_a: true to keep such records)"


@dataclass(frozen=True)
class PairExample:
    a: str  # the text scored (SAS: the student's answer; STS: s1)
    refs: tuple[str, ...]  # >= 1 texts it is compared with (SAS: reference1..3 non-empty; STS: (s2,))
    target: str  # the raw score or label as a string ("7", "3.2", "entailment"); "" if absent
    context: str = ""  # e.g. the question; "" if none
    group: str = ""  # e.g. q_id; "" if none
    line: int = 0  # 1-based line (or row) number in its file, for messages


def read_pair_jsonl(
    path: str | Path,
    a_field: str = "a",
    refs_fields: Sequence[str] = ("b",),
    target_field: str = "score",
    context_field: str = "",
    group_field: str = "",
    allow_empty_a: bool = False,
) -> Iterator[PairExample]:
    """One JSON object per line; blank lines are skipped. ``refs_fields``: the first must hold a
    text, later ones may be absent, null or empty. A target, group or context that is a number
    is read as its string; a record without ``target_field`` gets target ``""``. ``context_field``
    and ``group_field`` ("" = none), when set, must be keys of every record (an empty value is
    allowed). ``allow_empty_a``: keep a record whose ``a`` is empty (a blank student answer, as
    SAS ADS has a few) instead of raising."""
    path = Path(path)
    refs_fields = _check_refs_fields(refs_fields)
    with numbered_lines(path) as lines:
        for lineno, line in lines:
            if not line.strip():
                continue
            example = f'{{"{a_field}": "...", "{refs_fields[0]}": "...", "{target_field}": "..."}}'
            record = json_object(line, path, lineno, example)

            def get(field: str, key: str, record: dict = record, lineno: int = lineno) -> Any:
                if field not in record:
                    keys = ", ".join(map(repr, record)) or "none"
                    raise DataFormatError(
                        f"{path}:{lineno}: no {field!r} key (keys: {keys}); set {KEY}.{key} to the right key"
                    )
                return record[field]

            a = _text(get(a_field, "a_field"), path, lineno, a_field, required=not allow_empty_a, hint=EMPTY_A)
            refs = [_text(get(refs_fields[0], "ref_fields"), path, lineno, refs_fields[0], required=True)]
            refs += [_text(record.get(f), path, lineno, f) for f in refs_fields[1:]]
            target = _scalar(record.get(target_field), path, lineno, target_field)
            context = _text(get(context_field, "context_field"), path, lineno, context_field) if context_field else ""
            group = _scalar(get(group_field, "group_field"), path, lineno, group_field) if group_field else ""
            yield PairExample(a, tuple(r for r in refs if r), target, context, group, lineno)


def read_sts_pipe(path: str | Path) -> Iterator[PairExample]:
    """``id||s1||s2||score`` per line (Chinese STS-B, cnsd-sts-*.txt); blank lines are skipped.
    The id is not kept; a line is identified by its number."""
    path = Path(path)
    with numbered_lines(path) as lines:
        for lineno, line in lines:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("||")
            if len(fields) != 4:
                raise DataFormatError(
                    f"{path}:{lineno}: {len(fields)} fields separated by '||', expected 4 (id||s1||s2||score); "
                    f"a text may not contain '||' (for another layout set {KEY} to pair_jsonl.v1 or pair_csv.v1)"
                )
            _, s1, s2, score = fields
            a = _text(s1, path, lineno, "s1 (field 2)", required=True)
            b = _text(s2, path, lineno, "s2 (field 3)", required=True)
            yield PairExample(a, (b,), score.strip(), line=lineno)


def read_pair_csv(
    path: str | Path,
    a_field: str = "a",
    refs_fields: Sequence[str] = ("b",),
    target_field: str = "score",
    context_field: str = "",
    group_field: str = "",
    delimiter: str = ",",
    quoting: bool = True,
    allow_empty_a: bool = False,
) -> Iterator[PairExample]:
    """Rows under a header row naming the columns; other columns are ignored. Every named column
    must be in the header except ``target_field`` (no such column: every target is ``""``).
    ``quoting``: fields may be quoted ("..."), as spreadsheet tools write CSV; off, quotes are kept
    as written and a field may not hold the delimiter. ``allow_empty_a``: as for ``read_pair_jsonl``."""
    path = Path(path)
    refs_fields = _check_refs_fields(refs_fields)
    wanted = [(a_field, "a_field")] + [(f, "ref_fields") for f in refs_fields]
    wanted += [(f, key) for f, key in ((context_field, "context_field"), (group_field, "group_field")) if f]
    for lineno, row, column in header_rows(path, wanted, delimiter=delimiter, quoting=quoting, section=KEY):
        a = _text(row[column[a_field]], path, lineno, a_field, required=not allow_empty_a, hint=EMPTY_A)
        refs = [_text(row[column[f]], path, lineno, f, required=i == 0) for i, f in enumerate(refs_fields)]
        target = row[column[target_field]].strip() if target_field in column else ""
        context = row[column[context_field]].strip() if context_field else ""
        group = row[column[group_field]].strip() if group_field else ""
        yield PairExample(a, tuple(r for r in refs if r), target, context, group, lineno)


def _check_refs_fields(refs_fields: Sequence[str]) -> tuple[str, ...]:
    if isinstance(refs_fields, str):  # a lone name, not its characters
        refs_fields = (refs_fields,)
    if not refs_fields:
        raise DataFormatError(f"no reference field: set {KEY}.ref_fields to a list of one or more fields")
    return tuple(refs_fields)


def _text(value: Any, path: Path, lineno: int, field: str, required: bool = False, hint: str = "") -> str:
    """A stripped text; ``None`` (a JSON null, an absent optional field) reads as empty;
    ``required``: an empty text is an error (``hint``: how to allow it)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DataFormatError(f"{path}:{lineno}: {field!r} must be a string, got {type(value).__name__} {value!r}")
    value = value.strip()
    if required and not value:
        raise DataFormatError(f"{path}:{lineno}: empty {field!r} text{hint}")
    return value


def _scalar(value: Any, path: Path, lineno: int, field: str) -> str:
    """A target or group: a string, or a number read as its string (``None`` → ``""``)."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise DataFormatError(
            f"{path}:{lineno}: {field!r} must be a string or a number, got {type(value).__name__} {value!r}"
        )
    return value.strip()
