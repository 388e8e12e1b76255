"""The kg_qa task type on the web: the REST endpoint (answer, entities, intents, the Cypher and
parameters that ran), the KG page with the matched subgraph drawn as SVG on the server, markup in
a question escaped, and the endpoint read-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mtf_lib.graph.ladybug_store import LadybugStore
from tests.graph.kg_project import built_medical_kg
from tests.graph.test_medical_qa import INJECTIONS
from web import create_app

PREDICT = "/api/v1/demo_app/medical_kg/predict"
PAGE = "/tasks/demo_app/medical_kg"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kgweb")
    built_medical_kg(root)
    return root


@pytest.fixture(scope="module")
def client(root: Path) -> FlaskClient:
    return create_app(root=root).test_client()


def test_the_endpoint_answers_with_what_it_recognised_and_ran(client: FlaskClient) -> None:
    response = client.post(PREDICT, json={"questions": ["百日咳有哪些症状？", "今天天气怎么样"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    known, unknown = response.get_json()["results"]
    assert known["known"] and "痉挛性咳嗽" in known["answers"] and known["intents"] == ["disease_symptom"]
    assert known["entities"][0] == {"name": "百日咳", "labels": ["Disease"], "start": 0, "end": 3}
    assert known["queries"][0]["parameters"] == {"name": "百日咳"}
    assert not unknown["known"] and unknown["answers"] == [] and "不知道" in unknown["answer"]


@pytest.mark.parametrize("body", [{"questions": []}, {"questions": "百日咳"}, {"texts": ["百日咳"]}])
def test_a_bad_body_is_a_422(client: FlaskClient, body: dict) -> None:
    assert client.post(PREDICT, json=body).status_code == 422


def test_the_page_draws_the_subgraph_and_shows_the_cypher(client: FlaskClient) -> None:
    page = client.post(PAGE, data={"text": "肺气肿不能吃什么"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="subgraph"' in html and "忌吃" in html
    assert "MATCH (d:Disease {name: $name})-[:no_eat]-&gt;(x:Food)" in html
    assert 'parameters: {"name": "肺气肿"}' in html


def test_markup_in_a_question_is_escaped(client: FlaskClient) -> None:
    html = client.post(PAGE, data={"text": "<script>alert(1)</script>百日咳的症状"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def graph_counts(root: Path) -> dict[str, int]:
    reader = LadybugStore(root / "apps/demo_app/medical_kg/data/graph/graph.lbug", read_only=True)
    try:
        return reader.counts()
    finally:
        reader.close()


def test_the_endpoint_is_read_only(client: FlaskClient, root: Path) -> None:
    before = graph_counts(root)
    response = client.post(PREDICT, json={"questions": INJECTIONS})
    assert response.status_code == 200
    assert [r["intents"] for r in response.get_json()["results"]][0] == ["disease_symptom"]
    assert graph_counts(root) == before and before["relationships"] > 0
