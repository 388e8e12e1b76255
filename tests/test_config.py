"""params loading details: YAML 1.2 floats, and validation without importing torch."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

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
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"  # listing the BERT models imports neither


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


def params_with_head(tmp_path: Path, head: object) -> Path:
    import yaml

    params = yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))
    params["model"]["head"] = head
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return path


def test_a_sub_component_carries_its_own_settings(tmp_path: Path) -> None:
    from mtf_lib.params import load_params

    params = load_params(params_with_head(tmp_path, {"name": "token_cross_entropy.v1", "label_smoothing": 0.1}))
    assert params.model["head"] == {"name": "token_cross_entropy.v1", "label_smoothing": 0.1}
    # A name alone is the same component with its defaults filled in.
    assert load_params(REPO / "params.yaml").model["head"] == {"name": "crf_nll.v1"}
    assert load_params(params_with_head(tmp_path, "token_cross_entropy.v1")).model["head"] == {
        "name": "token_cross_entropy.v1",
        "label_smoothing": 0.0,
    }


@pytest.mark.parametrize(
    ("head", "problem"),
    [
        (
            {"name": "token_cross_entropy.v1", "label_smothing": 0.1},
            "model.head.label_smothing: unknown key; did you mean 'label_smoothing'?",
        ),
        (
            {"name": "token_cross_entropy.v1", "label_smoothing": 2},
            "model.head.label_smoothing: Input should be less than 1 (got 2)",
        ),
        ("cross_entropy.v1", "model.head: 'cross_entropy.v1' is a classification loss; a tagging task needs one"),
        ({"label_smoothing": 0.1}, "model.head.name: required key is missing (registered: crf_nll.v1, token_cross"),
        (3, "model.head: expected a registered loss name or a mapping with its name, got 3"),
    ],
)
def test_a_bad_sub_component_names_its_key_path(tmp_path: Path, head: object, problem: str) -> None:
    from mtf_lib.config import ParamsError
    from mtf_lib.params import load_params

    with pytest.raises(ParamsError) as exc:
        load_params(params_with_head(tmp_path, head))
    assert len(exc.value.problems) == 1 and exc.value.problems[0].startswith(problem), exc.value.problems


def test_init_only_settings_are_reset_for_loading_a_trained_model() -> None:
    from mtf_lib import registry

    section = registry.models.resolve({"name": "bilstm_crf.v1", "char_vectors": "vectors.txt"})
    assert section["char_vectors"] == "vectors.txt" and section["freeze_char_vectors"] is False
    loading = registry.models.for_loading({**section, "freeze_char_vectors": True})
    assert loading["char_vectors"] is None and loading["freeze_char_vectors"] is False
    assert {k: v for k, v in loading.items() if "char_vectors" not in k} == {
        k: v for k, v in section.items() if "char_vectors" not in k
    }
