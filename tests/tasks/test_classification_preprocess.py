"""Classification inputs: JSONL and TSV readers (errors name file:line), preprocess outputs, no outputs on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtf_lib import registry
from mtf_lib.errors import InputError
from mtf_lib.stage import StagePaths
from mtf_lib.tasks import streaming
from mtf_lib.tasks.classification.features import tokenize_texts
from mtf_lib.tasks.classification.preprocess import preprocess
from mtf_lib.text.labelled_readers import LabelledText, read_labelled_jsonl, read_labelled_tsv
from tests.tasks.classification_data import make_params, write_tsv


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_jsonl_reader(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", '{"text": "足球比赛", "label": "体育"}\n\n{"text": "", "label": 1, "id": 7}\n')
    assert list(read_labelled_jsonl(path)) == [LabelledText("足球比赛", "体育"), LabelledText("", "1")]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"text": "x", "label": "a"', r"a\.jsonl:2: not valid JSON"),
        ('["x", "a"]', r"a\.jsonl:2: expected a JSON object .*got list"),
        (
            '{"sentence": "x", "label": "a"}',
            r"a\.jsonl:2: no 'text' key \(keys: 'sentence', 'label'\).*preprocess\.text_field",
        ),
        ('{"text": "x"}', r"a\.jsonl:2: no 'label' key.*preprocess\.label_field"),
        ('{"text": 5, "label": "a"}', r"a\.jsonl:2: the text must be a string, got int 5"),
        ('{"text": "x", "label": true}', r"a\.jsonl:2: the label must be a string or an integer, got True"),
        ('{"text": "x", "label": " "}', r"a\.jsonl:2: empty label"),
    ],
)
def test_jsonl_errors_name_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = write(tmp_path / "a.jsonl", '{"text": "好", "label": "a"}\n' + line + "\n")
    with pytest.raises(InputError, match=problem):
        list(read_labelled_jsonl(path))


def test_tsv_reader_uses_the_header_and_keeps_quotes(tmp_path: Path) -> None:
    text = 'id\tlabel\ttext\r\n1\t体育\t"足球"比赛\r\n\r\n2\t 财经 \t股市\r\n'
    path = write(tmp_path / "a.tsv", "\ufeff" + text)  # a BOM, as spreadsheet tools write
    assert list(read_labelled_tsv(path)) == [LabelledText('"足球"比赛', "体育"), LabelledText("股市", "财经")]
    assert list(read_labelled_tsv(path, text_field="id")) == [LabelledText("1", "体育"), LabelledText("2", "财经")]


@pytest.mark.parametrize(
    ("text", "fields", "problem"),
    [
        ("", {}, r"a\.tsv: empty file"),
        (
            "sentence\tlabel\nx\ta\n",
            {},
            r"a\.tsv:1: the header row has no 'text' column .*'sentence', 'label'.*text_field",
        ),
        (
            "text\tlabel\nx\ta\n",
            {"label_field": "topic"},
            r"a\.tsv:1: the header row has no 'topic' column.*label_field",
        ),
        ("text\tlabel\nx\ta\ny\n", {}, r"a\.tsv:3: 1 fields separated by '\\t', but the header has 2"),
        ("text\tlabel\nx\ta\nx\ty\tb\n", {}, r"a\.tsv:3: 3 fields separated.*may not contain the delimiter"),
        ("text\tlabel\nx\ta\n\nx\t\n", {}, r"a\.tsv:4: empty label"),
    ],
)
def test_tsv_errors_name_file_and_line(tmp_path: Path, text: str, fields: dict[str, str], problem: str) -> None:
    path = write(tmp_path / "a.tsv", text)
    with pytest.raises(InputError, match=problem):
        list(read_labelled_tsv(path, **fields))


def test_non_utf8_file(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", '{"text": "足球", "label": "体育"}\n'.encode("gbk"))
    with pytest.raises(InputError, match=r"a\.jsonl: not UTF-8 text"):
        list(read_labelled_jsonl(path))


def test_preprocess_writes_normalised_tokenised_records(tmp_path: Path) -> None:
    params = make_params(tmp_path)
    assert preprocess(params, out(tmp_path)) == {"train": 36, "dev": 12, "test": 12}
    first = json.loads((tmp_path / "out" / "train.jsonl").read_text(encoding="utf-8").splitlines()[0])
    tokens = ["国家队", "在", "足球比赛", "中", "两", "比", "零", "获胜"]  # jieba's precise mode
    assert first == {"text": "国家队在足球比赛中两比零获胜", "tokens": tokens, "label": "体育"}


def test_preprocess_tsv_with_char_tokens_and_limit(tmp_path: Path) -> None:
    rows = [("ＡＩ　芯片", "科技"), ("股市", "财经"), ("比赛", "体育")]
    files = {s: str(write_tsv(tmp_path / f"{s}.tsv", rows)) for s in ("train", "dev", "test")}
    params = make_params(tmp_path)
    tsv = registry.readers.resolve({"name": "labelled_csv.v1", "delimiter": "\t", "quoting": False})
    section = params.preprocess.model_copy(update={"format": tsv, "tokenizer": "char.v1", "limit": 2, **files})
    params = params.model_copy(update={"preprocess": section})
    assert preprocess(params, out(tmp_path)) == {"train": 2, "dev": 2, "test": 2}
    first = json.loads((tmp_path / "out" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[0])
    # Full-width forms are normalised; the space is not a token.
    assert first == {"text": "AI 芯片", "tokens": ["A", "I", "芯", "片"], "label": "科技"}


def test_bad_test_split_stops_before_anything_is_written(tmp_path: Path) -> None:
    params = make_params(tmp_path)
    write(Path(params.preprocess.test), '{"text": "好", "label": "a"}\n{"text": "坏"}\n')
    with pytest.raises(InputError, match=r"test\.jsonl:2: no 'label' key"):
        preprocess(params, out(tmp_path))
    assert not (tmp_path / "out").exists()


def test_missing_or_empty_split_names_the_param(tmp_path: Path) -> None:
    params = make_params(tmp_path)
    Path(params.preprocess.dev).unlink()
    with pytest.raises(InputError, match=r"dev\.jsonl not found.*preprocess\.dev"):
        preprocess(params, out(tmp_path))
    write(Path(params.preprocess.dev), "\n")
    with pytest.raises(InputError, match=r"dev\.jsonl: no texts"):
        preprocess(params, out(tmp_path))
    assert not (tmp_path / "out").exists()


def test_tokens_are_identical_for_any_worker_count() -> None:
    texts = [f"第{i}场足球比赛在北京举行" for i in range(4100)]  # three chunks: the pool is used
    one = tokenize_texts(texts, "jieba.v1", normalize=True, workers=1)
    two = tokenize_texts(texts, "jieba.v1", normalize=True, workers=2)
    assert one == two
    assert one[1][-1] == ["第", "4099", "场", "足球比赛", "在", "北京", "举行"]


def out(tmp_path: Path) -> StagePaths:
    return StagePaths(preprocessed=tmp_path / "out")


def test_streamed_output_does_not_depend_on_chunks_or_workers(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    params = make_params(tmp_path)
    preprocess(params, StagePaths(preprocessed=tmp_path / "whole"))
    monkeypatch.setattr(streaming, "CHUNK", 5)  # train's 36 texts in 8 chunks, through 2 workers
    section = params.preprocess.model_copy(update={"workers": 2})
    chunked = StagePaths(preprocessed=tmp_path / "chunked")
    assert preprocess(params.model_copy(update={"preprocess": section}), chunked) == {
        "train": 36,
        "dev": 12,
        "test": 12,
    }
    for split in ("train", "dev", "test"):
        whole = (tmp_path / "whole" / f"{split}.jsonl").read_bytes()
        assert whole == (tmp_path / "chunked" / f"{split}.jsonl").read_bytes()
