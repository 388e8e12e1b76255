"""mtf_lib.text.pair_readers and the registered pair readers: JSONL, id||s1||s2||score and CSV
files, and errors that name the file, line and params key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtf_lib import registry
from mtf_lib.text.pair_readers import PairExample, read_pair_csv, read_pair_jsonl, read_sts_pipe
from mtf_lib.text.readers import DataFormatError
from tests.conftest import mirror_dir

REFS = ["reference1", "reference2", "reference3"]


def _write(path: Path, text: str, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _sas(path: Path, **settings: object) -> list[PairExample]:
    return list(read_pair_jsonl(path, "answer", REFS, "score", "question", "q_id", **settings))


def test_jsonl_reads_refs_context_group_and_strips(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "sas.jsonl",
        '{"score": "5", "answer": "\\n   链式存储。\\n\\n", "q_id": "003", "question": " 为什么？",'
        ' "reference1": "链表。", "reference2": "", "reference3": "顺序表。"}\n'
        "\n"
        '{"score": 7, "answer": "答", "q_id": 4, "question": "", "reference1": "参考"}\n',
        bom=True,
    )
    assert _sas(path) == [
        PairExample("链式存储。", ("链表。", "顺序表。"), "5", "为什么？", "003", line=1),
        PairExample("答", ("参考",), "7", "", "4", line=3),
    ]


def test_jsonl_missing_target_is_empty_and_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path / "pairs.jsonl", '{"a": " x ", "b": "y"}\n')
    assert list(read_pair_jsonl(path)) == [PairExample("x", ("y",), "", line=1)]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            '{"score": "1", "q_id": "1", "question": "q", "reference1": "r"}',
            "no 'answer' key .*preprocess.format.a_field",
        ),
        ('{"score": "1", "answer": "a", "q_id": "1", "question": "q"}', "no 'reference1' key .*format.ref_fields"),
        ('{"score": "1", "answer": "a", "q_id": "1", "reference1": "r"}', "no 'question' key .*format.context_field"),
        ('{"score": "1", "answer": "a", "question": "q", "reference1": "r"}', "no 'q_id' key .*format.group_field"),
        ('{"score": "1", "answer": " \\n", "q_id": "1", "question": "q", "reference1": "r"}', "empty 'answer' text"),
        ('{"score": "1", "answer": "a", "q_id": "1", "question": "q", "reference1": ""}', "empty 'reference1' text"),
        ('{"score": "1", "answer": 3, "q_id": "1", "question": "q", "reference1": "r"}', "'answer' must be a string"),
        ('{"score": true, "answer": "a", "q_id": "1", "question": "q", "reference1": "r"}', "'score' must be a"),
        ('["a", "b"]', "expected a JSON object"),
        ('{"answer": "a",', "not valid JSON"),
    ],
)
def test_jsonl_bad_records_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    good = '{"score": "1", "answer": "a", "q_id": "1", "question": "q", "reference1": "r"}'
    path = _write(tmp_path / "bad.jsonl", f"{good}\n{line}\n")
    with pytest.raises(DataFormatError, match=f"^{path}:2: {message}"):
        _sas(path)


def test_jsonl_empty_answer_kept_when_allowed(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "sas.jsonl", '{"score": "0", "answer": "\\n\\n", "q_id": "1", "question": "q", "reference1": "r"}\n'
    )
    with pytest.raises(DataFormatError, match="set preprocess.format.allow_empty_a: true"):
        _sas(path)
    assert _sas(path, allow_empty_a=True) == [PairExample("", ("r",), "0", "q", "1", line=1)]


def test_sts_pipe(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "sts.txt",
        "2012test-0001||一架飞机要起飞了。||一架飞机正在起飞。||5\r\n\n id2|| a || b ||3.2\n",
        bom=True,
    )
    assert list(read_sts_pipe(path)) == [
        PairExample("一架飞机要起飞了。", ("一架飞机正在起飞。",), "5", line=1),
        PairExample("a", ("b",), "3.2", line=3),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("id||a||b", "3 fields separated by '||', expected 4"),
        ("id||a||b||c||4", "5 fields"),
        ("id|| ||b||4", "empty 's1"),
    ],
)
def test_sts_pipe_bad_lines(tmp_path: Path, line: str, message: str) -> None:
    path = _write(tmp_path / "sts.txt", f"1||x||y||2\n{line}\n")
    with pytest.raises(DataFormatError, match=f"^{path}:2: {message}"):
        list(read_sts_pipe(path))


def test_csv_reads_named_columns(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "pairs.csv",
        'id,question,answer,ref1,ref2,grade\n1,q?," 多行\n答案 ",r1,,8\n\n2,q2,a2,r1,"r,2",\n',
        bom=True,
    )
    rows = list(read_pair_csv(path, "answer", ["ref1", "ref2"], "grade", "question", "id"))
    assert rows == [
        PairExample("多行\n答案", ("r1",), "8", "q?", "1", line=3),
        PairExample("a2", ("r1", "r,2"), "", "q2", "2", line=5),
    ]
    assert list(read_pair_csv(path, "answer", ["ref1"], "no_such_target")) == [
        PairExample("多行\n答案", ("r1",), "", line=3),
        PairExample("a2", ("r1",), "", line=5),
    ]


def test_tsv_without_quoting(tmp_path: Path) -> None:
    path = _write(tmp_path / "pairs.tsv", 'a\tb\tscore\n"x"\ty\t1\n')
    rows = list(read_pair_csv(path, delimiter="\t", quoting=False))
    assert rows == [PairExample('"x"', ("y",), "1", line=2)]


def test_csv_errors(tmp_path: Path) -> None:
    path = _write(tmp_path / "pairs.csv", "text,b,score\nx,y,1\n")
    with pytest.raises(
        DataFormatError,
        match=rf"^{path}:1: .*no 'a' column \(columns: 'text', 'b', 'score'\); set preprocess.format.a_field",
    ):
        list(read_pair_csv(path))
    with pytest.raises(DataFormatError, match=r"no 'q' column .*format.context_field"):
        list(read_pair_csv(path, "text", context_field="q"))
    path = _write(tmp_path / "short.csv", "a,b,score\nx,y\n")
    with pytest.raises(DataFormatError, match=rf"^{path}:2: 2 fields separated by ',', but the header has 3"):
        list(read_pair_csv(path))
    path = _write(tmp_path / "empty_b.csv", "a,b,score\nx, ,1\n")
    with pytest.raises(DataFormatError, match=rf"^{path}:2: empty 'b' text"):
        list(read_pair_csv(path))
    with pytest.raises(DataFormatError, match="empty file"):
        list(read_pair_csv(_write(tmp_path / "nothing.csv", "")))


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("1||飞机||飞机||5\n".encode("gbk"))
    with pytest.raises(DataFormatError, match="not UTF-8"):
        list(read_sts_pipe(path))


def test_registered_readers(tmp_path: Path) -> None:
    import mtf_lib.tasks.pair_scoring.readers  # noqa: F401 - registers them

    for name in ("pair_jsonl.v1", "sts_pipe.v1", "pair_csv.v1"):
        assert registry.readers.tags(name)["task_type"] == "pair_scoring"
    jsonl = _write(tmp_path / "p.jsonl", '{"s": "a", "r": ["x"], "y": "1"}\n{"s": "b", "r": "c", "y": "2"}\n')
    reader = registry.readers.get("pair_jsonl.v1")(a_field="s", ref_fields=["r"], target_field="y")
    with pytest.raises(DataFormatError, match=r":1: 'r' must be a string"):
        list(reader(jsonl))
    csv_path = _write(tmp_path / "p.csv", "a;b;score\nx;y;2\n")
    assert list(registry.readers.get("pair_csv.v1")(delimiter=";")(csv_path)) == [PairExample("x", ("y",), "2", line=2)]
    assert len(list(registry.readers.get("sts_pipe.v1")()(mirror_dir() / "cnsd_sts_b" / "cnsd-sts-dev.txt"))) == 1458
