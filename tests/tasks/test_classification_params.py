"""The classification params schema: the fixture params.yaml passes ``mtf check``; bad values are refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mtf_lib import cli
from mtf_lib.config import ParamsError
from mtf_lib.params import load_params
from mtf_lib.tasks.classification.params import ClassificationParams as SCHEMA
from tests.tasks.classification_data import FIXTURE_PARAMS


def fixture_with(tmp_path: Path, section: str, **changes: Any) -> Path:
    data = yaml.safe_load(FIXTURE_PARAMS.read_text(encoding="utf-8"))
    data[section].update(changes)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ParamsError) as exc:
        load_params(path)
    return exc.value.problems


def test_mtf_check_accepts_the_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", str(FIXTURE_PARAMS)]) == 0
    assert "OK (classification task 'news_topics')" in capsys.readouterr().out
    params = load_params(FIXTURE_PARAMS)
    assert isinstance(params, SCHEMA)
    assert params.train.monitor == "macro_f1"
    assert params.model["kernel_sizes"] == [2, 3, 4]


def test_defaults_fill_a_minimal_file(tmp_path: Path) -> None:
    minimal = {
        "task": {"name": "t", "type": "classification"},
        "preprocess": {"train": "a", "dev": "b", "test": "c"},
        "model": {"name": "bilstm_attention.v1"},
    }
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(minimal), encoding="utf-8")
    params = load_params(path)
    reader = {"name": "labelled_jsonl.v1", "text_field": "text", "label_field": "label"}
    assert (params.preprocess.format, params.preprocess.tokenizer) == (reader, "jieba.v1")
    assert (params.train.monitor, params.dataset.max_len, params.evaluate.batch_size) == ("macro_f1", 256, 64)


def test_tagging_monitor_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = fixture_with(tmp_path, "train", monitor="f1")
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith("train.monitor:")
    assert "'f1' is not a score of evaluate.metric 'classification_scores.v1'" in found[0]
    assert "choose one of: accuracy, macro_f1, micro_f1" in found[0]
    assert cli.main(["check", str(path)]) == 2
    assert "train.monitor" in capsys.readouterr().err


def test_unknown_model_name_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    found = problems(fixture_with(tmp_path, "model", name="textcn.v1"))
    assert len(found) == 1
    assert found[0].startswith("model.name: unknown model 'textcn.v1' (did you mean 'textcnn.v1'?)")
    assert "bilstm_attention.v1" in found[0]


def test_a_tagging_model_is_refused(tmp_path: Path) -> None:
    found = problems(fixture_with(tmp_path, "model", name="bilstm_crf.v1"))
    assert found == [
        "model.name: 'bilstm_crf.v1' is a tagging model; a classification task needs one of: bert_classifier.v1, "
        "bilstm_attention.v1, textcnn.v1"
    ]


@pytest.mark.parametrize(
    ("section", "changes", "path_and_hint"),
    [
        ("model", {"filter": 100}, ("model.filter: unknown key; did you mean 'filters'?",)),
        ("model", {"class_weights": "inverse"}, ("model.class_weights:", "'balanced'")),
        ("model", {"label_smoothing": 1.5}, ("model.label_smoothing:", "less than 1")),
        (
            "preprocess",
            {"format": "labeled_csv.v1"},
            ("preprocess.format: unknown reader 'labeled_csv.v1'", "did you mean 'labelled_csv.v1'?"),
        ),
        (
            "preprocess",
            {"format": "char_tagged.v1"},
            ("preprocess.format: 'char_tagged.v1' is a tagging reader", "labelled_csv.v1, labelled_jsonl.v1"),
        ),
        (
            "preprocess",
            {"format": {"name": "labelled_csv.v1", "delimeter": ";"}},
            ("preprocess.format.delimeter: unknown key; did you mean 'delimiter'?",),
        ),
        ("preprocess", {"tokenizer": "jeiba.v1"}, ("preprocess.tokenizer:", "did you mean 'jieba.v1'?")),
        ("preprocess", {"scheme": "BIO"}, ("preprocess.scheme: unknown key",)),
        ("dataset", {"max_len": 0}, ("dataset.max_len:", "greater than or equal to 1")),
        ("task", {"type": "classifier"}, ("task.type: must be one of", "classification")),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, section: str, changes: dict[str, Any], path_and_hint: tuple) -> None:
    text = "\n".join(problems(fixture_with(tmp_path, section, **changes)))
    for part in path_and_hint:
        assert part in text, text
