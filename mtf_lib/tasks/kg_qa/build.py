"""Build stage: the graph from its builders (a new ladybug database swapped in whole, or a
Neo4j database whose schema labels are emptied first), and the QA bundle that serves it."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from mtf_lib.config import build_component
from mtf_lib.graph.store import GraphStore, open_store
from mtf_lib.io import write_json
from mtf_lib.stage import StagePaths


def build(params: Any, paths: StagePaths) -> dict[str, Any]:
    folder = params.task.folder
    graph = params.graph
    started = time.perf_counter()
    if graph.backend == "ladybug":
        target = folder / graph.path
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            settings = graph.model_copy(update={"path": os.path.relpath(tmp, folder)})
            with open_store(settings, folder, read_only=False, create=True) as store:
                loaded, counts = _load(store, params)
            _swap(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        with open_store(graph, folder, read_only=False, create=True) as store:
            store.clear(graph.graph_schema)
            loaded, counts = _load(store, params)
    seconds = round(time.perf_counter() - started, 3)
    from mtf_lib.tasks.kg_qa.model_io import save_bundle

    save_bundle(folder / paths.bundle, params, folder, counts)
    summary = {**counts, "build_seconds": seconds, "loaded": loaded}
    write_json(folder / paths.metrics / "graph.json", summary)
    return summary


def _load(store: GraphStore, params: Any) -> tuple[dict[str, Any], dict[str, int]]:
    schema = params.graph.graph_schema
    store.create_schema(schema)
    loaded: dict[str, Any] = {}
    for section in params.graph.builders:
        loaded[section["name"]] = build_component("graph_builder", section, store, schema, params.task.folder)
    return loaded, store.counts()


def _swap(new: Path, target: Path) -> None:
    """Replace ``target`` by ``new`` in two renames: a reader sees the old graph or the new one."""
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
        os.replace(new, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, target)
