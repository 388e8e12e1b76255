"""Graph builders (registry kind ``graph_builder``): each loads a graph into an open store whose
schema has been created, in batches, with parameterized statements only.

- ``records.v1``: rows of a CSV or JSON-lines file (a data set, or a crawl's items), one node
  each, with columns mapped to properties and list-valued cells split into relationships;
  plus entity-name dictionaries (one name per line) as nodes of their label.
- ``cypher_script.v1``: a data set's own Cypher load script, run as it is; statements of
  Neo4j-only DDL (constraints, indexes) are left to the declared schema on ladybug.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from mtf_lib import registry
from mtf_lib.errors import InputError
from mtf_lib.graph.schema import GraphSchema
from mtf_lib.graph.store import GraphStore

NEO4J_DDL = re.compile(r"^\s*CREATE\s+(CONSTRAINT|INDEX|(RANGE|TEXT|POINT|FULLTEXT|VECTOR)\s+INDEX)\b", re.I)


def read_rows(path: Path, file_format: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The file's columns (a CSV's header; every key some JSON line has) and its rows."""
    if not path.is_file():
        raise InputError(f"graph source {path} does not exist: fetch or crawl it first (dvc repro)")
    with path.open(encoding="utf-8", newline="") as handle:
        if file_format == "csv":
            reader = csv.DictReader(handle)
            rows = list(reader)
            return list(reader.fieldnames or []), rows
        rows = []
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(f"{path}:{number}: not a JSON object ({error.msg})") from None
                if not isinstance(row, dict):
                    raise InputError(f"{path}:{number}: not a JSON object")
                rows.append(row)
    return list(dict.fromkeys(k for row in rows for k in row)), rows


def split_cell(value: Any, separator: str) -> list[str]:
    """A list-valued cell's items, stripped, blanks and repeats dropped, in order."""
    items = value if isinstance(value, list) else str(value or "").split(separator)
    return list(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))


_TRUE, _FALSE = {"true", "yes", "y", "1", "是"}, {"false", "no", "n", "0", "否"}


def convert(value: Any, kind: str) -> Any:
    """A cell as the schema's ``kind`` (STRING, INT64, DOUBLE, BOOLEAN); an empty one is None.
    ValueError when it does not convert: the store's binder would fail on it with no row named."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind == "STRING":
        return str(value).strip()
    text = value.strip().casefold() if isinstance(value, str) else value
    if kind == "BOOLEAN":
        if isinstance(text, bool):
            return text
        if isinstance(text, str) and text in _TRUE | _FALSE:
            return text in _TRUE
        raise ValueError("not a boolean (true/false, yes/no, 1/0)")
    if isinstance(text, bool):  # JSON true is no number
        raise ValueError(f"not {'an integer' if kind == 'INT64' else 'a number'}")
    try:
        if kind == "DOUBLE":
            return float(text)
        number = float(text) if isinstance(text, float) else int(text)
    except (TypeError, ValueError):
        raise ValueError(f"not {'an integer' if kind == 'INT64' else 'a number'}") from None
    if isinstance(number, float) and not number.is_integer():
        raise ValueError("not an integer")
    return int(number)


def _missing_columns(source: str, columns: list[str], mapped: dict[str, str]) -> None:
    """Mapped columns the file does not have (a typo would load nothing, silently)."""
    missing = [f"{column!r} ({use})" for column, use in mapped.items() if column not in columns]
    if missing:
        have = ", ".join(repr(c) for c in columns) or "none"
        raise InputError(f"{source} has no column {', '.join(missing)}; its columns: {have}")


def read_names(path: Path) -> list[str]:
    if not path.is_file():
        raise InputError(f"dictionary {path} does not exist")
    return list(dict.fromkeys(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()))


def _check_declared(schema: GraphSchema, label: str, key: str, properties: dict[str, str], relationships: dict) -> None:
    problems = []
    node = schema.nodes.get(label)
    if node is None:
        problems.append(f"label {label!r} is not in graph.schema.nodes")
    else:
        if node.key != key:
            problems.append(f"{label}'s key in the schema is {node.key!r}, the builder's key is {key!r}")
        problems += [
            f"{label}.{p} is not in the schema's properties" for p in properties.values() if p not in node.properties
        ]
    for column, rel in relationships.items():
        declared = schema.relationships.get(rel)
        if declared is None:
            problems.append(f"column {column!r} → relationship {rel!r}, which graph.schema.relationships lacks")
        elif declared.source != label:
            problems.append(f"relationship {rel!r} starts at {declared.source!r}, not at {label!r}")
    if problems:
        raise InputError("the builder does not fit graph.schema: " + "; ".join(problems))


@registry.graph_builders("records.v1")
def records(
    store: GraphStore,
    schema: GraphSchema,
    folder: Path,
    *,
    source: str,
    format: str = "csv",
    label: str,
    key_column: str,
    key: str = "name",
    properties: dict[str, str] = {},  # noqa: B006 - settings are validated copies
    relationships: dict[str, str] = {},  # noqa: B006
    separator: str = ",",
    dictionaries: dict[str, str] = {},  # noqa: B006
    batch_size: int = 1000,
) -> dict[str, Any]:
    """``source`` (relative to the task folder; ``format`` csv or jsonl): a ``label`` node per row
    keyed by ``key_column``; ``properties``: column → property (STRING[] ones split on
    ``separator``); ``relationships``: column → relationship type, each item of the cell a node
    of the type's target label; ``dictionaries``: label → a file of names, loaded as nodes."""
    if format not in ("csv", "jsonl"):
        raise InputError(f"format must be csv or jsonl, got {format!r}")
    _check_declared(schema, label, key, properties, relationships)
    columns, rows = read_rows(folder / source, format)
    mapped = {key_column: "key_column"}
    mapped.update({column: f"properties → {prop}" for column, prop in properties.items()})
    mapped.update({column: f"relationships → {rel}" for column, rel in relationships.items()})
    _missing_columns(source, columns, mapped)
    node_types = schema.nodes[label].properties
    nodes: dict[str, dict[str, Any]] = {}
    targets: dict[str, dict[str, None]] = {}  # label → names, in order of appearance
    edges: dict[str, list[dict[str, str]]] = {rel: [] for rel in relationships.values()}
    for number, row in enumerate(rows, 1):
        name = str(row.get(key_column) or "").strip()
        if not name:
            raise InputError(f"{source}: row {number} has no {key_column!r}")
        props = nodes.setdefault(name, {key: name})
        for column, prop in properties.items():
            kind = node_types[prop]
            value = row.get(column)
            try:
                if kind.endswith("[]"):
                    items = [convert(item, kind[:-2]) for item in split_cell(value, separator)]
                    props[prop] = [item for item in items if item is not None]
                else:
                    props[prop] = convert(value, kind)
            except ValueError as error:
                raise InputError(
                    f"{source}: row {number}, column {column!r} → {label}.{prop} ({kind}): {value!r} is {error}"
                ) from None
        for column, rel in relationships.items():
            target = schema.relationships[rel].target
            for item in split_cell(row.get(column), separator):
                targets.setdefault(target, {})[item] = None
                edges[rel].append({"source": name, "target": item})
    counts: dict[str, int] = {}
    for dict_label, path in dictionaries.items():
        if dict_label not in schema.nodes:
            raise InputError(f"dictionaries: label {dict_label!r} is not in graph.schema.nodes")
        for item in read_names(folder / path):
            targets.setdefault(dict_label, {})[item] = None
    # Rows' own nodes first, with their properties: a row's name may also be another row's target.
    counts[label] = store.merge_nodes(label, key, nodes.values(), batch_size)
    for target_label, names in targets.items():
        target_key = schema.nodes[target_label].key
        rows = ({target_key: n} for n in names if not (target_label == label and n in nodes))
        counts[target_label] = counts.get(target_label, 0) + store.merge_nodes(
            target_label, target_key, rows, batch_size
        )
    for rel, rows in edges.items():
        declared = schema.relationships[rel]
        unique = list({(r["source"], r["target"]): r for r in rows}.values())
        counts[rel] = store.merge_relationships(
            rel,
            (declared.source, schema.nodes[declared.source].key),
            (declared.target, schema.nodes[declared.target].key),
            unique,
            batch_size,
        )
    return counts


def script_statements(text: str) -> list[str]:
    """A Cypher script's statements: split on ``;`` at the end of a line, comments and blanks dropped."""
    statements, current = [], []
    for line in text.splitlines():
        if line.strip().startswith("//"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).rstrip().rstrip(";").strip())
            current = []
    tail = "\n".join(current).strip()
    return [s for s in [*statements, tail] if s]


@registry.graph_builders("cypher_script.v1")
def cypher_script(store: GraphStore, schema: GraphSchema, folder: Path, *, script: str) -> dict[str, Any]:
    """Run the Cypher file ``script`` (relative to the task folder). It is trusted data set code,
    not user input; its Neo4j DDL is skipped on ladybug, whose tables the schema declares."""
    path = folder / script
    if not path.is_file():
        raise InputError(f"Cypher script {path} does not exist: fetch it first (dvc repro)")
    statements = script_statements(path.read_text(encoding="utf-8"))
    runnable = statements if store.runs_neo4j_ddl else [s for s in statements if not NEO4J_DDL.match(s)]
    store.run_script(runnable)
    return {"statements": len(runnable), "skipped_ddl": len(statements) - len(runnable)}
