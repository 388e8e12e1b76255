"""The REST API through Flask's test client: every endpoint, every error answer."""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mtf_lib.inference import Predictor
from tests.web.project import KNOWN_SENTENCE, WebProject
from web import create_app

NER = "/api/v1/flagship/ner/predict"
TOPICS = "/api/v1/demo_app/topics/predict"


def models(client: FlaskClient) -> dict[str, dict]:
    response = client.get("/api/v1/models")
    assert response.status_code == 200
    return {f"{m['app']}/{m['task']}": m for m in response.get_json()["models"]}


def test_models_lists_every_task_with_status_metrics_and_hash(client: FlaskClient) -> None:
    listed = models(client)
    assert sorted(listed) == ["demo_app/broken", "demo_app/pending", "demo_app/topics", "flagship/ner"]
    ner, topics, pending = listed["flagship/ner"], listed["demo_app/topics"], listed["demo_app/pending"]
    assert ner["task_type"] == "tagging" and ner["trained"]
    assert set(ner["metrics"]["test"]) == {"f1", "precision", "recall"}
    assert re.fullmatch(r"[0-9a-f]{64}", ner["bundle_hash"])
    assert ner["predict_url"] == NER and ner["train_command"] == "dvc repro"
    assert topics["task_type"] == "classification" and "macro_f1" in topics["metrics"]["test"]
    assert not pending["trained"] and pending["bundle_hash"] is None and pending["metrics"] == {}
    assert pending["train_command"] == "dvc repro apps/demo_app/pending/dvc.yaml"


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "tasks": 4, "trained": 3}


def test_tagging_predict_returns_entities_with_offsets(client: FlaskClient) -> None:
    texts = [KNOWN_SENTENCE, "", "今天天气很好"]
    response = client.post(NER, json={"texts": texts})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["app"], body["task"], body["task_type"]) == ("flagship", "ner", "tagging")
    assert body["bundle_hash"] == models(client)["flagship/ner"]["bundle_hash"]
    assert len(body["results"]) == 3 and body["results"][1] == {"entities": []}
    found = body["results"][0]["entities"]
    assert {(e["type"], e["text"]) for e in found} >= {("PER", "张伟"), ("ORG", "北京大学")}
    assert list(body) == ["app", "task", "task_type", "bundle_hash", "results"]  # documented order, not sorted
    assert list(found[0]) == ["type", "text", "start", "end"]
    for text, result in zip(texts, body["results"], strict=True):
        for entity in result["entities"]:
            assert text[entity["start"] : entity["end"]] == entity["text"]


def test_classification_predict_returns_label_and_probabilities(client: FlaskClient) -> None:
    response = client.post(TOPICS, json={"texts": ["医院开展义诊活动", "地铁新线路开通"]})
    assert response.status_code == 200
    for result in response.get_json()["results"]:
        assert result["label"] in result["probabilities"]
        assert result["probabilities"][result["label"]] == max(result["probabilities"].values())
        assert sum(result["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)


def test_responses_keep_chinese_readable(client: FlaskClient) -> None:
    assert "张伟" in client.post(NER, json={"texts": [KNOWN_SENTENCE]}).get_data(as_text=True)


BAD_REQUESTS = [
    # (description, body bytes, content type, status, words the message must hold)
    ("malformed JSON", b'{"texts": ["a"', "application/json", 400, "not valid JSON"),
    ("empty body", b"", "application/json", 400, "not valid JSON"),
    ("not JSON", b"texts=a", "application/x-www-form-urlencoded", 415, "application/json"),
    ("top level not an object", b'["a"]', "application/json", 422, "body"),
    ("missing texts", b"{}", "application/json", 422, "texts: Field required"),
    ("texts not a list", b'{"texts": "a"}', "application/json", 422, "texts: Input should be a valid list"),
    ("a text not a string", b'{"texts": ["a", 3]}', "application/json", 422, "texts.1: Input should be a valid string"),
    ("no texts", b'{"texts": []}', "application/json", 422, "texts: List should have at least 1 item"),
    ("unknown field", b'{"texts": ["a"], "lang": "zh"}', "application/json", 422, "lang: Extra inputs"),
    ("a list, not an object", b'["a"]', "application/json", 422, 'must be a JSON object such as {"texts"'),
    ("a bare string", b'"a"', "application/json", 422, "not str"),
    ("too many texts", json.dumps({"texts": ["a"] * 9}).encode(), "application/json", 413, "the limit is 8"),
    ("a text too long", json.dumps({"texts": ["a", "长" * 301]}).encode(), "application/json", 413, "texts.1 has 301"),
]


@pytest.mark.parametrize(
    ("what", "data", "content_type", "status", "words"), BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS]
)
def test_bad_requests_get_a_clear_json_answer(
    client: FlaskClient, what: str, data: bytes, content_type: str, status: int, words: str
) -> None:
    response = client.post(NER, data=data, content_type=content_type)
    assert response.status_code == status, (what, response.get_data(as_text=True))
    body = response.get_json()
    assert body["status"] == status and words in body["error"], body
    assert "Traceback" not in response.get_data(as_text=True)


def test_invalid_fields_are_named_one_by_one(client: FlaskClient) -> None:
    body = client.post(NER, json={"texts": [1, "ok", None]}).get_json()
    assert [f["field"] for f in body["fields"]] == ["texts.0", "texts.2"]


def test_request_body_over_the_byte_limit_is_413(web_project: WebProject) -> None:
    client = create_app(root=web_project.root, max_request_bytes=2048).test_client()
    response = client.post(NER, json={"texts": ["长" * 1000]})
    assert response.status_code == 413 and response.is_json
    assert "over the server's limit of 2048 bytes" in response.get_json()["error"]


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/v1/nowhere/ner/predict", 404, "no task nowhere/ner; GET /api/v1/models lists"),
        ("/api/v1/demo_app/pending/predict", 503, "not trained yet: run `dvc repro apps/demo_app/pending/dvc.yaml`"),
        ("/api/v1/demo_app/broken/predict", 503, "cannot be loaded"),
    ],
)
def test_unknown_untrained_and_unloadable_tasks(client: FlaskClient, url: str, status: int, words: str) -> None:
    response = client.post(url, json={"texts": ["张伟"]})
    assert response.status_code == status
    assert words in response.get_json()["error"]


def test_unknown_paths_and_methods_answer_json(client: FlaskClient) -> None:
    assert client.get("/api/v1/nothing").status_code == 404
    assert client.get("/api/v1/nothing").is_json
    response = client.get(NER)
    assert response.status_code == 405 and response.is_json


def test_debug_is_off_and_unexpected_errors_hide_the_trace(
    web_project: WebProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(root=web_project.root)
    assert not app.debug
    client = app.test_client()
    predictor = app.extensions["mtf"].get("flagship", "ner").model().predictor

    def explode(texts: list[str]) -> list:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(predictor, "predict", explode)
    response = client.post(NER, json={"texts": ["a"]})
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert "internal server error" in response.get_json()["error"]


def test_concurrent_first_requests_load_the_model_once(
    web_project: WebProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    app: Flask = create_app(root=web_project.root)
    loads = []
    real_load = Predictor.load

    def counting_load(path: str | Path) -> Predictor:
        loads.append(path)
        return real_load(path)

    monkeypatch.setattr(Predictor, "load", staticmethod(counting_load))

    def ask(n: int) -> tuple[int, list]:
        response = app.test_client().post(NER, json={"texts": [KNOWN_SENTENCE, f"第{n}号"]})
        return response.status_code, response.get_json()["results"][0]["entities"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(ask, range(48)))
    assert len(loads) == 1
    assert {status for status, _ in answers} == {200}
    assert all(entities == answers[0][1] for _, entities in answers)


def test_settings_come_from_the_environment(web_project: WebProject, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTF_WEB_ROOT", str(web_project.root))
    monkeypatch.setenv("MTF_WEB_MAX_TEXTS", "2")
    monkeypatch.setenv("MTF_WEB_TASKS", "apps/*/*")
    client = create_app().test_client()
    assert "flagship/ner" not in models(client)
    assert client.post(TOPICS, json={"texts": ["a", "b", "c"]}).status_code == 413


def test_bad_settings_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MTF_WEB_MAX_TEXTS", "many")
    with pytest.raises(ValueError, match="MTF_WEB_MAX_TEXTS: Input should be a valid integer"):
        create_app()


def test_a_damaged_bundle_answers_503_until_it_is_mended(web_project: WebProject, tmp_path: Path) -> None:
    shutil.copy(web_project.root / "params.yaml", tmp_path / "params.yaml")
    bundle = shutil.copytree(web_project.root / "models" / "model", tmp_path / "models" / "model")
    weights = bundle / "model.safetensors"
    weights.rename(tmp_path / "weights.bak")
    client = create_app(root=tmp_path).test_client()
    for _ in range(2):  # the second answer comes from the remembered failure
        response = client.post(NER, json={"texts": [KNOWN_SENTENCE]})
        assert response.status_code == 503
        message = response.get_json()["error"]
        assert "cannot be loaded" in message and "retrain it: `dvc repro`" in message
        assert str(tmp_path) not in message  # server paths stay in the server log
    (tmp_path / "weights.bak").rename(weights)
    assert client.post(NER, json={"texts": [KNOWN_SENTENCE]}).status_code == 200  # no restart needed


def test_openapi_document_describes_the_api_and_the_served_names(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) >= {"/api/v1/models", "/api/v1/{app}/{task}/predict", "/healthz"}
    assert {"/api/v1/{app}/{task}/experiments", "/api/v1/{app}/{task}/experiments/compare"} <= set(document["paths"])
    predict = document["paths"]["/api/v1/{app}/{task}/predict"]["post"]
    enums = {p["name"]: p["schema"]["enum"] for p in predict["parameters"]}
    assert enums == {"app": ["demo_app", "flagship"], "task": ["broken", "ner", "pending", "topics"]}
    assert set(predict["responses"]) == {"200", "400", "404", "413", "415", "422", "503"}
    assert predict["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/TextsRequest")
    assert "422" not in document["paths"]["/healthz"]["get"]["responses"]  # takes no input
