"""Named, versioned component registries: user registration, name rules, lookup errors, listing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
import yaml
from pydantic import Field

from mtf_lib import registry
from mtf_lib.config import ComponentError, ParamsError
from mtf_lib.params import load_params
from mtf_lib.registry import UnknownComponentError

ROOT = Path(__file__).resolve().parents[1]
MTF = str(Path(sys.executable).parent / "mtf")
USER_NAME = "my_tagger.v1"


@pytest.fixture
def user_model() -> Iterator[Any]:
    """A model registered the way user code does it; removed again afterwards."""
    registry.models.load_builtins()

    @registry.models(USER_NAME)
    def my_tagger(
        vocabs: Any,
        labels: Any,
        *,
        hidden: Annotated[int, Field(ge=1)] = 128,
        dropout: float = 0.1,
    ) -> dict[str, Any]:
        """A user's own tagger (records how it was built)."""
        return {"vocabs": vocabs, "labels": labels, "hidden": hidden, "dropout": dropout}

    yield my_tagger
    registry.models.unregister(USER_NAME)


def write_params(path: Path, model: dict[str, Any]) -> Path:
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params["model"] = model
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


def params_problems(path: Path) -> list[str]:
    with pytest.raises(ParamsError) as exc:
        load_params(path)
    return exc.value.problems


# --- user components ------------------------------------------------------------------------


def test_user_name_is_unknown_until_registered(tmp_path: Path) -> None:
    assert USER_NAME not in registry.models
    problems = params_problems(write_params(tmp_path / "params.yaml", {"name": USER_NAME}))
    assert any(p.startswith("model.name:") and f"unknown model {USER_NAME!r}" in p for p in problems), problems


def test_user_model_is_valid_in_params(user_model: Any, tmp_path: Path) -> None:
    assert USER_NAME in registry.models
    params = load_params(write_params(tmp_path / "params.yaml", {"name": USER_NAME, "hidden": 64}))
    # Every setting of the factory, defaults filled in: what the bundle and the run hash record.
    assert params.model == {"name": USER_NAME, "hidden": 64, "dropout": 0.1}


def test_user_model_settings_are_validated_against_its_factory(user_model: Any, tmp_path: Path) -> None:
    # The flagship model's settings are not this model's settings.
    model = {"name": USER_NAME, "hiden": 64, "dropout": "high", "char_dim": 100}
    problems = params_problems(write_params(tmp_path / "params.yaml", model))
    text = "\n".join(problems)
    assert "model.hiden: unknown key; did you mean 'hidden'?" in text
    assert "model.char_dim: unknown key" in text
    assert "model.dropout:" in text and "'high'" in text
    assert len(problems) == 3, problems

    problems = params_problems(write_params(tmp_path / "params.yaml", {"name": USER_NAME, "hidden": 0}))
    assert problems == ["model.hidden: Input should be greater than or equal to 1 (got 0)"]


def test_user_model_is_buildable(user_model: Any) -> None:
    built = registry.models.build({"name": USER_NAME, "hidden": 64}, "VOCABS", "LABELS")
    assert built == {"vocabs": "VOCABS", "labels": "LABELS", "hidden": 64, "dropout": 0.1}

    with pytest.raises(ComponentError, match="hidden: Input should be greater than or equal to 1"):
        registry.models.build({"name": USER_NAME, "hidden": 0}, "VOCABS", "LABELS")


def test_user_model_is_listed(user_model: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from mtf_lib import cli

    assert cli.main(["components", "model"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("models:\n")
    assert USER_NAME in out and "A user's own tagger" in out
    assert "bilstm_crf.v1" in out
    assert "losses:" not in out


@pytest.mark.parametrize("kind", ["loss", "losses"])
def test_components_takes_a_kind_as_singular_or_as_listed(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    from mtf_lib import cli

    assert cli.main(["components", kind]) == 0
    assert capsys.readouterr().out.startswith("losses:\n")


# --- name rules -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["my_tagger", "my_tagger.v", "my_tagger.vx", "my_tagger.1", "my_tagger-v1", ".v1"])
def test_versionless_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="must end in a version"):

        @registry.models(name)
        def tagger() -> None: ...

    assert name not in registry.models.names()


def test_double_registration_of_another_function_raises(user_model: Any) -> None:
    def other_tagger(vocabs: Any, labels: Any) -> None: ...

    with pytest.raises(ValueError, match="already registered") as exc:
        registry.models(USER_NAME)(other_tagger)
    assert user_model.__qualname__ in str(exc.value)
    assert registry.models.get(USER_NAME) is user_model

    # Registering the very same function again (a module imported twice) is harmless.
    registry.models(USER_NAME)(user_model)
    assert registry.models.get(USER_NAME) is user_model


# --- lookup ---------------------------------------------------------------------------------


def test_get_unknown_name_lists_registered_names_with_did_you_mean() -> None:
    with pytest.raises(UnknownComponentError) as exc:
        registry.models.get("bilstm_crff.v1")
    assert isinstance(exc.value, KeyError)
    message = exc.value.args[0]
    assert "unknown model 'bilstm_crff.v1'" in message
    assert "did you mean 'bilstm_crf.v1'?" in message
    assert "registered: " in message and ", ".join(registry.models.names()) in message

    with pytest.raises(UnknownComponentError) as exc:
        registry.losses.get("crf_nl.v1")
    message = exc.value.args[0]
    assert "did you mean 'crf_nll.v1'?" in message
    assert "registered: " + ", ".join(registry.losses.names()) in message
    assert "token_cross_entropy.v1" in message


def test_get_unknown_name_includes_user_components(user_model: Any) -> None:
    with pytest.raises(UnknownComponentError) as exc:
        registry.models.get("my_tager.v1")
    message = exc.value.args[0]
    assert f"did you mean {USER_NAME!r}?" in message
    assert "registered: " + ", ".join(registry.models.names()) in message
    assert USER_NAME in registry.models.names()


def test_registries_cover_every_kind() -> None:
    assert tuple(registry.ALL) == registry.ALL_KINDS
    for kind, reg in registry.ALL.items():
        assert reg.kind == kind
        assert reg.names(), f"no built-in {kind}"


def test_mtf_components_lists_every_kind(tmp_path: Path) -> None:
    proc = subprocess.run([MTF, "components"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    headers = [line[:-1] for line in proc.stdout.splitlines() if line and not line.startswith(" ")]
    assert headers == [reg.plural for reg in registry.ALL.values()]
    listed = {line.split()[0] for line in proc.stdout.splitlines() if line.startswith("  ")}
    expected = {"bilstm_crf.v1", "crf_nll.v1", "adam.v1", "linear.v1", "entity_f1.v1", "early_stopping.v1"}
    assert expected <= listed, proc.stdout
    assert USER_NAME not in listed
