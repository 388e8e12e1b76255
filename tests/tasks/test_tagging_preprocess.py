"""The tagging preprocess stage: scheme checks, conversion, and no outputs on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtf_lib.errors import InputError
from mtf_lib.params import load_params
from mtf_lib.stage import StagePaths
from mtf_lib.tasks import streaming
from mtf_lib.tasks.tagging.preprocess import preprocess
from tests.conftest import REPO

GOOD = "张 B-NAME\n伟 E-NAME\n， O\n北 B-LOC\n京 E-LOC\n人 O\n\n汉 B-RACE\n族 E-RACE\n"


def params_for(tmp_path: Path, files: dict[str, str], **changes: object):  # noqa: ANN201
    for split, text in files.items():
        (tmp_path / f"{split}.txt").write_text(text, encoding="utf-8")
    flagship = load_params(REPO / "params.yaml")
    paths = {split: str(tmp_path / f"{split}.txt") for split in ("train", "dev", "test")}
    section = flagship.preprocess.model_copy(update={**paths, "workers": 1, "lexicon": True, **changes})
    return flagship.model_copy(update={"preprocess": section})


def out(tmp_path: Path) -> StagePaths:
    return StagePaths(preprocessed=tmp_path / "out")


def test_converts_bmes_to_bioes_with_features(tmp_path: Path) -> None:
    params = params_for(tmp_path, {"train": GOOD, "dev": GOOD, "test": GOOD})
    assert preprocess(params, out(tmp_path)) == {"train": 2, "dev": 2, "test": 2}
    first = json.loads((tmp_path / "out" / "train.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["text"] == "张伟,北京人"  # full-width comma normalised, length kept
    assert first["tags"] == ["B-NAME", "E-NAME", "O", "B-LOC", "E-LOC", "O"]
    assert len(first["softwords"]) == len(first["lexicon"]) == 6


def test_bio_target_scheme(tmp_path: Path) -> None:
    params = params_for(tmp_path, {"train": GOOD, "dev": GOOD, "test": GOOD}, scheme="BIO")
    preprocess(params, out(tmp_path))
    second = json.loads((tmp_path / "out" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[1])
    assert second["tags"] == ["B-RACE", "I-RACE"]


def test_tags_of_another_scheme_stop_before_anything_is_written(tmp_path: Path) -> None:
    bio = GOOD.replace("E-", "I-")
    params = params_for(tmp_path, {"train": GOOD, "dev": GOOD, "test": bio})
    with pytest.raises(InputError, match=r"test\.txt, sentence 1: tag 'I-NAME' is not a BMES tag.*input_scheme"):
        preprocess(params, out(tmp_path))
    assert not (tmp_path / "out").exists()


def test_missing_file_names_the_param(tmp_path: Path) -> None:
    params = params_for(tmp_path, {"train": GOOD, "dev": GOOD})
    with pytest.raises(InputError, match=r"test\.txt not found.*preprocess\.test"):
        preprocess(params, out(tmp_path))
    assert not (tmp_path / "out").exists()


def test_streamed_output_does_not_depend_on_chunks_or_workers(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    sentences = "".join(GOOD.replace("张", ch) + "\n" for ch in "赵钱孙李周吴郑王冯陈")  # 20 sentences
    params = params_for(tmp_path, {"train": sentences, "dev": GOOD, "test": GOOD})
    preprocess(params, StagePaths(preprocessed=tmp_path / "whole"))
    monkeypatch.setattr(streaming, "CHUNK", 3)  # train spans 7 chunks, through 2 workers
    wide = params.model_copy(update={"preprocess": params.preprocess.model_copy(update={"workers": 2})})
    assert preprocess(wide, StagePaths(preprocessed=tmp_path / "chunked")) == {"train": 20, "dev": 2, "test": 2}
    for split in ("train", "dev", "test"):
        whole = (tmp_path / "whole" / f"{split}.jsonl").read_bytes()
        assert whole == (tmp_path / "chunked" / f"{split}.jsonl").read_bytes()


def test_a_bad_sentence_in_a_later_chunk_is_numbered_in_its_file_and_nothing_is_written(
    tmp_path: Path,
    monkeypatch,  # noqa: ANN001
) -> None:
    train = GOOD + "\n" + GOOD + "\n" + GOOD.replace("E-LOC", "I-LOC")  # sentence 5 of 6 is BIO
    params = params_for(tmp_path, {"train": train, "dev": GOOD, "test": GOOD}, workers=2)
    monkeypatch.setattr(streaming, "CHUNK", 2)
    with pytest.raises(InputError, match=r"train\.txt, sentence 5: tag 'I-LOC'"):
        preprocess(params, out(tmp_path))
    assert not (tmp_path / "out").exists()


def test_an_empty_split_names_its_file(tmp_path: Path) -> None:
    params = params_for(tmp_path, {"train": GOOD, "dev": "\n\n", "test": GOOD})
    with pytest.raises(InputError, match=r"dev\.txt: no sentences .*preprocess\.format"):
        preprocess(params, out(tmp_path))
    assert not (tmp_path / "out").exists()
