"""The shared train section: its settings are validated and shape the run hash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mtf_lib.config import ParamsError
from mtf_lib.params import load_params
from mtf_lib.tasks.common import run_hash

FLAGSHIP = Path(__file__).resolve().parents[2] / "params.yaml"


def flagship_with(tmp_path: Path, **train: Any) -> Path:
    data = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))
    data["train"].update(train)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("decay", [1.0, -0.5, "slow"])
def test_bad_ema_decay_is_refused(tmp_path: Path, decay: object) -> None:
    with pytest.raises(ParamsError) as exc:
        load_params(flagship_with(tmp_path, ema_decay=decay))
    assert [p.split(":")[0] for p in exc.value.problems] == ["train.ema_decay"]


def test_ema_decay_defaults_to_off_and_changes_the_run_hash(tmp_path: Path) -> None:
    data = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))
    data["train"].pop("ema_decay", None)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    off = load_params(path)
    assert off.train.ema_decay == 0.0
    (tmp_path / "on").mkdir()
    on = load_params(flagship_with(tmp_path / "on", ema_decay=0.999))
    assert run_hash(on) != run_hash(off)


def test_eval_every_counts_in_the_run_hash_only_when_set(tmp_path: Path) -> None:
    """A setting added with a default that keeps the earlier behaviour must not make every earlier
    checkpoint unresumable; set, it shapes the run like any other."""
    data = yaml.safe_load(FLAGSHIP.read_text(encoding="utf-8"))
    data["train"].pop("eval_every", None)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    unset = load_params(path)
    (tmp_path / "zero").mkdir()
    (tmp_path / "every").mkdir()
    assert run_hash(load_params(flagship_with(tmp_path / "zero", eval_every=0))) == run_hash(unset)
    assert run_hash(load_params(flagship_with(tmp_path / "every", eval_every=50))) != run_hash(unset)
