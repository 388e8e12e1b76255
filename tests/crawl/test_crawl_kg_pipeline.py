"""End to end: a kg_qa task whose dvc.yaml is crawl → build → evaluate, in a temporary git + DVC
repository, crawling a site of disease pages served on 127.0.0.1 (two of them GB-encoded).

DVC re-runs the crawl only when its params change: a second ``dvc repro`` sends the site no
request, and a QA rule change rebuilds the graph from the items already crawled."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import VENV_BIN, run_env
from tests.conftest import run as run_command
from tests.crawl.disease_site import DISEASES, QUESTIONS, kg_params, route
from tests.crawl.site import Site, serve

# Slow: crawl → build → evaluate under dvc repro (kg_qa's default e2e is the generated task's).
# `make test-all` and CI run it, `make test` does not.
pytestmark = pytest.mark.slow

# dvc.yaml is written by `mtf pipeline` from kg_qa's declared stages (a crawl group gives a crawl
# stage). mtf_lib is an installed package here (the task lies outside the checkout), so no library
# files are deps: a crawl is repeated for its params, not for a library change.
STAGES = ("crawl", "build", "evaluate")


@dataclass
class Pipeline:
    site: Site
    task: Path
    first: str  # the first dvc repro's output

    def repro(self) -> str:
        return dvc(["repro"], self.task)

    def set_params(self, change: Any) -> None:
        path = self.task / "params.yaml"
        params = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(params)
        path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")


def dvc(args: list[str], cwd: Path) -> str:
    return run_command(["dvc", *args], cwd, timeout=300).stdout


def ran(out: str) -> list[str]:
    return [stage for stage in STAGES if f"Running stage '{stage}'" in out]


def write_task(task: Path, params: dict[str, Any]) -> None:
    task.mkdir(parents=True, exist_ok=True)
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    questions = task / "data" / "questions" / "test.jsonl"
    questions.parent.mkdir(parents=True)
    lines = [json.dumps({"id": f"t{n}", "kind": "single", **q}, ensure_ascii=False) for n, q in enumerate(QUESTIONS)]
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    subprocess.run([str(VENV_BIN / "mtf"), "pipeline"], cwd=task, env=run_env(), check=True, timeout=120)
    stages = yaml.safe_load((task / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert list(stages) == list(STAGES) and "data/raw" in stages["build"]["deps"]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    task = tmp_path_factory.mktemp("crawlkg")
    with serve(route) as site:  # params.yaml needs the site's ephemeral port: written once it is served
        write_task(task, kg_params(site.base))
        for cmd in (["git", "init", "-q"], ["git", "add", "-A"]):
            subprocess.run(cmd, cwd=task, check=True, timeout=60)
        dvc(["init", "-q"], task)
        # The card evaluate writes into the bundle is not part of build's output (mtf_lib/tasks/model_card.py).
        (task / ".dvcignore").write_text("MODEL_CARD.md\n", encoding="utf-8")
        yield Pipeline(site, task, dvc(["repro"], task))


def test_repro_crawls_builds_and_answers(pipeline: Pipeline) -> None:
    assert ran(pipeline.first) == list(STAGES), pipeline.first
    items = [json.loads(line) for line in (pipeline.task / "data" / "raw" / "items.jsonl").open(encoding="utf-8")]
    assert sorted(item["name"] for item in items) == sorted(d[0] for d in DISEASES), "GBK and gb2312 pages decoded"
    assert "/admin/stats" not in pipeline.site.paths(), "robots.txt disallows it"
    scores = json.loads((pipeline.task / "metrics" / "eval.json").read_text(encoding="utf-8"))["test"]
    assert scores["intent_accuracy"] == 1.0 and scores["answer_f1"] == 1.0, scores


def test_a_second_repro_runs_nothing_and_requests_nothing(pipeline: Pipeline) -> None:
    hits = len(pipeline.site.hits)
    assert ran(pipeline.repro()) == []
    assert len(pipeline.site.hits) == hits


def test_a_crawl_param_change_crawls_again(pipeline: Pipeline) -> None:
    hits = len(pipeline.site.hits)
    pipeline.set_params(lambda params: params["crawl"].update(max_pages=40))
    # The same items as before, byte for byte (sorted by URL): nothing downstream re-runs.
    assert ran(pipeline.repro()) == ["crawl"]
    assert len(pipeline.site.hits) > hits, "a fresh crawl, not the finished job again"


def test_a_qa_rule_change_rebuilds_without_crawling(pipeline: Pipeline) -> None:
    hits = len(pipeline.site.hits)
    pipeline.set_params(lambda params: params["qa"]["rules"][0]["keywords"].append("征兆"))
    assert ran(pipeline.repro()) == ["build", "evaluate"]
    assert len(pipeline.site.hits) == hits


def test_a_crawl_interrupted_under_dvc_resumes_on_the_next_repro(pipeline: Pipeline) -> None:
    items = (pipeline.task / "data" / "raw" / "items.jsonl").read_bytes()
    pipeline.set_params(lambda params: params["crawl"].update(max_pages=45, concurrency_per_domain=1))
    pipeline.site.delay_s = 0.4  # slow enough to stop it in the middle
    start = len(pipeline.site.hits)
    try:
        # Ctrl-C in a terminal: SIGINT to dvc and the stage it runs (one process group).
        proc = subprocess.Popen(["dvc", "repro"], cwd=pipeline.task, env=run_env(), start_new_session=True)
        deadline = time.monotonic() + 30
        while len(fetched(pipeline, start)) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=60) != 0
        before = fetched(pipeline, start)
        assert 2 <= len(before) < len(DISEASES), before
        resumed = len(pipeline.site.hits)
        out = pipeline.repro()
    finally:
        pipeline.site.delay_s = 0.0
    assert '"resumed": true' in out and ran(out) == ["crawl"], out  # the same items: build is not re-run
    again = fetched(pipeline, resumed)
    assert not set(again) & set(before) and len(before) + len(again) == len(DISEASES), (before, again)
    assert (pipeline.task / "data" / "raw" / "items.jsonl").read_bytes() == items


def fetched(pipeline: Pipeline, since: int) -> list[str]:
    """The disease pages the site answered since hit number ``since``."""
    return [path for path in pipeline.site.paths()[since:] if path.startswith("/disease/")]
