"""The experiments table of a real DVC repository, as JSON and as the page: one row per
baseline and experiment with its state, changed params and metrics; sorted and filtered by the
query string; the commands beside each row; nothing that changes the repository."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from tests.template.baking import git_dvc_repo, run
from tests.web.experiments.repo import FAILED, FINISHED, OTHER_TASK, QUEUED, ExperimentsRepo
from web import create_app

TABLE = "/tasks/demo_app/topics/experiments"
API = "/api/v1/demo_app/topics/experiments"


def listed(client: FlaskClient, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"{API}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["experiments"]


def by_name(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in rows}


def page_rows(client: FlaskClient, query: str = "") -> list[tuple[str, str]]:
    """(name, state) of each row of the page's table, in order."""
    response = client.get(f"{TABLE}{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.findall(r'<tr data-id="[^"]+" data-name="([^"]+)" data-state="([^"]+)"', response.get_data(as_text=True))


def test_a_row_per_baseline_and_experiment_with_its_state(client: FlaskClient) -> None:
    rows = by_name(listed(client))
    states = {name: row["state"] for name, row in rows.items()}
    baseline = next(name for name, state in states.items() if state == "baseline")
    expected = {name: "finished" for name in FINISHED} | {name: "failed" for name in FAILED}
    expected |= {name: "queued" for name in QUEUED} | {"workspace": "workspace", baseline: "baseline"}
    assert states == expected
    for name, changes in {**FINISHED, **FAILED, **QUEUED}.items():
        assert rows[name]["params_changed"] == changes, name
        assert rows[name]["baseline"] == rows[baseline]["rev"]
        assert rows[name]["id"] == name  # a link keeps working when a running experiment's rev changes
    assert rows[baseline]["params_changed"] == {}
    # The workspace keeps what the last workspace run set.
    assert rows["workspace"]["params_changed"] == FINISHED["fast-lr"]
    for name in (*FINISHED, baseline, "workspace"):
        assert set(rows[name]["metrics"]) == {"dev", "test"}, name
        assert set(rows[name]["metrics"]["test"]) == {"accuracy", "macro_f1", "micro_f1"}
    for name in (*FAILED, *QUEUED):
        assert rows[name]["metrics"] == {}, name  # a queued run has none yet; a failed one made none
    assert rows["workspace"]["metrics"] == rows["fast-lr"]["metrics"]


def test_the_page_lists_the_same_rows_in_the_same_order(client: FlaskClient) -> None:
    assert page_rows(client) == [(row["name"], row["state"]) for row in listed(client)]


def test_sorting_by_any_column_both_ways(client: FlaskClient) -> None:
    ascending = [r["name"] for r in listed(client, "?sort=param:train.lr")]
    lrs = [by_name(listed(client))[n]["params"]["train.lr"] for n in ascending]
    assert lrs == sorted(lrs)
    assert [name for name, _ in page_rows(client, "?sort=param:train.lr")] == ascending
    scores = [r["metrics"].get("test", {}).get("accuracy") for r in listed(client, "?sort=test:accuracy&order=desc")]
    filled = [s for s in scores if s is not None]
    assert filled == sorted(filled, reverse=True) and len(filled) == 4
    assert scores[len(filled) :] == [None] * (len(scores) - len(filled))  # empty cells last, either order
    names = [r["name"] for r in listed(client, "?sort=name&order=desc")]
    assert names == sorted(names, reverse=True)


def test_filtering_by_state_and_by_a_params_value(client: FlaskClient) -> None:
    assert sorted(r["name"] for r in listed(client, "?state=queued")) == sorted(QUEUED)
    assert sorted(name for name, _ in page_rows(client, "?state=queued&state=failed")) == sorted([*QUEUED, *FAILED])
    assert [r["name"] for r in listed(client, "?param=train.lr&value=0.02")] == ["waiting-a"]
    assert [r["name"] for r in listed(client, "?param=model.filters&value=8")] == ["narrow"]
    assert [r["name"] for r in listed(client, "?param=train.lr&value=2e-2")] == ["waiting-a"]  # same number
    assert [r["name"] for r in listed(client, "?state=finished&param=train.lr&value=0.01")] == ["fast-lr"]


def test_bad_queries_are_answered_with_what_is_wrong(client: FlaskClient) -> None:
    for query, allowed in (("order=sideways", "'desc'"), ("sort=bogus", "test:accuracy"), ("state=done", "'queued'")):
        for base in (API, TABLE):
            response = client.get(f"{base}?{query}")
            assert response.status_code == 422, (base, query)
            assert allowed in html.unescape(response.get_data(as_text=True)), (base, query)
    assert client.get(f"{API}?sort=param:train.batch_size").status_code == 200  # any param, changed or not
    assert client.get("/api/v1/demo_app/nothing/experiments").status_code == 404


def test_another_tasks_experiment_is_not_listed(client: FlaskClient, experiments_repo: ExperimentsRepo) -> None:
    refs = run(["git", "for-each-ref", "--format=%(refname)", "refs/exps"], experiments_repo.root).stdout
    assert any(ref.endswith("/other-task") for ref in refs.split())  # DVC has it, for the repository
    assert not set(OTHER_TASK) & {row["name"] for row in listed(client)}
    assert "other-task" not in client.get(TABLE).get_data(as_text=True)


def test_commands_to_reproduce_apply_or_remove_are_shown_as_text(client: FlaskClient) -> None:
    rows = by_name(listed(client))
    finished = {c["what"]: c["command"] for c in rows["fast-lr"]["commands"]}
    assert finished["reproduce"] == "dvc exp run -S train.lr=0.01"
    assert finished["apply to the workspace"] == "dvc exp apply fast-lr"
    assert finished["remove"] == "dvc exp remove fast-lr"
    assert {c["command"] for c in rows["waiting-a"]["commands"]} == {"dvc queue start", "dvc queue remove waiting-a"}
    assert "dvc queue logs broken" in {c["command"] for c in rows["broken"]["commands"]}
    baseline = next(row for row in rows.values() if row["state"] == "baseline")
    checkout = {c["what"]: c["command"] for c in baseline["commands"]}["check it out"]
    assert checkout.endswith("&& dvc checkout dvc.yaml")  # this task's outputs, not every pipeline's
    apply = next(c for c in rows["fast-lr"]["commands"] if c["what"] == "apply to the workspace")
    assert "other tasks' outputs" in apply["note"]
    page = client.get(TABLE).get_data(as_text=True)
    assert "<code>dvc exp apply fast-lr</code>" in page and "other tasks&#39; outputs" in page
    assert "cd apps/demo_app/topics" in page and 'id="no-experiments"' not in page
    # The scores come before the params: a narrow window shows them first.
    headers = re.findall(r'<th data-column="([^"]+)"', page)
    assert headers.index("test:accuracy") < headers.index("param:train.lr")
    # Read-only: the only forms are GET forms (filter, compare).
    assert re.findall(r"<form[^>]*>", page) and all('method="get"' in f for f in re.findall(r"<form[^>]*>", page))


def test_the_task_page_links_to_its_experiments(client: FlaskClient) -> None:
    assert f'href="{TABLE}"' in client.get("/tasks/demo_app/topics").get_data(as_text=True)


def test_a_task_without_experiments_says_how_to_make_one(tmp_path: Path) -> None:
    """A task that is its own repository's root: no `cd .` anywhere."""
    task = tmp_path / "apps" / "demo_app" / "solo"
    task.mkdir(parents=True)
    (task / "params.yaml").write_text("task: {name: solo, type: classification}\n", encoding="utf-8")
    git_dvc_repo(task)  # its first commit holds params.yaml
    response = create_app(root=tmp_path).test_client().get("/tasks/demo_app/solo/experiments")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    hint = re.search(r'<section class="hint" id="no-experiments">.*?</section>', page, flags=re.S).group(0)
    assert "dvc repro" in hint and "git commit" in hint and "dvc exp run -S" in hint
    assert "cd ." not in page and "(the repository's root)" in page
