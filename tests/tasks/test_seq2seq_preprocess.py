"""Seq2seq preprocess and dataset: repeated pairs dropped, dev/test cut by sentence groups (or
given, with the train pairs sharing their sentences dropped), bad input refused with file and
line before anything is written, and over-long train sentences cut with a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtf_lib.config import ParamsError, validate
from mtf_lib.data.shards import Split
from mtf_lib.errors import InputError
from mtf_lib.stage import StagePaths
from mtf_lib.tasks.common import read_preprocessed
from mtf_lib.tasks.seq2seq.dataset import build_dataset
from mtf_lib.tasks.seq2seq.params import Seq2SeqParams
from mtf_lib.tasks.seq2seq.preprocess import preprocess
from mtf_lib.text.parallel_split import leaked

SUBJECTS = ["我", "你", "他", "她", "我们", "他们", "老师", "朋友"]
OBJECTS = ["茶", "书", "猫", "车", "歌", "花", "鱼", "饭", "水", "酒"]


def pairs(n: int) -> list[dict]:
    return [
        {"source": f"{SUBJECTS[i % 8]}有{OBJECTS[i // 8 % 10]}{i}。", "target": f"S{i % 8} has O{i // 8 % 10} {i}."}
        for i in range(n)
    ]


def write(path: Path, records: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return str(path)


def params(tmp: Path, train: list[dict], dataset: dict | None = None, **preprocess: object):  # noqa: ANN201
    raw = {
        "task": {"name": "t", "type": "seq2seq"},
        "preprocess": {"train": write(tmp / "train.jsonl", train), "dev_size": 10, "test_size": 0.1, **preprocess},
        "dataset": dataset or {"source": {"kind": "char", "size": 100}, "target": {"kind": "unigram", "size": 60}},
        "model": {"name": "transformer_seq2seq.v1"},
    }
    return validate(Seq2SeqParams, raw, "test params")


def test_repeats_are_dropped_and_dev_test_share_no_sentence_with_train(tmp_path: Path) -> None:
    records = pairs(200)
    records += [records[0], {"source": records[1]["source"], "target": "Another translation."}]
    paths = StagePaths(preprocessed=tmp_path / "out")
    summary = preprocess(params(tmp_path, records), paths)
    assert summary["repeated"] == 1 and (summary["dev"], summary["test"]) == (10, 20)
    splits = {s: read_preprocessed(paths.preprocessed / f"{s}.jsonl") for s in ("train", "dev", "test")}
    assert sum(map(len, splits.values())) == 201

    class Pair:
        def __init__(self, record: dict) -> None:
            self.source, self.target = record["source"], record["target"]

    as_pairs = {s: [Pair(r) for r in rs] for s, rs in splits.items()}
    assert not leaked(as_pairs["train"], as_pairs["dev"]) and not leaked(as_pairs["train"], as_pairs["test"])
    assert preprocess(params(tmp_path, records), StagePaths(preprocessed=tmp_path / "again")) == summary
    assert (tmp_path / "again" / "test.jsonl").read_bytes() == (paths.preprocessed / "test.jsonl").read_bytes()


def test_given_dev_and_test_files_drop_the_train_pairs_that_share_their_sentences(tmp_path: Path) -> None:
    records = pairs(100)
    dev = write(tmp_path / "dev.jsonl", [records[0], {"source": "新句子。", "target": records[1]["target"]}])
    test = write(tmp_path / "test.jsonl", [records[2]])
    paths = StagePaths(preprocessed=tmp_path / "out")
    summary = preprocess(params(tmp_path, records, dev=dev, test=test), paths)
    assert summary["dropped_sharing_dev"] == 2 and summary["dropped_sharing_test"] == 1
    assert (summary["train"], summary["dev"], summary["test"]) == (97, 2, 1)


def test_a_given_dev_file_leaves_test_its_whole_share(tmp_path: Path) -> None:
    records = pairs(200)
    dev = write(tmp_path / "dev.jsonl", [{"source": "新句子。", "target": "A new sentence."}])
    summary = preprocess(params(tmp_path, records, dev=dev, test_size=50), StagePaths(preprocessed=tmp_path / "o"))
    assert (summary["train"], summary["dev"], summary["test"]) == (150, 1, 50)


def test_sentences_are_compared_as_the_model_sees_them(tmp_path: Path) -> None:
    records = [*pairs(100), {"source": "住手！", "target": "Stop!"}, {"source": "住手!", "target": "Stop  it!"}]
    paths = StagePaths(preprocessed=tmp_path / "out")
    preprocess(params(tmp_path, records, dev_size=30, test_size=30), paths)
    where = {
        s: {r["source"] for r in read_preprocessed(paths.preprocessed / f"{s}.jsonl")} for s in ("train", "dev", "test")
    }
    assert len([s for s, sources in where.items() if sources & {"住手！", "住手!"}]) == 1  # one group, one split


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"source": "", "target": "Hi."}', "train.jsonl:3: the source side is empty"),
        ('{"source": "\\u200b", "target": "Hi."}', "train.jsonl:3: the source side is empty"),
        ('{"source": "你好。"}', "train.jsonl:3: no text under 'target'"),
        ("not json", "train.jsonl:3: not valid JSON"),
    ],
)
def test_bad_input_names_file_and_line_and_writes_nothing(tmp_path: Path, line: str, message: str) -> None:
    good = [json.dumps(r, ensure_ascii=False) for r in pairs(2)]
    p = params(tmp_path, pairs(50))
    (tmp_path / "train.jsonl").write_text("\n".join([*good, line, *good]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(InputError, match=message):
        preprocess(p, StagePaths(preprocessed=out))
    assert not out.exists() or not any(out.iterdir())


def test_two_aligned_files_through_the_stage(tmp_path: Path) -> None:
    records = pairs(60)
    (tmp_path / "all.zh").write_text("".join(r["source"] + "\n" for r in records), encoding="utf-8")
    (tmp_path / "all.en").write_text("".join(r["target"] + "\n" for r in records), encoding="utf-8")
    p = params(tmp_path, [], format={"name": "parallel_text.v1", "target_suffix": "en"}, dev_size=5, test_size=5)
    p.preprocess.train = str(tmp_path / "all.zh")
    summary = preprocess(p, StagePaths(preprocessed=tmp_path / "out"))
    assert (summary["train"], summary["dev"], summary["test"]) == (50, 5, 5)


def test_an_unknown_direction_is_a_params_error(tmp_path: Path) -> None:
    with pytest.raises(ParamsError, match="direction"):
        params(tmp_path, pairs(5), format={"name": "tatoeba_tsv.v1", "direction": "zh-en"})


def test_long_train_sentences_are_cut_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    records = [*pairs(60), {"source": "长" * 40 + "。", "target": "A long one."}]
    dataset = {"source": {"kind": "char", "size": 100}, "target": {"kind": "unigram", "size": 60}, "max_len": 16}
    p = params(tmp_path, records, dataset, dev_size=5, test_size=5)
    paths = StagePaths(preprocessed=tmp_path / "pre", dataset=tmp_path / "ds")
    preprocess(p, paths)
    summary = build_dataset(p, paths)
    assert summary["train_pairs_cut"] == 1
    assert "1 train pairs have a sentence longer than dataset.max_len (16 pieces)" in capsys.readouterr().err
    with Split(paths.dataset / "train.arrow") as train:
        assert train.lengths("source").max() == 16
    assert {p.name for p in (paths.dataset / "subword").iterdir()} == {"source.model", "target.model"}
