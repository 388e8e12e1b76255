"""params loading details: YAML 1.2 floats, and validation without importing torch."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_exponent_floats_read_as_numbers(tmp_path: Path) -> None:
    from mtf_lib.params import load_params

    text = re.sub(r"(?m)^  lr: .*$", "  lr: 3e-4", (REPO / "params.yaml").read_text(encoding="utf-8"))
    assert "lr: 3e-4" in text
    (tmp_path / "params.yaml").write_text(text, encoding="utf-8")
    assert load_params(tmp_path / "params.yaml").train.lr == 3e-4


def test_validation_does_not_import_torch() -> None:
    code = (
        "import sys; from mtf_lib.params import load_params; load_params('params.yaml');"
        "from mtf_lib import registry; registry.models.names();"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_model_feature_needs_its_preprocess_feature(tmp_path: Path) -> None:
    from mtf_lib.config import ParamsError
    from mtf_lib.params import load_params

    text = (REPO / "params.yaml").read_text(encoding="utf-8")
    text = text.replace("  lexicon: true", "  lexicon: false").replace("  lexicon_dim: 0", "  lexicon_dim: 8")
    (tmp_path / "params.yaml").write_text(text, encoding="utf-8")
    try:
        load_params(tmp_path / "params.yaml")
    except ParamsError as exc:
        assert exc.problems == [
            "model.lexicon_dim is 8 but preprocess.lexicon is false: "
            "set preprocess.lexicon: true, or model.lexicon_dim: 0"
        ]
    else:
        raise AssertionError("a lexicon model without lexicon features was accepted")
