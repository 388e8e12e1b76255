"""Experiments compared: the params that differ, each metric's change from the first one chosen
with its sign, and the training curves of each, read from its own commit and overlaid as SVG."""

from __future__ import annotations

import re
import subprocess
from typing import Any

from flask.testing import FlaskClient

from mtf_lib.plots import live_points
from tests.web.experiments.repo import EPOCHS, ExperimentsRepo

TABLE_API = "/api/v1/demo_app/topics/experiments"
PAGE = "/tasks/demo_app/topics/experiments/compare"
CURVES = ("accuracy", "macro_f1", "micro_f1", "train_loss")


def rows(client: FlaskClient) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in client.get(TABLE_API).get_json()["experiments"]}


def ids(client: FlaskClient, *names: str) -> str:
    found = rows(client)
    return "&".join(f"exp={found[name]['id']}" for name in names)


def test_params_diff_and_metric_signs(client: FlaskClient) -> None:
    baseline = next(name for name, row in rows(client).items() if row["state"] == "baseline")
    response = client.get(f"{TABLE_API}/compare?{ids(client, baseline, 'fast-lr', 'narrow')}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert [e["name"] for e in body["experiments"]] == [baseline, "fast-lr", "narrow"]
    diff = {p["key"]: p["values"] for p in body["params"]}
    assert diff == {"train.lr": [0.005, 0.01, 0.005], "model.filters": [32, 32, 8]}
    assert {(m["split"], m["name"]) for m in body["metrics"]} >= {("test", "accuracy"), ("dev", "macro_f1")}
    for metric in body["metrics"]:
        reference, *others = metric["values"]
        assert metric["deltas"][0] is None and metric["signs"][0] == ""
        for value, delta, sign in zip(others, metric["deltas"][1:], metric["signs"][1:], strict=True):
            assert abs(delta - (value - reference)) < 1e-12
            assert sign == ("+" if delta > 0 else "-" if delta < 0 else "=")


def committed_curve(repo: ExperimentsRepo, rev: str, metric: str) -> list[tuple[float, float]]:
    path = f"apps/demo_app/topics/metrics/train/plots/metrics/{metric}.tsv"
    shown = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=repo.root, capture_output=True, text=True, check=True)
    return live_points(shown.stdout, metric)


def test_curves_come_from_each_experiments_commit(client: FlaskClient, experiments_repo: ExperimentsRepo) -> None:
    found = rows(client)
    body = client.get(f"{TABLE_API}/compare?{ids(client, 'fast-lr', 'narrow')}").get_json()
    assert set(body["curves"]) == set(CURVES)
    for name in ("fast-lr", "narrow"):
        row = found[name]
        for metric in CURVES:
            points = [tuple(p) for p in body["curves"][metric][row["id"]]]
            assert points == committed_curve(experiments_repo, row["rev"], metric)
            assert [p[0] for p in points] == [float(e) for e in range(1, EPOCHS + 1)]
    # narrow ran in the queue's temporary copy: its curves are in no workspace file, only in its commit.
    assert body["curves"]["train_loss"][found["narrow"]["id"]] != body["curves"]["train_loss"][found["fast-lr"]["id"]]


def test_the_page_overlays_a_polyline_per_experiment_on_each_chart(client: FlaskClient) -> None:
    response = client.get(f"{PAGE}?{ids(client, 'fast-lr', 'narrow', 'waiting-a')}")
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    charts = re.findall(r'<svg class="chart".*?</svg>', page, flags=re.S)
    assert sorted(re.search(r'data-metric="([^"]+)"', svg).group(1) for svg in charts) == sorted(CURVES)
    for svg in charts:
        lines = re.findall(r'<polyline data-experiment="([^"]+)" points="([^"]+)"', svg)
        assert [name for name, _ in lines] == ["fast-lr", "narrow"]  # a queued run has no curve
        assert all(len(points.split()) == EPOCHS for _, points in lines)
        strokes = re.findall(r'stroke="(#[0-9a-f]{6})" stroke-width', svg)
        assert len(set(strokes)) == 2
    lr_row = r'<tr data-param="train.lr"><td><code>train.lr</code></td><td>0.01</td><td>0.005</td><td>0.02</td>'
    assert re.search(lr_row, page)
    assert 'data-sign="' in page and "reference" in page
    assert "±" not in page


def test_the_reference_is_the_first_chosen_with_scores(client: FlaskClient) -> None:
    body = client.get(f"{TABLE_API}/compare?{ids(client, 'waiting-a', 'fast-lr', 'narrow')}").get_json()
    assert body["reference"] == 1
    for metric in body["metrics"]:
        assert metric["values"][0] is None and metric["deltas"][:2] == [None, None]  # queued: no scores, no diff
        assert metric["deltas"][2] == metric["values"][2] - metric["values"][1]
        assert metric["better"] == ("" if metric["name"] == "best_epoch" else "higher")
    page = client.get(f"{PAGE}?{ids(client, 'waiting-a', 'fast-lr', 'narrow')}").get_data(as_text=True)
    legend = re.findall(r'<li data-id="([^"]+)">.*?</li>', page, flags=re.S)
    assert legend == ["waiting-a", "fast-lr", "narrow"]
    assert re.search(r'<li data-id="fast-lr">[^<]*<span[^>]*></span>\s*<strong>fast-lr</strong>[^\n]*reference', page)
    for delta in re.findall(r'<tr data-metric="dev:best_epoch">.*?</tr>', page, flags=re.S):
        assert "better" not in delta and "worse" not in delta


def test_fewer_than_two_or_an_unknown_experiment(client: FlaskClient) -> None:
    one = ids(client, "narrow")
    assert client.get(f"{TABLE_API}/compare?{one}").status_code == 422
    assert client.get(f"{PAGE}?{one}").status_code == 422
    assert client.get(f"{TABLE_API}/compare?{one}&exp=nonesuch").status_code == 404
    narrow = rows(client)["narrow"]
    for twice in (f"{one}&{one}", f"exp=narrow&exp={narrow['rev']}"):  # the same one, named twice
        for base in (f"{TABLE_API}/compare", PAGE):
            response = client.get(f"{base}?{twice}")
            assert response.status_code == 422 and "different" in response.get_data(as_text=True), base
    assert client.get(f"{PAGE}?exp=narrow&exp=fast-lr").status_code == 200  # names work too
