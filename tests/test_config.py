"""params loading details: YAML 1.2 floats, and validation without importing torch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_exponent_floats_read_as_numbers(tmp_path: Path) -> None:
    from mtf_lib.params import load_params

    text = (REPO / "params.yaml").read_text(encoding="utf-8").replace("  lr: 0.002", "  lr: 3e-4")
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
