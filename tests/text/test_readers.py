"""mtf_lib.text.readers: char-per-line and JSONL corpora, errors that name file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtf_lib import registry
from mtf_lib.errors import InputError
from mtf_lib.text.readers import DataFormatError, TaggedSentence, read_char_tagged, read_jsonl
from tests.conftest import mirror_dir

RESUME_DEV = mirror_dir() / "resume_ner" / "dev.char.bmes"


def _write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def test_tagged_sentence_checks_lengths() -> None:
    with pytest.raises(ValueError, match="2 chars but 1 tags"):
        TaggedSentence(["a", "b"], ["O"])


def test_read_char_tagged_small_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "small.bmes",
        "吴 B-NAME\n重 M-NAME\n阳 E-NAME\n， O\n\n\n中 B-CONT\n国 E-CONT\n\n  O\n\u3000\tS-X\nA O\n",
    )
    sentences = list(read_char_tagged(path))
    assert sentences == [
        TaggedSentence(["吴", "重", "阳", "，"], ["B-NAME", "M-NAME", "E-NAME", "O"]),
        TaggedSentence(["中", "国"], ["B-CONT", "E-CONT"]),
        # A space may itself be the character; a tab also separates; no trailing blank line needed.
        TaggedSentence([" ", "\u3000", "A"], ["O", "S-X", "O"]),
    ]


def test_read_char_tagged_accepts_crlf_and_str_path(tmp_path: Path) -> None:
    path = _write(tmp_path / "crlf.bmes", "a B-X\r\nb E-X\r\n\r\nc O\r\n")
    sentences = list(read_char_tagged(str(path)))
    assert [s.chars for s in sentences] == [["a", "b"], ["c"]]
    assert [s.tags for s in sentences] == [["B-X", "E-X"], ["O"]]


def test_read_char_tagged_empty_file(tmp_path: Path) -> None:
    assert list(read_char_tagged(_write(tmp_path / "empty.bmes", "\n\n"))) == []


def test_read_char_tagged_resume_dev() -> None:
    sentences = list(read_char_tagged(RESUME_DEV))
    assert len(sentences) == 463
    assert all(len(s.chars) == len(s.tags) > 0 for s in sentences)
    assert all(len(c) == 1 for s in sentences for c in s.chars)
    assert sentences[0].chars[:3] == ["吴", "重", "阳"]
    assert sentences[0].tags[:3] == ["B-NAME", "M-NAME", "E-NAME"]
    kinds = {t.partition("-")[2] for s in sentences for t in s.tags if t != "O"}
    assert kinds == {"NAME", "CONT", "RACE", "TITLE", "EDU", "ORG", "PRO", "LOC"}


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("中国 B-ORG", "expected '<one char> <tag>'"),
        ("中", "expected '<one char> <tag>'"),
        ("中 Q-ORG", "malformed tag 'Q-ORG'"),
        ("中 B-", "malformed tag 'B-'"),
    ],
)
def test_read_char_tagged_malformed_line_names_file_and_line(tmp_path: Path, bad_line: str, message: str) -> None:
    path = _write(tmp_path / "bad.bmes", f"a O\nb O\n\nc O\n{bad_line}\nd O\n")
    with pytest.raises(DataFormatError, match=message) as info:
        list(read_char_tagged(path))
    assert f"{path}:5:" in str(info.value)
    assert isinstance(info.value, InputError)


def test_read_char_tagged_yields_lazily_before_the_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "late.bmes", "a O\n\nbad line here\n")
    reader = read_char_tagged(path)
    assert next(reader).chars == ["a"]
    with pytest.raises(DataFormatError, match=r"late\.bmes:3:"):
        next(reader)


def test_read_jsonl_entity_records(tmp_path: Path) -> None:
    records = [
        {
            "text": "张三在北京",
            "entities": [{"type": "PER", "start": 0, "end": 2}, {"type": "LOC", "start": 3, "end": 5}],
        },
        {"text": "无", "entities": []},
        {"text": "京"},
        {"text": "在上海", "entities": [{"type": "LOC", "start": 1, "end": 3}]},
    ]
    path = _write(tmp_path / "ents.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n\n")
    sentences = list(read_jsonl(path))
    assert [s.chars for s in sentences] == [list("张三在北京"), ["无"], ["京"], list("在上海")]
    assert sentences[0].tags == ["B-PER", "E-PER", "O", "B-LOC", "E-LOC"]
    assert sentences[1].tags == ["O"]
    assert sentences[2].tags == ["O"]
    assert sentences[3].tags == ["O", "B-LOC", "E-LOC"]
    assert list(read_jsonl(path, scheme="BIO"))[0].tags == ["B-PER", "I-PER", "O", "B-LOC", "I-LOC"]
    assert list(read_jsonl(path, scheme="BMES"))[3].tags == ["O", "B-LOC", "E-LOC"]


def test_read_jsonl_entities_given_out_of_order(tmp_path: Path) -> None:
    record = {"text": "abcdef", "entities": [{"type": "Y", "start": 4, "end": 5}, {"type": "X", "start": 0, "end": 3}]}
    path = _write(tmp_path / "order.jsonl", json.dumps(record))
    assert list(read_jsonl(path))[0].tags == ["B-X", "I-X", "E-X", "O", "S-Y", "O"]


def test_read_jsonl_tag_records_keep_their_tags(tmp_path: Path) -> None:
    record = {"text": "北京大学", "tags": ["B-ORG", "M-ORG", "M-ORG", "E-ORG"]}
    path = _write(tmp_path / "tags.jsonl", json.dumps(record, ensure_ascii=False))
    (sentence,) = read_jsonl(path, scheme="BIO")  # the scheme applies to entity records only
    assert sentence == TaggedSentence(list("北京大学"), ["B-ORG", "M-ORG", "M-ORG", "E-ORG"])


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"text": "abc", "entities": [{"type": "X", "start": 1, "end": 4}]}, "outside the text of length 3"),
        ({"text": "abc", "entities": [{"type": "X", "start": -1, "end": 2}]}, "outside the text"),
        ({"text": "abc", "entities": [{"type": "X", "start": 2, "end": 2}]}, "outside the text"),
        (
            {"text": "abcd", "entities": [{"type": "X", "start": 0, "end": 2}, {"type": "Y", "start": 1, "end": 3}]},
            "overlaps",
        ),
        (
            {"text": "abcd", "entities": [{"type": "X", "start": 0, "end": 4}, {"type": "Y", "start": 1, "end": 2}]},
            "overlaps",
        ),
        (
            {"text": "abcd", "entities": [{"type": "X", "start": 0, "end": 1}, {"type": "Y", "start": 0, "end": 3}]},
            "overlaps",
        ),
        ({"text": "abc", "entities": [{"type": "X", "start": 0}]}, "KeyError"),
        ({"entities": []}, "KeyError"),
        ({"text": "ab", "tags": ["O"]}, "2 chars but 1 tags"),
        ({"text": "ab", "tags": ["O", "B-"]}, "malformed tag"),
        ([1, 2], "TypeError"),
    ],
)
def test_read_jsonl_bad_records(tmp_path: Path, record: object, message: str) -> None:
    good = json.dumps({"text": "ok"})
    path = _write(tmp_path / "bad.jsonl", f"{good}\n\n{json.dumps(record)}\n{good}\n")
    with pytest.raises(DataFormatError, match=message) as info:
        list(read_jsonl(path))
    assert f"{path}:3:" in str(info.value)


def test_read_jsonl_invalid_json(tmp_path: Path) -> None:
    path = _write(tmp_path / "broken.jsonl", '{"text": "a"}\n{"text": \n')
    with pytest.raises(DataFormatError, match=r"broken\.jsonl:2: JSONDecodeError"):
        list(read_jsonl(path))


def test_adjacent_entities_are_not_overlapping(tmp_path: Path) -> None:
    record = {"text": "abcd", "entities": [{"type": "X", "start": 0, "end": 2}, {"type": "Y", "start": 2, "end": 4}]}
    path = _write(tmp_path / "adjacent.jsonl", json.dumps(record))
    assert list(read_jsonl(path))[0].tags == ["B-X", "E-X", "B-Y", "E-Y"]


def test_built_in_formats_are_registered_readers() -> None:

    tagging = set(registry.readers.names(task_type="tagging")) - set(registry.readers.names(task_type="x"))
    assert {"char_tagged.v1", "tagged_jsonl.v1", "conll.v1"} <= tagging
    assert registry.readers.build("char_tagged.v1") is read_char_tagged
    assert registry.readers.build("tagged_jsonl.v1") is read_jsonl


# A CoNLL-2003 file: word, POS, chunk and NER tag, documents opened by -DOCSTART-.
CONLL_2003 = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP B-LOC
"""


def test_conll_reads_an_english_conll_2003_file(tmp_path: Path) -> None:
    from mtf_lib.text.schemes import spans_from_tags

    reader = registry.readers.build({"name": "conll.v1", "join": " "})
    sentences = list(reader(_write(tmp_path / "eng.train", CONLL_2003), "BIO"))
    texts = ["".join(s.chars) for s in sentences]
    assert texts == ["EU rejects German call .", "Peter Blackburn", "BRUSSELS"]
    found = [[(k, text[a:b]) for k, a, b in spans_from_tags(s.tags)] for s, text in zip(sentences, texts, strict=True)]
    assert found == [[("ORG", "EU"), ("MISC", "German")], [("PER", "Peter Blackburn")], [("LOC", "BRUSSELS")]]
    assert sentences[1].tags[5] == "I-PER"  # the space inside the name belongs to it
    assert sentences[0].tags[2] == "O"  # a space between entities does not


def test_conll_reads_a_chinese_char_file_with_an_extra_column(tmp_path: Path) -> None:

    text = "张\tNR\tB-PER\n伟\tNR\tE-PER\n去\tVV\tO\n北\tNR\tB-LOC\n京\tNR\tE-LOC\n\n好\tVA\tO\n"
    reader = registry.readers.build({"name": "conll.v1", "tag_column": 2, "separator": "\t"})
    sentences = list(reader(_write(tmp_path / "zh.conll", text), "BMES"))
    assert sentences == [
        TaggedSentence(list("张伟去北京"), ["B-PER", "E-PER", "O", "B-LOC", "E-LOC"]),
        TaggedSentence(["好"], ["O"]),
    ]


@pytest.mark.parametrize(
    ("text", "settings", "problem"),
    [
        ("a O\nb\n", {"tag_column": 1}, r"zh\.conll:2: 1 column\(s\) in 'b', but token_column is 0 and tag_column 1"),
        ("a NR X-PER\n", {"tag_column": 2}, r"zh\.conll:1: malformed tag 'X-PER'.*tag_column 2"),
        ("\tNR\tO\n", {"separator": "\t"}, r"zh\.conll:1: empty token"),
    ],
)
def test_conll_errors_name_file_and_line(tmp_path: Path, text: str, settings: dict, problem: str) -> None:

    reader = registry.readers.build({"name": "conll.v1", **settings})
    with pytest.raises(DataFormatError, match=problem):
        list(reader(_write(tmp_path / "zh.conll", text), "BIO"))
