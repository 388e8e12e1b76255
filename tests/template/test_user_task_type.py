"""A whole task type of a team's own, from a task's own code (``task.code``), with no edit of
mtf_lib or web/: its params schema, stages, predictor, request and result models and demo page
are registered in one module, and the generic stage scripts, ``dvc repro``, ``mtf check``,
``mtf components`` and the web app (REST endpoint, OpenAPI document, demo page) serve it.

The type: a character lexicon labeller. Training counts each character's labels; a phrase gets
the label whose smoothed log-probabilities, summed over its characters, are highest. Its request
is not ``texts`` but ``phrases``, to show that each task type brings its own request model.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import VENV_BIN, make_task_copy
from tests.template.baking import bake, commit_all, run

TASK_TYPE = '''
"""The lexicon task type: one label per phrase, from per-character label counts."""

import json
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from mtf_lib import registry
from mtf_lib.config import Section
from mtf_lib.errors import InputError
from mtf_lib.inference import Predictor
from mtf_lib.inference.bundle import write_bundle
from mtf_lib.io import write_json
from mtf_lib.metrics.scores import Scores
from mtf_lib.pipeline.declare import Output, StageDecl
from mtf_lib.plugins import code_record
from mtf_lib.tasks.api import ApiSpec, Strict
from mtf_lib.tasks.base import TaskType
from mtf_lib.tasks.common import SPLITS, read_preprocessed, require_file, task_dir
from mtf_lib.tasks.evaluation import write_evaluation
from mtf_lib.tasks.sections import FetchParams, TaskParams


class PreprocessParams(Section):
    train: str
    dev: str
    test: str


class TrainParams(Section):
    smoothing: float = Field(1.0, gt=0, description="add-k smoothing of the per-character counts")


class LexiconParams(Section):
    task: TaskParams
    fetch: FetchParams = FetchParams()
    preprocess: PreprocessParams
    train: TrainParams = TrainParams()


def preprocess(params, paths):
    counts = {}
    for split in SPLITS:
        source = task_dir(params) / getattr(params.preprocess, split)
        require_file(source, f"preprocess.{split}")
        records = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
        if not records:
            raise InputError(f"{source} holds no phrase")
        paths.preprocessed.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps({"text": r["text"], "label": r["label"]}, ensure_ascii=False) for r in records]
        (paths.preprocessed / f"{split}.jsonl").write_text("\\n".join(lines) + "\\n", encoding="utf-8")
        counts[split] = len(records)
    return counts


def train(params, paths):
    counts = defaultdict(Counter)
    for record in read_preprocessed(paths.preprocessed / "train.jsonl"):
        for char in record["text"]:
            counts[char][record["label"]] += 1
    labels = sorted({label for c in counts.values() for label in c})
    lexicon = {char: dict(c) for char, c in counts.items()}
    meta = {
        "task_type": "lexicon",
        "labels": labels,
        "smoothing": params.train.smoothing,
        "code": code_record(task_dir(params), params.task.code, paths.bundle, []),
    }
    write_bundle(paths.bundle, meta, lambda tmp: write_json(tmp / "lexicon.json", lexicon))
    accuracy = score(LexiconPredictor.load(paths.bundle), "dev", paths)
    write_json(paths.dev_metrics, {"accuracy": accuracy})
    return {"labels": len(labels), "dev_accuracy": accuracy}


def score(predictor, split, paths):
    records = read_preprocessed(paths.preprocessed / f"{split}.jsonl")
    predicted = predictor.predict([r["text"] for r in records])
    return sum(p["label"] == r["label"] for p, r in zip(predicted, records)) / len(records)


def evaluate(params, paths):
    accuracy = score(Predictor.load(paths.bundle), "test", paths)
    examples = len(read_preprocessed(paths.preprocessed / "test.jsonl"))
    return write_evaluation(paths.metrics, paths.live, Scores({"accuracy": accuracy}), examples, "label")


class LexiconPredictor(Predictor):
    def __init__(self, directory, meta):
        super().__init__(directory, meta)
        self.lexicon = json.loads((Path(directory) / "lexicon.json").read_text(encoding="utf-8"))

    @property
    def labels(self):
        return self.meta["labels"]

    def predict(self, phrases, *, batch_size=64):
        k, n = self.meta["smoothing"], len(self.labels)
        results = []
        for phrase in phrases:
            logp = {label: 0.0 for label in self.labels}
            for char in phrase:
                seen = self.lexicon.get(char, {})
                total = sum(seen.values())
                for label in self.labels:
                    logp[label] += math.log((seen.get(label, 0) + k) / (total + k * n))
            best = max(self.labels, key=logp.get)
            results.append({"label": best, "log_probability": round(logp[best], 4)})
        return results


class PhrasesRequest(Strict):
    phrases: list[str] = Field(min_length=1, description="phrases to label")

    def items(self):
        return list(self.phrases)

    def limited_texts(self):
        return [(f"phrases.{n}", phrase) for n, phrase in enumerate(self.phrases)]


class LexiconResult(BaseModel):
    label: str
    log_probability: float


def declared_stages(params):
    """What `mtf pipeline` writes into dvc.yaml for a lexicon task."""
    splits = [f"${{preprocess.{split}}}" for split in SPLITS]
    return [
        StageDecl("preprocess", ("code", *splits), ("task.type", "preprocess"), (Output("data/preprocessed"),)),
        StageDecl(
            "train",
            ("code", "data/preprocessed"),
            ("task.type", "train"),
            (Output("models/model"), Output("metrics/dev.json", "metrics", cache=False)),
        ),
        StageDecl(
            "evaluate",
            ("code", "models/model", "data/preprocessed"),
            ("task.type",),
            (Output("metrics/eval_groups.json", cache=False), Output("metrics/eval.json", "metrics", cache=False)),
        ),
    ]


registry.task_types.register(
    "lexicon",
    TaskType(
        name="lexicon",
        description="Phrase labelling from per-character label counts (a task type of our own)",
        params=LexiconParams,
        stages={"preprocess": preprocess, "train": train, "evaluate": evaluate},
        pipeline=declared_stages,
        predictor=LexiconPredictor,
        api=ApiSpec(
            request=PhrasesRequest,
            result=LexiconResult,
            run=lambda predictor, request: predictor.predict(request.phrases),
            form=lambda fields: {"phrases": fields.get("phrases", "").split()},
            page=Path(__file__).with_name("lexicon_page.html"),
            example={"phrases": ["地铁开通"]},
        ),
    ),
)
'''

PAGE = """{% extends "task.html" %}
{% block form %}
<label for="phrases">Phrases (separated by spaces)</label>
<input id="phrases" name="phrases" value="{{ fields.get('phrases', '') }}">
{% endblock %}
{% block result %}<p class="lexicon">{{ item }}: <output>{{ result.label }}</output></p>{% endblock %}
"""


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated classification task turned into a lexicon task: its own code, params and dvc.yaml."""
    repo = make_task_copy(tmp_path_factory.mktemp("repo"), {})
    task = bake(repo / "apps" / "demo_app", task_slug="lexicon_task", task_type="classification")
    (task / "code" / "lexicon_type.py").write_text(TASK_TYPE, encoding="utf-8")
    (task / "code" / "lexicon_page.html").write_text(PAGE, encoding="utf-8")
    sample = {split: f"data/sample/{split}.jsonl" for split in ("train", "dev", "test")}
    params = {
        "task": {"name": "lexicon_task", "type": "lexicon", "code": ["code/lexicon_type.py"]},
        "preprocess": sample,
        "train": {"smoothing": 0.5},
    }
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run([str(VENV_BIN / "mtf"), "pipeline"], task)  # dvc.yaml from the type's declared stages
    commit_all(repo, "a task type of our own")
    run(["dvc", "repro", "dvc.yaml"], task)
    return task


def test_dvc_repro_runs_the_own_task_type(task: Path) -> None:
    scores = json.loads((task / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert scores["examples"] == 15
    # Character counts on the 3-topic sample are far better than chance (1/3).
    assert scores["test"]["accuracy"] > 0.6, scores
    assert json.loads((task / "metrics" / "dev.json").read_text(encoding="utf-8"))["accuracy"] > 0.6
    assert json.loads(run(["dvc", "status", "--json", "dvc.yaml"], task).stdout) == {}


def test_mtf_check_and_components_know_the_own_task_type(task: Path) -> None:
    assert "OK (lexicon task 'lexicon_task')" in run([str(VENV_BIN / "mtf"), "check"], task).stdout
    listed = run([str(VENV_BIN / "mtf"), "components", "task_types"], task).stdout
    assert "lexicon" in listed and "a task type of our own" in listed and "tagging" in listed


def test_bad_params_of_the_own_type_are_refused(task: Path, tmp_path: Path) -> None:
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["train"]["smoothing"] = 0
    bad = task / "bad_params.yaml"
    bad.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    try:
        result = run([str(VENV_BIN / "mtf"), "check", "bad_params.yaml"], task, check=False)
    finally:
        bad.unlink()
    assert result.returncode == 2 and "train.smoothing" in result.stderr + result.stdout


def test_the_web_app_serves_the_own_task_type(task: Path) -> None:
    from web import create_app

    client = create_app(root=task.parents[2]).test_client()
    url = "/api/v1/demo_app/lexicon_task/predict"
    answer = client.post(url, json={"phrases": ["地铁三号线开通", "医院开展义诊"]})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["task_type"] == "lexicon" and len(body["results"]) == 2
    assert {result["label"] for result in body["results"]} <= set(
        json.loads((task / "models" / "model" / "bundle.json").read_text(encoding="utf-8"))["labels"]
    )
    # Its own request model: `texts` is not a field of it.
    refused = client.post(url, json={"texts": ["地铁"]})
    assert refused.status_code == 422 and "phrases: Field required" in refused.get_json()["error"]
    document = client.get("/api/v1/openapi.json").get_json()
    predict = document["paths"]["/api/v1/{app}/{task}/predict"]["post"]
    schema = predict["requestBody"]["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/PhrasesRequest"} in schema["oneOf"]
    assert "demo_app/lexicon_task: PhrasesRequest" in predict["requestBody"]["description"]
    assert "phrases" in document["components"]["schemas"]["PhrasesRequest"]["properties"]


def test_the_own_demo_page(task: Path) -> None:
    from web import create_app

    client = create_app(root=task.parents[2]).test_client()
    page = client.get("/tasks/demo_app/lexicon_task")
    assert page.status_code == 200 and 'name="phrases"' in page.get_data(as_text=True)
    answered = client.post("/tasks/demo_app/lexicon_task", data={"phrases": "地铁开通 医院义诊"}).get_data(as_text=True)
    assert answered.count('<p class="lexicon">') == 2 and "地铁开通: <output>" in answered
    assert '{"phrases": ["地铁开通"]}' in answered  # the curl line uses the type's example


def test_a_gone_task_type_module_is_a_clear_error(task: Path, tmp_path: Path) -> None:
    from web import create_app

    code = task / "code" / "lexicon_type.py"
    kept = shutil.move(code, tmp_path / "lexicon_type.py")
    try:
        result = run([str(VENV_BIN / "mtf"), "check"], task, check=False)
        assert result.returncode == 2 and "code/lexicon_type.py" in result.stderr
        answer = (
            create_app(root=task.parents[2])
            .test_client()
            .post("/api/v1/demo_app/lexicon_task/predict", json={"phrases": ["地铁"]})
        )
        assert answer.status_code == 503 and "code/lexicon_type.py" in answer.get_json()["error"]
    finally:
        shutil.move(kept, code)


def test_a_missing_or_broken_page_is_a_503_naming_it(task: Path, tmp_path: Path) -> None:
    from web import create_app

    page = task / "code" / "lexicon_page.html"
    try:
        page.write_text('{% extends "task.html" %}{% block result %}{{ item }{% endblock %}', encoding="utf-8")
        broken = create_app(root=task.parents[2]).test_client().get("/tasks/demo_app/lexicon_task")
        assert broken.status_code == 503 and "lexicon_page.html has an error" in broken.get_data(as_text=True)
        page.unlink()
        gone = create_app(root=task.parents[2]).test_client().get("/tasks/demo_app/lexicon_task")
        assert gone.status_code == 503 and "lexicon_page.html is missing" in gone.get_data(as_text=True)
    finally:
        page.write_text(PAGE, encoding="utf-8")


def test_a_stage_the_task_type_lacks_is_a_clear_error(task: Path) -> None:
    result = run([sys.executable, "-m", "mtf_lib.stage", "dataset"], task, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "task type 'lexicon' has no stage 'dataset'" in result.stderr and "remove the stage" in result.stderr
