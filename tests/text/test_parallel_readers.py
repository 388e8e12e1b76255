"""Parallel-text readers: Tatoeba's TSV in both directions, two aligned files, JSON lines; bad
input (an empty side, no separator, files of different lengths, a missing key) names the file
and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtf_lib.text.parallel_readers import read_parallel_jsonl, read_parallel_text, read_tatoeba
from mtf_lib.text.readers import DataFormatError

TATOEBA = (
    "Hi.\t嗨。\tCC-BY 2.0 (France) Attribution: tatoeba.org #538123 (CM) & #891077 (Martha)\n"
    "\n"
    "Run.\t你用跑的。\tCC-BY\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_tatoeba_in_both_directions_keeps_the_attribution(tmp_path: Path) -> None:
    path = write(tmp_path / "cmn.txt", TATOEBA)
    zh_en = list(read_tatoeba(path, "cmn-eng"))
    assert [(p.source, p.target, p.line) for p in zh_en] == [("嗨。", "Hi.", 1), ("你用跑的。", "Run.", 3)]
    assert zh_en[0].attribution.startswith("CC-BY 2.0 (France)")
    assert [(p.source, p.target) for p in read_tatoeba(path, "eng-cmn")] == [("Hi.", "嗨。"), ("Run.", "你用跑的。")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hi.\t\tCC-BY\n", "cmn.txt:1: the source side is empty"),
        ("Hi. 嗨。\n", "cmn.txt:1: no tab between the English and the Chinese sentence"),
        ("Hi.\t嗨。\n  \t你好。\n", "cmn.txt:2: the target side is empty"),
    ],
)
def test_bad_tatoeba_lines_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DataFormatError, match=message):
        list(read_tatoeba(write(tmp_path / "cmn.txt", text), "cmn-eng"))


def test_an_unknown_direction_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="direction 'zh-en' is unknown; choose one of: cmn-eng, eng-cmn"):
        list(read_tatoeba(write(tmp_path / "cmn.txt", TATOEBA), "zh-en"))


def test_two_aligned_files(tmp_path: Path) -> None:
    write(tmp_path / "train.zh", "我喜欢茶。\n\n他有一本书。\n")
    write(tmp_path / "train.en", "I like tea.\n\nHe has a book.\n\n\n")  # blank lines at its end: skipped
    pairs = list(read_parallel_text(tmp_path / "train.zh", "en"))
    assert [(p.source, p.target, p.line) for p in pairs] == [
        ("我喜欢茶。", "I like tea.", 1),
        ("他有一本书。", "He has a book.", 3),
    ]


def test_aligned_files_of_different_lengths_or_a_missing_one(tmp_path: Path) -> None:
    write(tmp_path / "train.zh", "我喜欢茶。\n他有一本书。\n")
    write(tmp_path / "train.en", "I like tea.\n")
    with pytest.raises(DataFormatError, match=r"train.en: ends before line 2 of .*train.zh"):
        list(read_parallel_text(tmp_path / "train.zh", "en"))
    with pytest.raises(DataFormatError, match=r"train.de not found: parallel_text.v1 reads the target sentences"):
        list(read_parallel_text(tmp_path / "train.zh", "de"))
    write(tmp_path / "train.en", "I like tea.\n\n")
    with pytest.raises(DataFormatError, match=r"train.en:2: the target side is empty"):
        list(read_parallel_text(tmp_path / "train.zh", "en"))


def test_json_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.jsonl", '{"zh": "我喜欢茶。", "en": "I like tea."}\n\n{"zh": "你好。", "en": "Hello."}\n'
    )
    assert [(p.source, p.target, p.line) for p in read_parallel_jsonl(path, "zh", "en")][1] == ("你好。", "Hello.", 3)
    with pytest.raises(
        DataFormatError,
        match=r"t.jsonl:1: no text under 'source' \(keys: 'zh', 'en'\); set preprocess.format.source_field",
    ):
        list(read_parallel_jsonl(path, "source", "en"))
    bad = write(tmp_path / "bad.jsonl", '{"zh": "我", "en": ""}\n')
    with pytest.raises(DataFormatError, match="bad.jsonl:1: the target side is empty"):
        list(read_parallel_jsonl(bad, "zh", "en"))
