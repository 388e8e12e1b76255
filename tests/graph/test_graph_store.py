"""The graph store on ladybug: the schema declared in params (identifiers only), the records and
Cypher-script builders, batches, a read-only store refusing writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from mtf_lib import registry
from mtf_lib.errors import InputError
from mtf_lib.graph.builders import script_statements
from mtf_lib.graph.ladybug_store import LadybugStore
from mtf_lib.graph.schema import GraphSchema
from tests.conftest import mirror_dir

MOVIES = {
    "nodes": {
        "Person": {"key": "name", "properties": {"born": "INT64"}},
        "Movie": {"key": "title", "properties": {"released": "INT64", "tagline": "STRING"}},
    },
    "relationships": {
        "ACTED_IN": {"source": "Person", "target": "Movie", "properties": {"roles": "STRING[]"}},
        "DIRECTED": {"source": "Person", "target": "Movie"},
        "PRODUCED": {"source": "Person", "target": "Movie"},
        "WROTE": {"source": "Person", "target": "Movie"},
        "REVIEWED": {"source": "Person", "target": "Movie", "properties": {"summary": "STRING", "rating": "INT64"}},
        "FOLLOWS": {"source": "Person", "target": "Person"},
    },
}
SMALL = {
    "nodes": {"Disease": {"properties": {"cause": "STRING", "cure_way": "STRING[]"}}, "Symptom": {}},
    "relationships": {"has_symptom": {"source": "Disease", "target": "Symptom"}},
}


def store(tmp_path: Path, schema: dict) -> tuple[LadybugStore, GraphSchema]:
    graph = GraphSchema.model_validate(schema)
    opened = LadybugStore(tmp_path / "graph.lbug", read_only=False)
    opened.create_schema(graph)
    return opened, graph


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"nodes": {"Bad Label": {}}}, "not a plain identifier"),
        ({"nodes": {"A": {"key": "name}) DETACH DELETE n //"}}}, "not a plain identifier"),
        ({"nodes": {"A": {"properties": {"x": "BLOB"}}}}, "STRING"),
        ({"nodes": {"A": {}}, "relationships": {"r": {"source": "A", "target": "B"}}}, "'B'"),
    ],
)
def test_a_bad_schema_is_refused_naming_the_problem(schema: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        GraphSchema.model_validate(schema)


def test_the_movie_graph_script_loads_into_ladybug(tmp_path: Path) -> None:
    movies, schema = store(tmp_path, MOVIES)
    (tmp_path / "movies.cypher").write_bytes((mirror_dir() / "kg_movies" / "movies.cypher").read_bytes())
    loaded = registry.graph_builders.get("cypher_script.v1")(movies, schema, tmp_path, script="movies.cypher")
    assert loaded == {"statements": 1, "skipped_ddl": 4}  # the constraints and indexes are Neo4j's DDL
    assert movies.read("MATCH (m:Movie) RETURN count(m) AS n") == [{"n": 38}]
    assert movies.read("MATCH (p:Person) RETURN count(p) AS n") == [{"n": 133}]
    assert movies.counts()["relationships"] == 253
    roles = movies.read(
        "MATCH (:Person {name: $name})-[r:ACTED_IN]->(:Movie {title: $title}) RETURN r.roles AS roles",
        {"name": "Keanu Reeves", "title": "The Matrix"},
    )
    assert roles == [{"roles": ["Neo"]}]


def test_script_statements_split_on_line_ending_semicolons() -> None:
    text = "// a comment\nCREATE (a:A {name: 'x;y'});\n\nCREATE (b:A {name: 'z'})\nCREATE (c:A {name: 'w'});\n"
    assert script_statements(text) == [
        "CREATE (a:A {name: 'x;y'})",
        "CREATE (b:A {name: 'z'})\nCREATE (c:A {name: 'w'})",
    ]


def write_records(tmp_path: Path) -> None:
    (tmp_path / "diseases.csv").write_text(
        '名称,病因,疗法,症状\n流感,"病毒, 感染",休息,"发热, 咳嗽,发热,"\n肺炎,细菌,"抗生素,休息",咳嗽\n',
        encoding="utf-8",
    )
    (tmp_path / "symptoms.txt").write_text("乏力\n咳嗽\n\n", encoding="utf-8")


RECORDS = {
    "source": "diseases.csv",
    "label": "Disease",
    "key_column": "名称",
    "properties": {"病因": "cause", "疗法": "cure_way"},
    "relationships": {"症状": "has_symptom"},
    "dictionaries": {"Symptom": "symptoms.txt"},
    "batch_size": 1,  # one row per statement: the batches must add up
}


def test_records_split_list_cells_and_load_dictionaries(tmp_path: Path) -> None:
    write_records(tmp_path)
    graph, schema = store(tmp_path, SMALL)
    counts = registry.graph_builders.get("records.v1")(graph, schema, tmp_path, **RECORDS)
    assert counts == {"Disease": 2, "Symptom": 3, "has_symptom": 3}
    rows = graph.read("MATCH (d:Disease {name: $n}) RETURN d.cause AS cause, d.cure_way AS way", {"n": "肺炎"})
    assert rows == [{"cause": "细菌", "way": ["抗生素", "休息"]}]
    flu = graph.read("MATCH (:Disease {name: '流感'})-[:has_symptom]->(s) RETURN s.name AS symptom ORDER BY symptom")
    assert [r["symptom"] for r in flu] == sorted(["发热", "咳嗽"])  # repeats and blanks of a cell dropped
    assert graph.read("MATCH (d:Disease {name: '流感'}) RETURN d.cause AS c") == [{"c": "病毒, 感染"}]  # text kept


def test_records_read_json_lines_too(tmp_path: Path) -> None:
    rows = [{"名称": "流感", "病因": "病毒", "疗法": ["休息"], "症状": ["发热"]}]
    (tmp_path / "items.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    graph, schema = store(tmp_path, SMALL)
    settings = {**RECORDS, "source": "items.jsonl", "format": "jsonl", "dictionaries": {}}
    assert registry.graph_builders.get("records.v1")(graph, schema, tmp_path, **settings)["has_symptom"] == 1


def test_a_builder_that_does_not_fit_the_schema_says_what_is_missing(tmp_path: Path) -> None:
    write_records(tmp_path)
    graph, schema = store(tmp_path, SMALL)
    settings = {**RECORDS, "properties": {"病因": "origin"}, "relationships": {"症状": "shows"}}
    with pytest.raises(InputError, match="Disease.origin.*'shows'"):
        registry.graph_builders.get("records.v1")(graph, schema, tmp_path, **settings)


def test_a_read_only_store_refuses_writes(tmp_path: Path) -> None:
    write_records(tmp_path)
    graph, schema = store(tmp_path, SMALL)
    registry.graph_builders.get("records.v1")(graph, schema, tmp_path, **RECORDS)
    graph.close()
    reader = LadybugStore(tmp_path / "graph.lbug", read_only=True)
    with pytest.raises(PermissionError, match="read-only"):
        reader.read("MATCH (n) DETACH DELETE n")
    assert reader.counts() == {"nodes": 5, "relationships": 3}
