"""The pair-scoring task type on the web: its REST endpoint (a score on the task's range, several
references, the request model's errors), its OpenAPI description, its demo page, and the page in
a real browser. A project of its own: one generated pair task, trained on its sample data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.template.baking import bake, baking_environment
from tests.web.project import train_task
from tests.web.servers import free_port, post_json, serving
from web import create_app

PREDICT = "/api/v1/flagship/similar/predict"


@pytest.fixture(scope="module")
def pair_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with baking_environment(tmp_path_factory.mktemp("cookiecutter")):
        root = bake(tmp_path_factory.mktemp("pairweb"), task_slug="similar", task_type="pair_scoring")
    train_task(root)
    return root


@pytest.fixture(scope="module")
def client(pair_root: Path) -> FlaskClient:
    return create_app(root=pair_root, max_texts=8, max_text_chars=300).test_client()


def test_a_pair_gets_a_score_on_the_tasks_range(client: FlaskClient) -> None:
    body = {
        "pairs": [
            {"a": "一架飞机正在起飞。", "b": "一架飞机要起飞了。"},
            {"a": "一只猫在睡觉。", "b": ["两个人在下棋。", "一只猫在沙发上睡觉。"]},
        ]
    }
    response = client.post(PREDICT, json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert len(results) == 2
    for result in results:
        assert result["range"] == [0.0, 5.0] and 0.0 <= result["score"] <= 5.0
    # Several references: the best one counts, so adding a worse one changes nothing.
    single = client.post(PREDICT, json={"pairs": [{"a": "一只猫在睡觉。", "b": "一只猫在沙发上睡觉。"}]})
    assert single.get_json()["results"][0]["score"] >= results[1]["score"] - 1e-6


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"pairs": [{"a": "", "b": "x"}]}, 422, "pairs.0.a"),
        ({"pairs": [{"a": "  ", "b": "x"}]}, 422, "pairs.0.a: Value error, must not be blank"),
        ({"pairs": [{"a": "x"}]}, 422, "pairs.0.b: Field required"),
        ({"pairs": [{"a": "x", "b": []}]}, 422, "pairs.0.b"),
        ({"pairs": [{"a": "x", "b": "y", "lang": "zh"}]}, 422, "pairs.0.lang: Extra inputs"),
        ({"texts": ["x"]}, 422, "pairs: Field required"),
        ({"pairs": []}, 422, "pairs: List should have at least 1 item"),
        ({"pairs": [{"a": "长" * 301, "b": "y"}]}, 413, "pairs.0.a has 301"),
    ],
)
def test_bad_requests_name_the_field(client: FlaskClient, body: dict, status: int, message: str) -> None:
    response = client.post(PREDICT, json=body)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_the_openapi_document_describes_pairs(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert {"a", "b", "context", "group"} <= set(schemas["Pair"]["properties"])
    assert "score" in schemas["PairResult"]["properties"]
    body = json.dumps(document["paths"]["/api/v1/{app}/{task}/predict"]["post"]["requestBody"])
    assert "PairsRequest" in body


def test_the_demo_page_scores_an_answer(client: FlaskClient) -> None:
    page = client.get("/tasks/flagship/similar")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="references"' in html and 'name="answer"' in html
    fields = {"question": "", "references": "一架飞机要起飞了。", "answer": "一架飞机正在起飞。"}
    posted = client.post("/tasks/flagship/similar", data=fields)
    assert posted.status_code == 200
    assert 'id="score"' in posted.get_data(as_text=True)
    empty = client.post("/tasks/flagship/similar", data={"references": "", "answer": "x"})
    assert 'id="score"' not in empty.get_data(as_text=True)


@pytest.fixture(scope="module")
def flask_server(pair_root: Path) -> Iterator[str]:
    port = free_port()
    with serving(["flask", "--app", "web", "run", "--port", str(port)], pair_root, port) as base:
        yield base


def test_the_page_in_a_browser_shows_the_apis_score(flask_server: str) -> None:
    from tests.web.test_browser import launched_browser

    with launched_browser() as browser:
        page = browser.new_page()
        page.goto(f"{flask_server}/tasks/flagship/similar")
        page.locator("#references").fill("一架飞机要起飞了。\n一只猫在睡觉。")
        page.locator("#answer").fill("一架飞机正在起飞。")
        page.locator("#predict").click()
        page.locator("#score").wait_for(timeout=15_000)
        shown = float(page.locator("#score").inner_text().split("/")[0])
        page.close()
    pair = {"a": "一架飞机正在起飞。", "b": ["一架飞机要起飞了。", "一只猫在睡觉。"]}
    status, body = post_json(f"{flask_server}{PREDICT}", {"pairs": [pair]})
    assert status == 200
    assert shown == pytest.approx(body["results"][0]["score"], abs=0.005)
