"""A team's own data format and model, in the task's own code (``task.code``), with no
conversion stage and no edit of mtf_lib: a generated tagging task reads a made-up format with
its own registered reader, trains its own registered model, and every entry point knows them —
``dvc repro``, ``mtf check``, ``mtf components``, the evaluate stage and the web app. A bundle
whose module is gone, or a module that breaks, is a clear error (exit 2; the web answers 503)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import VENV_BIN, make_task_copy, run_env
from tests.template.baking import bake, run

# One sentence per line: the text, a tab, then its entities as TYPE:start:end separated by ";".
READER = '''
from pathlib import Path

from mtf_lib import registry
from mtf_lib.text.readers import DataFormatError, TaggedSentence
from mtf_lib.text.schemes import tags_from_spans


def read(path: Path, scheme: str, separator: str):
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text, _, entities = line.partition("\\t")
        try:
            spans = [(k, int(a), int(b)) for k, a, b in (e.split(":") for e in entities.split(separator) if e)]
        except ValueError:
            raise DataFormatError(f"{path}:{lineno}: entities must be TYPE:start:end, got {entities!r}") from None
        yield TaggedSentence(list(text), tags_from_spans(spans, len(text), scheme))


@registry.readers("spans_tsv.v1", task_type="tagging")
def spans_tsv(*, separator: str = ";"):
    """Our annotation tool's export: text, a tab, TYPE:start:end entities."""
    return lambda path, scheme: read(path, scheme, separator)
'''

# A model of the team's own: character embeddings and a convolution, under a registered head.
MODEL = '''
import torch
from torch import nn

from mtf_lib import registry


class ConvTagger(nn.Module):
    def __init__(self, n_chars: int, n_tags: int, dim: int, head: nn.Module) -> None:
        super().__init__()
        self.embed = nn.Embedding(n_chars, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, dim, 3, padding=1)
        self.out = nn.Linear(dim, n_tags)
        self.head = head

    def forward(self, batch):
        x = self.embed(batch["chars"]).transpose(1, 2)
        emissions = self.out(torch.relu(self.conv(x)).transpose(1, 2))
        result = {"emissions": emissions}
        if "labels" in batch:
            result["loss"] = self.head(emissions, batch["labels"], batch["mask"])
        return result

    @torch.no_grad()
    def decode(self, batch):
        batch = {k: v for k, v in batch.items() if k != "labels"}
        return self.head.decode(self.forward(batch)["emissions"], batch["mask"])


@registry.models("conv_tagger.v1", task_type="tagging")
def conv_tagger(vocabs, labels, *, dim: int = 32, head: registry.losses.ref(task_type="tagging") = "crf_nll.v1"):
    """Our own tagger: char embeddings, one convolution, a CRF."""
    return ConvTagger(len(vocabs["chars"]), len(labels), dim, registry.losses.build(head, len(labels)))
'''

KNOWN_SENTENCE = "张伟毕业于北京大学，现任华为公司工程师。"  # a training sentence of the sample data


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = make_task_copy(tmp_path_factory.mktemp("repo"), {})
    task = bake(repo / "apps" / "demo_app", task_slug="custom", task_type="tagging")
    (task / "code" / "spans_reader.py").write_text(READER, encoding="utf-8")
    (task / "code" / "conv_model.py").write_text(MODEL, encoding="utf-8")
    (task / "data" / "spans").mkdir()
    for split in ("train", "dev", "test"):  # the sample data, exported in the team's own format
        lines = []
        for line in (task / "data" / "sample" / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            entities = ";".join(f"{e['type']}:{e['start']}:{e['end']}" for e in record["entities"])
            lines.append(f"{record['text']}\t{entities}")
        (task / "data" / "spans" / f"{split}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    params = yaml.safe_load((task / "params.yaml").read_text(encoding="utf-8"))
    params["task"]["code"] = ["code/spans_reader.py", "code/conv_model.py"]
    params["preprocess"].update(format="spans_tsv.v1", **{s: f"data/spans/{s}.txt" for s in ("train", "dev", "test")})
    params["model"] = {"name": "conv_tagger.v1", "dim": 48}
    params["train"].update(epochs=30, lr=0.02)
    (task / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run(["git", "add", "-A"], repo)
    run(["git", "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "own code"], repo)
    run(["dvc", "repro"], task)
    return task


def stage(task: Path, name: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "mtf_lib.stage", name]
    return subprocess.run(cmd, cwd=task, env=run_env(), capture_output=True, text=True, timeout=300)


def test_dvc_repro_reads_the_own_format_and_trains_the_own_model(task: Path) -> None:
    bundle = json.loads((task / "models" / "model" / "bundle.json").read_text(encoding="utf-8"))
    assert bundle["model"] == {"name": "conv_tagger.v1", "dim": 48, "head": {"name": "crf_nll.v1"}}
    assert bundle["code"]["shown"] == ["code/spans_reader.py", "code/conv_model.py"]
    scores = json.loads((task / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert scores["examples"] > 0 and set(scores["test"]) == {"precision", "recall", "f1"}
    # The own code is a dep of the stages: a change there re-runs them.
    code = task / "code" / "spans_reader.py"
    code.write_text(code.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    try:
        assert "preprocess" in json.loads(run(["dvc", "status", "--json", "dvc.yaml"], task).stdout)
    finally:
        code.write_text(READER, encoding="utf-8")
    assert json.loads(run(["dvc", "status", "--json", "dvc.yaml"], task).stdout) == {}  # this pipeline only


def test_mtf_check_components_and_evaluate_know_the_own_code(task: Path) -> None:
    assert "OK (tagging task 'custom')" in run([str(VENV_BIN / "mtf"), "check"], task).stdout
    listed = run([str(VENV_BIN / "mtf"), "components"], task).stdout
    assert "spans_tsv.v1" in listed and "Our annotation tool's export" in listed and "conv_tagger.v1" in listed
    evaluated = stage(task, "evaluate")
    assert evaluated.returncode == 0, evaluated.stderr
    assert evaluated.stdout.startswith("evaluate: {")


def test_the_web_app_serves_the_own_model(task: Path) -> None:
    from web import create_app

    client = create_app(root=task.parents[2]).test_client()
    answer = client.post("/api/v1/demo_app/custom/predict", json={"texts": [KNOWN_SENTENCE]})
    assert answer.status_code == 200, answer.get_json()
    [result] = answer.get_json()["results"]
    assert result["entities"], "the own model found no entity in a sentence it was trained on"
    assert all(KNOWN_SENTENCE[e["start"] : e["end"]] == e["text"] for e in result["entities"])


def test_a_bundle_whose_module_is_gone_is_a_clear_error(task: Path, tmp_path: Path) -> None:
    from web import create_app

    model_code = task / "code" / "conv_model.py"
    kept = shutil.move(model_code, tmp_path / "conv_model.py")
    before = (task / "metrics" / "eval.json").read_bytes()
    try:
        evaluated = stage(task, "evaluate")  # params name the file: refused before any work
        assert evaluated.returncode == 2, evaluated.stderr
        assert "code/conv_model.py" in evaluated.stderr and "Traceback" not in evaluated.stderr
        assert (task / "metrics" / "eval.json").read_bytes() == before
        from mtf_lib.errors import CodeError
        from mtf_lib.plugins import load_bundle_code

        meta = json.loads((task / "models" / "model" / "bundle.json").read_text(encoding="utf-8"))
        with pytest.raises(CodeError, match=r"needs its task's code code/conv_model\.py") as error:
            load_bundle_code(task / "models" / "model", meta["code"])
        assert error.value.module == "code/conv_model.py"
        answer = (
            create_app(root=task.parents[2])
            .test_client()
            .post("/api/v1/demo_app/custom/predict", json={"texts": ["张伟"]})
        )
        assert answer.status_code == 503 and "code/conv_model.py" in answer.get_json()["error"]
    finally:
        shutil.move(kept, model_code)


def test_a_module_that_raises_on_import_is_a_clear_error(task: Path) -> None:
    reader = task / "code" / "spans_reader.py"
    reader.write_text("raise ImportError('needs a package that is not installed')\n", encoding="utf-8")
    try:
        for name in ("preprocess", "train"):
            done = stage(task, name)
            assert done.returncode == 2, done.stderr
            assert "task.code code/spans_reader.py failed to import: ImportError: needs a package" in done.stderr
    finally:
        reader.write_text(READER, encoding="utf-8")
