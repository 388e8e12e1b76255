"""Production start: gunicorn with two workers serves the same API."""

from __future__ import annotations

from tests.web.project import KNOWN_SENTENCE, WebProject
from tests.web.servers import free_port, get_json, post_json, serving


def test_gunicorn_starts_and_answers(web_project: WebProject) -> None:
    port = free_port()
    command = ["gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "web:create_app(preload=True, torch_threads=1)"]
    with serving(command, web_project.root, port) as base:
        assert get_json(f"{base}/healthz") == {"status": "ok", "tasks": 4, "trained": 3}
        for _ in range(4):  # reaches both workers, each with its own preloaded models
            status, body = post_json(f"{base}/api/v1/flagship/ner/predict", {"texts": [KNOWN_SENTENCE]})
            assert status == 200
            assert ("PER", "张伟") in {(e["type"], e["text"]) for e in body["results"][0]["entities"]}
        status, body = post_json(f"{base}/api/v1/demo_app/topics/predict", {"texts": "not a list"})
        assert status == 422 and body["fields"][0]["field"] == "texts"
