"""The seq2seq task type on the web: its REST endpoint (a translation and its score per text,
n-best lists, beam size), its limits (a sentence over the model's length is a 422 naming it), its
OpenAPI description, its demo page, and the page in a real browser. A project of its own: one
generated seq2seq task, trained on its sample data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.template.baking import bake, baking_environment
from tests.web.project import train_task
from tests.web.servers import free_port, post_json, serving
from web import create_app

PREDICT = "/api/v1/flagship/translate/predict"
PAGE = "/tasks/flagship/translate"
LONG = "我喜欢茶" * 20  # 80 known characters: a piece each (with the word-start mark, 81), over the sample's 64


@pytest.fixture(scope="module")
def seq2seq_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with baking_environment(tmp_path_factory.mktemp("cookiecutter")):
        root = bake(tmp_path_factory.mktemp("s2sweb"), task_slug="translate", task_type="seq2seq")
    train_task(root)
    return root


@pytest.fixture(scope="module")
def client(seq2seq_root: Path) -> FlaskClient:
    return create_app(root=seq2seq_root, max_texts=8, max_text_chars=300).test_client()


def test_texts_get_translations_and_scores(client: FlaskClient) -> None:
    response = client.post(PREDICT, json={"texts": ["我喜欢茶。", "他们现在需要一辆车。"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert len(results) == 2
    for result in results:
        assert isinstance(result["translation"], str) and result["translation"]
        assert result["score"] <= 0 and "nbest" not in result


def test_nbest_lists_come_best_first_and_start_with_the_translation(client: FlaskClient) -> None:
    response = client.post(PREDICT, json={"texts": ["她今天想要音乐。"], "nbest": 3, "beam": 4})
    assert response.status_code == 200, response.get_data(as_text=True)
    (result,) = response.get_json()["results"]
    scores = [c["score"] for c in result["nbest"]]
    assert len(scores) == 3 and scores == sorted(scores, reverse=True)
    assert result["nbest"][0] == {"translation": result["translation"], "score": result["score"]}
    greedy = client.post(PREDICT, json={"texts": ["她今天想要音乐。"], "beam": 1}).get_json()["results"][0]
    assert greedy["translation"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"texts": []}, 422, "texts: List should have at least 1 item"),
        ({"texts": ["我"], "beam": 0}, 422, "beam"),
        ({"texts": ["我"], "nbest": 17}, 422, "nbest"),
        ({"texts": ["我"], "lang": "en"}, 422, "lang: Extra inputs"),
        ({"texts": ["   "]}, 422, "text 1 is empty"),
        ({"texts": [LONG]}, 422, "text 1 is 81 pieces long; the model reads at most 64 pieces"),
        ({"texts": ["长" * 301]}, 413, "texts.0 has 301 characters"),
    ],
)
def test_bad_requests_name_the_problem(client: FlaskClient, body: dict, status: int, message: str) -> None:
    response = client.post(PREDICT, json=body)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_the_predictor_takes_a_list_of_texts(seq2seq_root: Path) -> None:
    from mtf_lib.inference import Predictor

    predictor = Predictor.load(seq2seq_root / "models" / "model")
    with pytest.raises(TypeError, match="a list of texts"):
        predictor.predict("我喜欢茶。")
    (result,) = predictor.predict(["我喜欢茶。"], nbest=2)
    assert [c["translation"] for c in result["nbest"]][0] == result["translation"]


def test_the_openapi_document_describes_translation(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert {"texts", "beam", "nbest"} <= set(schemas["TranslateRequest"]["properties"])
    assert {"translation", "score", "nbest"} <= set(schemas["TranslationResult"]["properties"])


def test_the_demo_page_translates(client: FlaskClient) -> None:
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'name="text"' in page.get_data(as_text=True) and 'name="nbest"' in page.get_data(as_text=True)
    posted = client.post(PAGE, data={"text": "我喜欢茶。\n你有一本书。", "beam": "", "nbest": "2"})
    html = posted.get_data(as_text=True)
    assert posted.status_code == 200, html
    assert html.count('class="translation"') == 2 and html.count('class="nbest"') == 2
    too_long = client.post(PAGE, data={"text": LONG, "nbest": "1"})
    assert too_long.status_code == 422 and "64 pieces" in too_long.get_data(as_text=True)


@pytest.fixture(scope="module")
def flask_server(seq2seq_root: Path) -> Iterator[str]:
    port = free_port()
    with serving(["flask", "--app", "web", "run", "--port", str(port)], seq2seq_root, port) as base:
        yield base


def test_the_page_in_a_browser_shows_the_apis_translation(flask_server: str) -> None:
    from tests.web.test_browser import launched_browser

    with launched_browser() as browser:
        page = browser.new_page()
        page.goto(f"{flask_server}{PAGE}")
        page.locator("#text").fill("他们今天喜欢咖啡。")
        page.locator("#predict").click()
        page.locator(".translation").wait_for(timeout=15_000)
        shown = page.locator(".translation").inner_text()
        page.close()
    status, body = post_json(f"{flask_server}{PREDICT}", {"texts": ["他们今天喜欢咖啡。"]})
    assert status == 200
    assert shown == body["results"][0]["translation"]
