"""Demo pages: the index, a page per task, errors as pages, and no asset from outside the app."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from flask.testing import FlaskClient

from tests.web.project import KNOWN_SENTENCE
from web import create_app

REPO = Path(__file__).resolve().parents[2]

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.IGNORECASE)


def page(client: FlaskClient, url: str, status: int = 200, **kwargs: object) -> str:
    response = client.post(url, **kwargs) if kwargs else client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    assert not EXTERNAL.search(html), "pages must not load anything from another host"
    return html


def test_index_lists_apps_tasks_metrics_and_how_to_train(client: FlaskClient) -> None:
    html = page(client, "/")
    for name in ("flagship", "demo_app", "ner", "topics", "pending"):
        assert f">{name}<" in html
    assert 'href="/tasks/flagship/ner"' in html
    assert "not trained</span>: <code>dvc repro apps/demo_app/pending/dvc.yaml</code>" in html
    assert re.search(r"f1 [01]\.\d{4}", html)
    assert "recorded run" not in html  # only for metrics without a model beside them


def test_ner_page_highlights_entities_inline_with_a_legend(client: FlaskClient) -> None:
    html = page(client, "/tasks/flagship/ner")
    legend = re.search(r'<p class="legend".*?</p>', html, re.DOTALL).group(0)
    assert set(re.findall(r'data-type="(\w+)"', legend)) == {"LOC", "ORG", "PER"}
    html = page(client, "/tasks/flagship/ner", data={"text": KNOWN_SENTENCE})
    marked = re.findall(r'<mark class="entity c\d" data-type="(\w+)" title="\w+">([^<]+)</mark>', html)
    assert ("PER", "张伟") in marked and ("ORG", "北京大学") in marked
    visible = re.sub(r"<[^>]+>", "", re.search(r'<p class="tagged">(.*?)</p>', html).group(1))
    assert visible == KNOWN_SENTENCE  # highlighting keeps every character, in order


def test_a_trailing_slash_is_the_same_page(client: FlaskClient) -> None:
    assert page(client, "/tasks/flagship/ner/") == page(client, "/tasks/flagship/ner")


def test_page_text_is_escaped(client: FlaskClient) -> None:
    html = page(client, "/tasks/flagship/ner", data={"text": "<script>alert(1)</script>张伟"})
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_classification_page_shows_label_and_probabilities(client: FlaskClient) -> None:
    html = page(client, "/tasks/demo_app/topics", data={"text": "医院开展义诊活动"})
    assert re.search(r'<strong class="label">\w+</strong>', html)
    assert len(re.findall(r'<div class="bar">', html)) == 3


def test_page_limits_and_errors(client: FlaskClient) -> None:
    ner = "/tasks/flagship/ner"
    too_many = page(client, ner, 413, data={"text": "a\n" * 9})
    assert "9 items in one request (texts, questions, pairs); the limit is 8" in too_many
    assert "text 2 has 301 characters" in page(client, ner, 413, data={"text": "a\n" + "长" * 301})
    assert "dvc repro apps/demo_app/pending/dvc.yaml" in page(client, "/tasks/demo_app/pending", 503)
    assert "no task nowhere/ner" in page(client, "/tasks/nowhere/ner", 404)
    assert "404 Not Found" in page(client, "/no/such/page/here", 404)


def test_assets_are_served_by_the_app(client: FlaskClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200 and b"mark.entity" in response.data


def test_recorded_metrics_of_an_untrained_task_are_labelled(tmp_path: Path) -> None:
    """A fresh clone has the committed metrics but no model: the index says where they come from."""
    shutil.copy(REPO / "params.yaml", tmp_path / "params.yaml")
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "eval.json").write_text('{"test": {"f1": 0.9409}}', encoding="utf-8")
    html = page(create_app(root=tmp_path).test_client(), "/")
    assert "f1 0.9409" in html
    assert "(recorded run; model not here)" in html
    assert "not trained</span>: <code>dvc repro</code>" in html
