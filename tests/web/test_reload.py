"""A served model follows its bundle on disk: retrained, removed mid-retrain, damaged, trained late."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from flask.testing import FlaskClient
from safetensors.torch import load_file, save_file

from tests.web.project import KNOWN_SENTENCE, WebProject
from web import create_app

NER = "/api/v1/flagship/ner/predict"
CHECK_S = 0.05


def project_copy(web_project: WebProject, tmp_path: Path, trained: bool = True) -> Path:
    """The root NER task alone in ``tmp_path``; its bundle folder is returned."""
    shutil.copy(web_project.root / "params.yaml", tmp_path / "params.yaml")
    bundle = tmp_path / "models" / "model"
    if trained:
        shutil.copytree(web_project.root / "models" / "model", bundle)
    return bundle


def ask(client: FlaskClient) -> tuple[int, str | None]:
    """Status and bundle_hash of a predict request, after the reload check interval."""
    time.sleep(2 * CHECK_S)
    response = client.post(NER, json={"texts": [KNOWN_SENTENCE]})
    return response.status_code, (response.get_json() or {}).get("bundle_hash")


def listed_hash(client: FlaskClient) -> str | None:
    return client.get("/api/v1/models").get_json()["models"][0]["bundle_hash"]


def retrain(bundle: Path) -> None:
    """Stands in for a new training run: other weights, written the way bundles are (new file, rename)."""
    weights = load_file(bundle / "model.safetensors")
    save_file({name: tensor * 0.5 for name, tensor in weights.items()}, bundle / "new.part")
    (bundle / "new.part").replace(bundle / "model.safetensors")


def test_a_retrained_bundle_is_served_without_a_restart(web_project: WebProject, tmp_path: Path) -> None:
    bundle = project_copy(web_project, tmp_path)
    client = create_app(root=tmp_path, reload_check_s=CHECK_S).test_client()
    status, first = ask(client)
    assert status == 200 and first == listed_hash(client)

    retrain(bundle)
    status, second = ask(client)
    assert status == 200 and second != first
    assert second == listed_hash(client)  # the answer names the bundle that made it

    # DVC removes a stage's outputs before it runs it: the last model keeps answering meanwhile.
    backup = shutil.move(bundle, tmp_path / "bundle.bak")
    assert ask(client) == (200, second)
    # A damaged bundle does not replace a model that works either.
    shutil.copytree(backup, bundle)
    (bundle / "model.safetensors").write_bytes(b"not weights")
    assert ask(client) == (200, second)
    assert ask(client) == (200, second)  # the failure is remembered: no new load attempt


def test_a_task_trained_after_start_up_is_served(web_project: WebProject, tmp_path: Path) -> None:
    bundle = project_copy(web_project, tmp_path, trained=False)
    client = create_app(root=tmp_path, reload_check_s=CHECK_S).test_client()
    assert ask(client) == (503, None)
    shutil.copytree(web_project.root / "models" / "model", bundle)
    status, served = ask(client)
    assert status == 200 and served == listed_hash(client)


def test_reload_check_zero_keeps_the_first_model(web_project: WebProject, tmp_path: Path) -> None:
    bundle = project_copy(web_project, tmp_path)
    client = create_app(root=tmp_path, reload_check_s=0).test_client()
    status, first = ask(client)
    retrain(bundle)
    assert ask(client) == (200, first)
    assert listed_hash(client) != first  # the listing shows the bundle on disk
