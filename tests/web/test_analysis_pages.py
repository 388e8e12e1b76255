"""Error analysis and model card pages over the web project's tasks (trained in-process, so their
evaluate stage wrote metrics/errors.json and the card): each type's own view, the split chooser,
the type filter, the JSON, and the card's numbers against metrics/eval.json."""

from __future__ import annotations

import json
import re

from flask.testing import FlaskClient

from mtf_lib.tasks.model_card import CARD_FILE, METRICS_CARD
from tests.web.project import WebProject
from tests.web.test_pages import page


def errors_json(project: WebProject) -> dict:
    return json.loads((project.root / "metrics" / "errors.json").read_text(encoding="utf-8"))


def test_tagging_errors_page_counts_each_class_per_type(client: FlaskClient, web_project: WebProject) -> None:
    analysis = errors_json(web_project)["splits"]["test"]
    html = page(client, "/tasks/flagship/ner/errors?split=test")
    assert 'data-split="test"' in html
    totals = re.search(r'<tr id="totals">.*?</tr>', html, re.DOTALL).group(0)
    for kind, count in analysis["counts"].items():
        assert f'<td data-class="{kind}">{count}</td>' in totals
    for entity_type, counts in analysis["per_type"].items():
        row = re.search(rf'<tr data-type="{entity_type}">.*?</tr>', html, re.DOTALL).group(0)
        assert f'<td data-class="missed">{counts["missed"]}</td>' in row
    assert html.count('class="error-example"') == len(analysis["examples"])


def test_tagging_errors_filter_by_type_and_choose_the_split(client: FlaskClient, web_project: WebProject) -> None:
    data = errors_json(web_project)
    assert set(data["splits"]) == {"dev", "test"}
    assert 'data-split="dev"' in page(client, "/tasks/flagship/ner/errors")  # dev first: test stays unlooked-at
    analysis = data["splits"]["dev"]
    html = page(client, "/tasks/flagship/ner/errors?split=dev")
    rows = re.findall(r'<span class="tagged (gold|predicted)">(.*?)</span></div>', html)
    assert len(rows) == 2 * len(analysis["examples"])
    for (_, gold), (_, predicted), example in zip(rows[::2], rows[1::2], analysis["examples"], strict=True):
        assert re.sub(r"<[^>]+>", "", gold) == re.sub(r"<[^>]+>", "", predicted) == example["text"]
        assert gold.count("<mark") == len(example["gold"]) and predicted.count("<mark") == len(example["predicted"])
    for wanted in analysis["per_type"]:
        html = page(client, f"/tasks/flagship/ner/errors?split=dev&type={wanted}")
        shown = sum(any(e["type"] == wanted for e in x["errors"]) for x in analysis["examples"])
        assert html.count('class="error-example"') == shown, wanted
    assert page(client, "/tasks/flagship/ner/errors?split=nope", status=404)


def test_classification_errors_page_is_a_confusion_matrix(client: FlaskClient, web_project: WebProject) -> None:
    data = json.loads((web_project.apps / "topics" / "metrics" / "errors.json").read_text(encoding="utf-8"))
    analysis = data["splits"]["test"]
    html = page(client, "/tasks/demo_app/topics/errors?split=test")
    table = re.search(r'<table class="confusion".*?</table>', html, re.DOTALL).group(0)
    for gold, row in analysis["matrix"].items():
        cells = re.search(rf'<tr data-gold="{gold}">(.*?)</tr>', table, re.DOTALL).group(1)
        counts = [int(c) for c in re.findall(r'<td data-predicted="[^"]+"[^>]*>\s*(?:<details><summary>)?(\d+)', cells)]
        assert counts == [row[p] for p in analysis["labels"]]
    assert sum(sum(row.values()) for row in analysis["matrix"].values()) == analysis["examples"]


def test_errors_json_per_split(client: FlaskClient, web_project: WebProject) -> None:
    whole = client.get("/api/v1/flagship/ner/errors").get_json()
    assert whole["analysis"] == errors_json(web_project)
    one = client.get("/api/v1/flagship/ner/errors?split=dev").get_json()
    assert one["analysis"] == errors_json(web_project)["splits"]["dev"]
    assert client.get("/api/v1/flagship/ner/errors?split=nope").status_code == 404
    assert client.get("/api/v1/demo_app/pending/errors").status_code == 404  # not trained: no analysis yet


def test_untrained_task_says_how_to_get_an_analysis_and_a_card(client: FlaskClient) -> None:
    assert "dvc repro apps/demo_app/pending/dvc.yaml" in page(client, "/tasks/demo_app/pending/errors")
    assert "No model card yet" in page(client, "/tasks/demo_app/pending/card")


def test_model_card_numbers_equal_eval_json(client: FlaskClient, web_project: WebProject) -> None:
    metrics = web_project.root / "metrics"
    card = (metrics / METRICS_CARD).read_text(encoding="utf-8")
    assert (web_project.root / "models" / "model" / CARD_FILE).read_text(encoding="utf-8") == card
    evaluation = json.loads((metrics / "eval.json").read_text(encoding="utf-8"))
    quoted = dict(re.findall(r"^\| test \| (\w+) \| ([-\d.e]+) \|$", card, re.MULTILINE))
    assert {k: float(v) for k, v in quoted.items()} == evaluation["test"]
    groups = json.loads((metrics / "eval_groups.json").read_text(encoding="utf-8"))["groups"]
    for name, scores in groups.items():
        assert re.search(rf"^\| {name} \| .*\| {scores['support']} \|$", card, re.MULTILINE), name
    html = page(client, "/tasks/flagship/ner/card")
    assert "<h1>Model card: ner</h1>" in html and "<table>" in html
    assert f"<td>{evaluation['test']['f1']}</td>" in html


def test_card_markdown_cannot_inject_html() -> None:
    from web.analysis.markdown import render_markdown

    html = str(render_markdown("# t\n\n<script>alert(1)</script> [x](javascript:alert(1))"))
    assert "<script>" not in html and "&lt;script&gt;" in html and 'href="javascript' not in html


def test_a_type_without_error_analysis_says_so() -> None:
    from web.analysis.files import Analysis

    assert "has no error analysis" in Analysis(None, supported=False, command="dvc repro").unavailable()
    assert "run `dvc repro`" in Analysis(None, supported=True, command="dvc repro").unavailable()
    assert Analysis({"splits": {"test": {}}}, supported=True, command="dvc repro").split(None) == ("test", {})
