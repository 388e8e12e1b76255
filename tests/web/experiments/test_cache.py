"""The listing is read through DVC once and kept while the repository does not change: a new
or removed experiment, or an edit of the workspace's params, makes the next view read it again."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.web.experiments.repo import ExperimentsRepo
from web import create_app

API = "/api/v1/demo_app/topics/experiments"


def view(client: FlaskClient) -> tuple[bool, list[str]]:
    body = client.get(API).get_json()
    return body["cached"], [row["name"] for row in body["experiments"]]


def test_an_unchanged_repository_is_not_read_again(client: FlaskClient) -> None:
    view(client)
    cached, _ = view(client)
    assert cached


def test_queueing_removing_and_editing_params_are_seen(client: FlaskClient, experiments_repo: ExperimentsRepo) -> None:
    view(client)
    experiments_repo.dvc("exp", "run", "--queue", "-n", "extra", "-S", "train.lr=0.04")
    try:
        cached, names = view(client)
        assert not cached and "extra" in names
    finally:
        experiments_repo.dvc("queue", "remove", "extra")
    cached, names = view(client)
    assert not cached and "extra" not in names
    params = experiments_repo.task / "params.yaml"
    original = params.read_text(encoding="utf-8")
    try:
        params.write_text(original.replace("  batch_size: 8\n", "  batch_size: 4\n", 1), encoding="utf-8")
        body = client.get(API).get_json()
        workspace = next(row for row in body["experiments"] if row["state"] == "workspace")
        assert not body["cached"] and workspace["params_changed"]["train.batch_size"] == 4
    finally:
        params.write_text(original, encoding="utf-8")


def test_a_task_outside_a_dvc_repository_has_no_experiments(tmp_path: Path) -> None:
    task = tmp_path / "apps" / "demo_app" / "loose"
    task.mkdir(parents=True)
    (task / "params.yaml").write_text("task: {name: loose, type: classification}\n", encoding="utf-8")
    client = create_app(root=tmp_path).test_client()
    response = client.get("/api/v1/demo_app/loose/experiments")
    assert response.status_code == 404
    assert "not inside a DVC project" in response.get_json()["error"]
    assert client.get("/tasks/demo_app/loose/experiments").status_code == 404


@pytest.mark.parametrize(
    "path", ["/tasks/demo_app/nothing/experiments", "/api/v1/nothing/topics/experiments/compare?exp=a&exp=b"]
)
def test_unknown_tasks_are_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code == 404
