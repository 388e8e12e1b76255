"""The run hash (a checkpoint made with other values is not resumed) covers every resolved setting."""

from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.params import load_params
from mtf_lib.tasks.common import marked_settings, run_hash, shaping_hash
from tests.conftest import REPO, with_settings

# What changes where or how fast the flagship runs, not what it learns: marked on the fields.
NOT_IN_RUN_HASH = {"preprocess.workers", "train.device", "train.threads", "evaluate.batch_size", "evaluate.threads"}


def leaves(data: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        out.extend(leaves(value, f"{path}.") if isinstance(value, dict) and value else [path])
    return out


def changed(data: dict[str, Any], dotted: str) -> dict[str, Any]:
    node: Any = data
    for key in dotted.split("."):
        node = node[key]
    return with_settings(data, {dotted: ["changed", node]})


def test_every_setting_but_the_marked_few_is_hashed() -> None:
    params = load_params(REPO / "params.yaml")
    schema, dumped = type(params), params.model_dump(mode="json")
    never = {key for key, (rule, _) in marked_settings(schema).items() if rule == "never"}
    assert never == NOT_IN_RUN_HASH
    base = shaping_hash(dumped, schema)
    assert base == run_hash(params)
    paths = leaves(dumped)
    assert {"model.unk_dropout", "model.head.name", "evaluate.metric.name", "dataset.bigram_min_freq"} <= set(paths)
    for path in paths:
        same = shaping_hash(changed(dumped, path), schema) == base
        assert same == (path in NOT_IN_RUN_HASH), path
    # A section the schema does not have yet is hashed too.
    assert shaping_hash({**dumped, "distill": {"alpha": 0.5}}, schema) != base


def test_a_changed_default_in_code_changes_the_filled_settings_and_the_hash() -> None:
    params = load_params(REPO / "params.yaml")
    assert "unk_dropout" not in (REPO / "params.yaml").read_text(encoding="utf-8")  # a default, not written
    assert params.model["unk_dropout"] == 0.0

    original = registry.models.get("bilstm_crf.v1")

    @functools.wraps(original)
    def new_default(*args: Any, **kwargs: Any) -> Any:
        return original(*args, **kwargs)

    signature = inspect.signature(original)
    new_default.__signature__ = signature.replace(
        parameters=[p.replace(default=0.1) if p.name == "unk_dropout" else p for p in signature.parameters.values()]
    )
    with registry.models.replaced("bilstm_crf.v1", new_default):
        again = load_params(REPO / "params.yaml")
    assert again.model["unk_dropout"] == 0.1
    assert run_hash(again) != run_hash(params)


def test_worker_count_and_device_leave_the_hash_alone(tmp_path: Path) -> None:
    text = (REPO / "params.yaml").read_text(encoding="utf-8")
    moved = text.replace("  workers: 0", "  workers: 3").replace("  device: auto", "  device: cpu")
    assert moved != text
    (tmp_path / "params.yaml").write_text(moved, encoding="utf-8")
    assert run_hash(load_params(tmp_path / "params.yaml")) == run_hash(load_params(REPO / "params.yaml"))
