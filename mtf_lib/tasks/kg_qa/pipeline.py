"""The stages of a kg_qa task: fetch or crawl, build (the graph and the QA bundle), evaluate.
No training: the build reads the files its graph builders name."""

from __future__ import annotations

from typing import Any

from mtf_lib.pipeline.declare import PATHS, Output, StageDecl, interpolated, kept
from mtf_lib.pipeline.standard import acquire_stages, code_deps, evaluate_outs

FILE_SETTINGS = ("source", "script")  # builder settings that name a file of the task


def stages(params: Any) -> list[StageDecl]:
    code = code_deps(params)
    graph = [params.graph.path] if params.graph.backend == "ladybug" else []
    build = StageDecl(
        "build",
        deps=(*code, *build_inputs(params)),
        params=("task.type", "graph", "qa"),
        outs=(
            *(Output(path, persist=True) for path in graph),
            Output(str(PATHS.bundle), persist=True),
            kept(PATHS.metrics / "graph.json", "metrics", note="nodes, relationships, build seconds"),
        ),
    )
    evaluate = StageDecl(
        "evaluate",
        deps=(*code, str(PATHS.bundle), *graph, *interpolated(params, ("evaluate.test", "evaluate.dev"))),
        params=("task.type", "evaluate"),
        outs=evaluate_outs(kept(PATHS.metrics / "failed.jsonl", note="test questions answered wrongly")),
    )
    return [*acquire_stages(params), build, evaluate]


def build_inputs(params: Any) -> list[str]:
    """The fetched data set or the crawl's items, and the files the builders and QA name that lie
    outside those (each once)."""
    folders = [f"{PATHS.datasets}/{params.fetch.dataset}"] if params.fetch.dataset else []
    folders += [str(PATHS.raw)] if params.crawl is not None else []
    files = [params.qa.deny_words] if params.qa.deny_words else []
    for builder in params.graph.builders:
        settings = dict(builder)
        files += [settings[key] for key in FILE_SETTINGS if isinstance(settings.get(key), str)]
        files += [path for path in (settings.get("dictionaries") or {}).values() if isinstance(path, str)]
    inside = [file for file in files if not any(file.startswith(folder.rstrip("/") + "/") for folder in folders)]
    return [*folders, *dict.fromkeys(inside)]
