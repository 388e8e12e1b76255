"""Pair-scoring preprocess: targets checked against the declared range, dev cut from train once
(seeded, stratified by group), groups of dev/test checked against train, and bad input refused
with file and line before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtf_lib.config import validate
from mtf_lib.errors import InputError
from mtf_lib.stage import StagePaths
from mtf_lib.tasks.pair_scoring.params import PairScoringParams
from mtf_lib.tasks.pair_scoring.preprocess import preprocess

FORMAT = {
    "name": "pair_jsonl.v1",
    "a_field": "answer",
    "ref_fields": ["reference1", "reference2"],
    "target_field": "score",
    "context_field": "question",
    "group_field": "q_id",
}


def rows(n: int, groups: tuple[str, ...] = ("q1", "q2")) -> list[dict]:
    return [
        {
            "answer": f"答案{i}",
            "reference1": "参考答案",
            "reference2": "" if i % 2 else "另一个参考",
            "score": str(i % 11),
            "question": f"问题{i % len(groups)}",
            "q_id": groups[i % len(groups)],
        }
        for i in range(n)
    ]


def write(path: Path, records: list[dict]) -> str:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return str(path)


def params(tmp: Path, train: list[dict], test: list[dict], **preprocess: object):  # noqa: ANN201
    raw = {
        "task": {"name": "t", "type": "pair_scoring"},
        "preprocess": {
            "format": FORMAT,
            "train": write(tmp / "train.jsonl", train),
            "dev": None,
            "test": write(tmp / "test.jsonl", test),
            "target": {"kind": "score", "min": 0, "max": 10},
            **preprocess,
        },
        "model": {"name": "siamese.v1"},
    }
    return validate(PairScoringParams, raw, "test params")


def run(tmp: Path, p) -> Path:  # noqa: ANN001
    out = tmp / "pre"
    preprocess(p, StagePaths(preprocessed=out))
    return out


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def test_dev_is_cut_from_train_once_stratified_by_group(tmp_path: Path) -> None:
    p = params(tmp_path, rows(40), rows(6), dev_fraction=0.25)
    out = run(tmp_path, p)
    train, dev = read(out / "train.jsonl"), read(out / "dev.jsonl")
    assert len(train) + len(dev) == 40 and len(dev) == 10
    assert sorted(r["group"] for r in dev) == ["q1"] * 5 + ["q2"] * 5  # each question keeps its share
    assert not {r["a"] for r in dev} & {r["a"] for r in train}
    assert read(run(tmp_path, p) / "dev.jsonl") == dev  # seeded: the same cut every time
    first = train[0]
    assert first["refs"][0] == "参考答案" and first["context"].startswith("问题") and isinstance(first["target"], float)
    assert all(1 <= len(r["refs"]) <= 2 for r in train)  # an empty reference is skipped


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.pop("score"), r"train\.jsonl:3: no score"),
        (lambda r: r.update(score="11"), r"train\.jsonl:3: score 11 is outside \[0, 10\].*preprocess\.target"),
        (lambda r: r.update(score="很好"), r"train\.jsonl:3: score '很好' is not a number"),
        (lambda r: r.update(answer="  "), r"train\.jsonl:3:.*answer"),
        (lambda r: r.pop("reference1"), r"train\.jsonl:3:.*reference1"),
    ],
)
def test_bad_rows_are_refused_with_file_and_line(tmp_path: Path, change, message: str) -> None:  # noqa: ANN001
    train = rows(20)
    change(train[2])
    with pytest.raises(InputError, match=message):
        run(tmp_path, params(tmp_path, train, rows(4)))
    assert not (tmp_path / "pre").exists()  # nothing written


def test_a_test_group_unseen_in_train_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"test\.jsonl:2: group 'q9' does not occur in train"):
        run(tmp_path, params(tmp_path, rows(20), rows(2, groups=("q1", "q9"))))
    assert not (tmp_path / "pre").exists()


def test_a_score_target_needs_its_range(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="min and max"):
        params(tmp_path, rows(4), rows(2), target={"kind": "score"})
    with pytest.raises(Exception, match=r"min \(5\.0\) must be below max \(5\.0\)"):
        params(tmp_path, rows(4), rows(2), target={"kind": "score", "min": 5, "max": 5})
