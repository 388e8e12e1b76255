"""Build stage: the graph from its builders (a new ladybug database swapped in whole, or a
Neo4j database whose schema labels are emptied first), and the QA bundle that serves it."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.config import ParamsError
from mtf_lib.errors import InputError
from mtf_lib.graph.store import GraphStore, GraphUnavailable, open_store
from mtf_lib.io import write_json
from mtf_lib.layout import StagePaths


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
            with open_store(settings, folder, read_only=True) as store:  # as serving will run them
                check_rules(store, params)
            _swap(tmp, target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        with open_store(graph, folder, read_only=False, create=True) as store:
            check_rules(store, params)  # before the old data goes: a syntax error needs none
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
    names = [section["name"] for section in params.graph.builders]
    for n, section in enumerate(params.graph.builders):
        # Two builders of one name would share a key: the second is "name#2", and so on.
        seen = names[:n].count(section["name"])
        key = f"{section['name']}#{seen + 1}" if seen else section["name"]
        try:
            loaded[key] = registry.graph_builders.build(section, store, schema, params.task.folder)
        except InputError as error:
            raise InputError(f"graph.builders[{n}] ({section['name']}): {error}") from None
    return loaded, store.counts()


def check_rules(store: GraphStore, params: Any) -> None:
    """Run every QA rule once, read-only, with a dummy ``$name``: a Cypher syntax or binding error
    fails the build (ParamsError, exit 2) before the new graph and bundle replace the old."""
    problems = []
    for n, rule in enumerate(params.qa.rules):
        try:
            store.read(rule.cypher, {"name": "mtf-rule-check"})
        except GraphUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - each backend raises its own kinds
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            problems.append(f"qa.rules[{n}].cypher (rule {rule.intent!r}) fails on the graph: {first}")
    if problems:
        raise ParamsError(str(params.task.folder / "params.yaml"), problems)


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
