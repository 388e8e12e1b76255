"""A kg_qa task with code of its own (``task.code``: a graph builder of the team's) builds a bundle
that loads, evaluates and is served, like every other task type's; and the web app closes the
predictor (its graph handle) that a rebuilt bundle replaces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mtf_lib.inference import Predictor
from tests.graph.kg_project import copy_medical_kg, run_stage
from web import create_app

BUILDER = '''"""A team's own graph builder: the records builder under a name of their own."""

from mtf_lib import registry
from mtf_lib.graph.builders import records


@registry.graph_builders("disease_rows.v1")
def disease_rows(
    store, schema, folder, *, source: str, format: str = "csv", label: str, key_column: str,
    properties: dict = {}, relationships: dict = {}, separator: str = ",", dictionaries: dict = {},
    batch_size: int = 1000,
):
    return records(
        store, schema, folder, source=source, format=format, label=label, key_column=key_column,
        properties=properties, relationships=relationships, separator=separator, dictionaries=dictionaries,
        batch_size=batch_size,
    )
'''


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    task = copy_medical_kg(tmp_path_factory.mktemp("kgcode"))
    (task / "code" / "disease_rows.py").write_text(BUILDER, encoding="utf-8")
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["task"]["code"] = ["code/disease_rows.py"]
    params["graph"]["builders"][0]["name"] = "disease_rows.v1"
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for stage in ("fetch", "build"):
        result = run_stage(task, stage)
        assert result.returncode == 0, result.stderr
    return task


def test_the_bundle_records_the_task_code_and_loads(task: Path) -> None:
    meta = json.loads((task / "models" / "model" / "bundle.json").read_text(encoding="utf-8"))
    assert meta["code"]["shown"] == ["code/disease_rows.py"]
    with Predictor.load(task / "models" / "model") as predictor:
        [answer] = predictor.predict(["肺气肿有什么症状"])
    assert answer["entities"] and answer["answer"]


def test_evaluate_and_the_web_serve_it(task: Path) -> None:
    evaluated = run_stage(task, "evaluate")
    assert evaluated.returncode == 0, evaluated.stderr
    client = create_app(root=task.parents[2]).test_client()
    answer = client.post("/api/v1/demo_app/medical_kg/predict", json={"questions": ["肺气肿有什么症状"]})
    assert answer.status_code == 200, answer.get_json()


def test_a_rebuilt_bundle_closes_the_predictor_it_replaces(task: Path) -> None:
    catalog_task = create_app(root=task.parents[2]).extensions["mtf"].get("demo_app", "medical_kg")
    catalog_task.reload_check_s = 1e-6  # check the bundle at every call
    first = catalog_task.model().predictor
    rebuilt = run_stage(task, "build")
    assert rebuilt.returncode == 0, rebuilt.stderr
    second = catalog_task.model().predictor
    assert second is not first
    with pytest.raises(Exception):  # noqa: B017 - the store's own error once closed
        first.predict(["肺气肿有什么症状"])
    assert second.predict(["肺气肿有什么症状"])[0]["answer"]
