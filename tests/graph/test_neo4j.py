"""The Neo4j backend through the official driver. Without a server (the default here) a down
Neo4j is one clear message: exit 2 from the build stage, 503 from the web. With ``MTF_NEO4J_URI``
set (README: Neo4j), the builder, QA and injection tests run against that real server too."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from mtf_lib.inference import Predictor
from tests.graph.kg_project import built_medical_kg, copy_medical_kg, run_stage
from tests.graph.test_medical_qa import INJECTIONS
from tests.web.servers import free_port
from web import create_app

NEO4J_URI = os.environ.get("MTF_NEO4J_URI")
needs_server = pytest.mark.skipif(not NEO4J_URI, reason="set MTF_NEO4J_URI (and MTF_NEO4J_USER/PASSWORD) to run")


def use_neo4j(task: Path, uri: str) -> None:
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["graph"].update(backend="neo4j", uri=uri)
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")


def test_a_down_neo4j_fails_the_build_with_one_clear_message(tmp_path: Path) -> None:
    task = copy_medical_kg(tmp_path)
    assert run_stage(task, "fetch").returncode == 0
    use_neo4j(task, f"bolt://127.0.0.1:{free_port()}")  # nothing listens there
    result = run_stage(task, "build", env={**os.environ, "MTF_NEO4J_PASSWORD": "secret-value"})
    assert result.returncode == 2, result.stderr
    assert "cannot be reached" in result.stderr and "Traceback" not in result.stderr
    assert "secret-value" not in result.stderr + result.stdout
    assert not (task / "models" / "model").exists()  # nothing half-built


def test_a_down_neo4j_is_a_503_on_the_web(tmp_path: Path) -> None:
    task = built_medical_kg(tmp_path)
    bundle = task / "models" / "model" / "bundle.json"
    meta = json.loads(bundle.read_text(encoding="utf-8"))
    meta["graph"].update(backend="neo4j", uri=f"bolt://127.0.0.1:{free_port()}")
    bundle.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    client = create_app(root=tmp_path).test_client()
    response = client.post("/api/v1/demo_app/medical_kg/predict", json={"questions": ["百日咳有哪些症状"]})
    assert response.status_code == 503 and "cannot be reached" in response.get_json()["error"]
    page = client.get("/tasks/demo_app/medical_kg")
    assert page.status_code == 503 and "Traceback" not in page.get_data(as_text=True)


@needs_server
def test_build_and_qa_on_a_real_neo4j(tmp_path: Path) -> None:
    task = copy_medical_kg(tmp_path)
    assert run_stage(task, "fetch").returncode == 0
    use_neo4j(task, NEO4J_URI)
    result = run_stage(task, "build")
    assert result.returncode == 0, result.stderr
    graph = json.loads((task / "metrics" / "graph.json").read_text(encoding="utf-8"))
    predictor = Predictor.load(task / "models" / "model")
    try:
        assert predictor.store.counts() == {"nodes": graph["nodes"], "relationships": graph["relationships"]}
        symptoms = predictor.predict(["百日咳有哪些症状？"])[0]
        assert symptoms["intents"] == ["disease_symptom"] and "痉挛性咳嗽" in symptoms["answers"]
        before = predictor.store.counts()
        predictor.predict(INJECTIONS)
        assert predictor.store.counts() == before
        with pytest.raises(PermissionError):
            predictor.store.write("MATCH (n) DETACH DELETE n")
    finally:
        predictor.close()
