"""The contract every task type keeps, as a test a plug-in author runs on their own type
(AllenNLP's ``ModelTestCase``): a task made from the type's template trains on its sample, saves
a bundle that loads back to identical answers, answers its API example, scores dev and test
with the same metric scores, writes every output its declared stages name (what ``dvc repro``
requires of a stage) and reads no file of the task that its stage does not declare (else DVC
would skip the stage when that file changes).

In a plug-in's tests::

    from mtf_lib.testing import check_task_type

    def test_my_type_keeps_the_contract(tmp_path):
        check_task_type("my_type", tmp_path)

It runs in-process, on the template's smoke settings (a slice, few epochs): seconds per type.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mtf_lib.layout import StagePaths
from mtf_lib.tasks.template import sample_task


class ContractError(AssertionError):
    """A task type that breaks the contract: says which part."""


def run_declared_stages(folder: Path) -> tuple[Any, StagePaths]:
    """Every stage the task in ``folder`` declares, in order, in-process (as ``mtf stage`` runs
    each, with what runs after it: the train record, the model card); (params, paths).
    ContractError when a stage does not write an output it declares (``dvc repro`` would fail)."""
    from mtf_lib import registry
    from mtf_lib.params import load_params
    from mtf_lib.stage import AFTER
    from mtf_lib.tasks.base import resolve

    with contextlib.chdir(folder):
        params = load_params("params.yaml")
        kind = registry.task_types.get(params.task.type)
        paths = StagePaths(progress=False)
        declared = kind.pipeline_stages(params)
        for stage in declared:
            started = time.monotonic()
            with _files_read() as read:
                kind.stage(stage.name)(params, paths)
                if stage.name in AFTER:
                    resolve(AFTER[stage.name])(params, paths, time.monotonic() - started)
            missing = [out.path for out in stage.outs if "${" not in out.path and not Path(out.path).exists()]
            _require(not missing, f"stage {stage.name!r} declares {', '.join(missing)} but did not write it")
            undeclared = _undeclared(read, stage, declared, params)
            _require(
                not undeclared,
                f"stage {stage.name!r} reads {', '.join(undeclared)} but does not declare it (a dep of its "
                "StageDecl, or of the same stage's outputs): DVC would not re-run it when that changes",
            )
    return params, paths


_reading: list[str] | None = None  # while a contract stage runs: the files it opens to read
_hooked = False


def _on_open(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or _reading is None:
        return
    path, mode, flags = args
    writes = any(c in mode for c in "wax+") if isinstance(mode, str) else flags & os.O_ACCMODE != os.O_RDONLY
    if isinstance(path, str | os.PathLike) and not writes:
        _reading.append(os.fspath(path))


@contextlib.contextmanager
def _files_read() -> Iterator[list[str]]:
    """The paths opened for reading in this process while the block runs (an audit hook: it sees
    numpy, torch and json alike; a child process's or a native library's reads go unseen)."""
    global _reading, _hooked
    if not _hooked:
        sys.addaudithook(_on_open)  # cannot be removed: idle outside this block
        _hooked = True
    _reading = []
    try:
        yield _reading
    finally:
        _reading = None


def _undeclared(read: list[str], stage: Any, declared: list[Any], params: Any) -> list[str]:
    """The task's files in ``read`` that no dep or output of ``stage`` covers (nor an output of
    a stage that writes one of its deps: they change together), params.yaml aside."""
    from mtf_lib.pipeline.declare import split_note, value_of

    def resolved(text: str) -> str | None:
        path = split_note(text)[0]
        if path.startswith("${"):
            value = value_of(params, path[2:-1])
            return str(value) if value is not None else None
        return path

    deps = [p for p in map(resolved, stage.deps) if p]
    covered = [*deps, *(o.path for o in stage.outs), "params.yaml"]
    for other in declared:
        outs = [o.path for o in other.outs]
        if any(_under(dep, out) for dep in deps for out in outs):
            covered += outs
    root = Path.cwd().resolve()
    found = []
    for path in dict.fromkeys(read):
        full = Path(path).resolve()
        if full.is_relative_to(root) and full.is_file():
            relative = full.relative_to(root).as_posix()
            if not any(_under(relative, c) for c in covered):
                found.append(relative)
    return found


def _under(path: str, folder: str) -> bool:
    folder = os.path.normpath(folder)
    path = os.path.normpath(path)
    return path == folder or path.startswith(folder + os.sep)


def check_task_type(task_type: str, folder: Path, options: str = "") -> None:
    """ContractError unless a task of ``task_type`` made in ``folder`` from its template trains,
    reloads to identical answers, answers its API example and scores dev and test alike."""
    from mtf_lib import registry
    from mtf_lib.inference import Predictor
    from mtf_lib.metrics.scores import metric_scores

    try:
        task = sample_task(task_type, folder, options)
    except LookupError as exc:  # no template: the contract runs on the sample task it generates
        raise ContractError(f"{exc}; the contract test needs one (TaskType.template) to make its sample task") from None
    params, paths = run_declared_stages(task)
    bundle = folder / paths.bundle
    api = registry.task_types.get(task_type).api_spec()
    answers = []
    for _ in range(2):  # a second load must answer exactly as the first
        with Predictor.load(bundle) as predictor:
            answers.append(api.run(predictor, api.request.model_validate(dict(api.example))) if api else None)
    _require(answers[0] == answers[1], "a reloaded bundle answers the API example differently")
    _require(
        answers[0] is None or len(answers[0]) == len(api.request.model_validate(dict(api.example)).items()),
        "the API example's answer has not one result per item",
    )
    metric = getattr(getattr(params, "evaluate", None), "metric", None)
    scores = _read(folder / paths.metrics / "eval.json")
    if metric is None:  # a type that scores otherwise (kg_qa): its test scores are there
        _require(bool(scores.get("test")), "eval.json has no test scores")
        return
    expected = set(metric_scores(metric if isinstance(metric, str) else metric["name"]))
    _require(
        set(scores["test"]) == expected, f"eval.json's test scores {sorted(scores['test'])} are not {sorted(expected)}"
    )
    dev = _read(folder / paths.dev_metrics)
    _require(expected <= set(dev), f"dev.json's scores {sorted(dev)} lack some of {sorted(expected)}")


def _read(path: Path) -> dict[str, Any]:
    _require(path.is_file(), f"{path} was not written")
    return json.loads(path.read_text(encoding="utf-8"))


def _require(condition: bool, problem: str) -> None:
    if not condition:
        raise ContractError(problem)
