"""What a new user's trial broke, on a small task built in-process (no subprocess, no data set):
a readable SVG; rule mistakes refused by params validation or by the build (the old graph and
bundle kept); labels cross-checked with the schema; records.v1 columns and typed properties;
builders' counts kept apart; case- and word-aware entity linking; junk in a questions file;
where a fallback rule fires."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from mtf_lib.config import ParamsError, validate
from mtf_lib.errors import BAD_INPUT, BAD_PARAMS, InputError
from mtf_lib.graph.qa.engine import QAEngine
from mtf_lib.graph.qa.linker import EntityLinker
from mtf_lib.graph.qa.rules import QAParams
from mtf_lib.graph.qa.svg import subgraph_svg
from mtf_lib.inference import Predictor
from mtf_lib.stage import run_stage
from mtf_lib.tasks.kg_qa.params import KgQaParams
from mtf_lib.tasks.kg_qa.scoring import read_questions
from tests.conftest import with_settings

CSV = 'name,year,score,open,creators\nPython,1991,9.5,yes,Guido van Rossum\nGo,2009,,false,"Rob Pike,Ken Thompson"\n'
RULE = {
    "intent": "creator",
    "entity": "Language",
    "keywords": ["created", "creator"],
    "cypher": "MATCH (l:Language {name: $name})-[:created_by]->(p:Person) RETURN p.name AS answer",
    "relation": "created by",
    "answer_label": "Person",
    "answer": "{subject} was created by {answers}.",
}
PARAMS: dict[str, Any] = {
    "task": {"name": "langs", "type": "kg_qa"},
    "graph": {
        "schema": {
            "nodes": {
                "Language": {"properties": {"year": "INT64", "score": "DOUBLE", "open": "BOOLEAN"}},
                "Person": {},
            },
            "relationships": {"created_by": {"source": "Language", "target": "Person"}},
        },
        "builders": [
            {
                "name": "records.v1",
                "source": "langs.csv",
                "label": "Language",
                "key_column": "name",
                "properties": {"year": "year", "score": "score", "open": "open"},
                "relationships": {"creators": "created_by"},
            }
        ],
    },
    "qa": {
        "rules": [
            RULE,
            {**RULE, "intent": "year", "keywords": ["when", "year"], "answer_label": None, "relation": "year"}
            | {"cypher": "MATCH (l:Language {name: $name}) RETURN l.year AS answer"},
            {**RULE, "intent": "about", "keywords": [], "fallback": True, "answer_label": None, "relation": "about"}
            | {"cypher": "MATCH (l:Language {name: $name}) RETURN l.name AS answer"},
        ]
    },
    "evaluate": {"test": "test.jsonl"},
}


def write_task(folder: Path, params: dict[str, Any] = PARAMS, csv: str = CSV) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "langs.csv").write_text(csv, encoding="utf-8")
    (folder / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return folder


def build(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        run_stage("build", ["--params", str(folder / "params.yaml")])
    except SystemExit as exit_:
        return int(exit_.code), capsys.readouterr().err
    return 0, capsys.readouterr().err


def with_(params: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``params`` deep-copied, ``value`` set at the dotted ``path`` (list indexes as numbers)."""
    return with_settings(params, {path: value})


UNTYPED = with_(PARAMS, "graph.builders.0.properties", {})  # for the tests of something else


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = write_task(tmp_path_factory.mktemp("langs"))
    run_stage("build", ["--params", str(folder / "params.yaml")])
    return folder


# 1. The SVG --------------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_svg_is_coloured_readable_escaped_and_its_edge_labels_do_not_overlap() -> None:
    answers = ["<b>Guido</b> & co", "Rob Pike", "Ken Thompson", "Robert Griesemer"]
    query = {"subject": "Go", "subject_label": "Language", "relation": "created by", "answer_label": "Person"}
    svg = subgraph_svg({"queries": [{**query, "answers": answers}]})
    assert "<b>" not in svg and "&lt;b&gt;Guido&lt;/b&gt; &amp; co" in svg
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}style") is None or "fill" in (root.find(f"{ns}style").text or "")
    boxes = [r for r in root.iter(f"{ns}rect")]
    assert boxes and all(r.get("fill") and r.get("fill") != "none" for r in boxes)
    assert boxes[0].get("fill") == "#ffffff"  # a white page of its own
    assert all(r.get("stroke") for r in boxes[1:])
    for group in root.iter(f"{ns}g"):
        rect, text = group.find(f"{ns}rect"), group.find(f"{ns}text")
        if rect is not None and text is not None:  # text on a box: contrast of at least 4.5:1 (WCAG AA)
            light, dark = sorted([_luminance(rect.get("fill")), _luminance(text.get("fill"))], reverse=True)
            assert (light + 0.05) / (dark + 0.05) >= 4.5
    labels = [t for g in root.iter(f"{ns}g") if g.get("class") == "edge" for t in g.iter(f"{ns}text")]
    assert len(labels) == len(answers)
    size = float(labels[0].get("font-size") or root.get("font-size") or 16)
    ys = sorted(float(t.get("y")) for t in labels)
    assert all(b - a >= size for a, b in zip(ys, ys[1:], strict=False))  # one line apart: no overlap


# 2. Rule mistakes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("cypher", "MATCH (l:Language {name: $name}) DETACH DELETE l", r"qa.rules\[0\].cypher: rule 'creator': DELETE"),
        ("cypher", "MATCH (l:Language) SET l.year = 1 RETURN l.name AS answer", "SET changes the graph"),
        ("cypher", "MERGE (l:Language {name: $name}) RETURN l.name AS answer", "MERGE"),
        ("answer", "{subject} by {creator}", r"qa.rules\[0\].answer: rule 'creator'.*\{creator\}"),
        ("answer", "{subject} {", "not a valid template"),
    ],
)
def test_a_writing_rule_or_an_unknown_answer_field_is_refused_by_the_params(key: str, value: str, message: str) -> None:
    with pytest.raises(ParamsError, match=message):
        validate(KgQaParams, with_(PARAMS, f"qa.rules.0.{key}", value), "params.yaml")


def test_words_in_strings_and_properties_are_no_write_clauses() -> None:
    cypher = "MATCH (l:Language {name: $name}) WHERE l.name <> 'DELETE me' RETURN l.set AS answer SKIP 0"
    validate(KgQaParams, with_(PARAMS, "qa.rules.0.cypher", cypher), "params.yaml")


def test_a_rule_that_fails_on_the_graph_fails_the_build_and_keeps_the_old_graph_and_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_task(tmp_path, UNTYPED)
    assert build(folder, capsys)[0] == 0
    bundle = (folder / "models/model/bundle.json").read_bytes()
    graph_files = {p.name: p.stat().st_mtime_ns for p in (folder / "data/graph").iterdir()}
    for cypher in ("MATCH (l:Language {name: $name} RETURN l.name AS answer", "MATCH (l:Lang) RETURN l.x AS answer"):
        write_task(folder, with_(UNTYPED, "qa.rules.1.cypher", cypher))
        code, err = build(folder, capsys)
        assert code == BAD_PARAMS and "qa.rules[1].cypher (rule 'year')" in err and "Traceback" not in err
    assert (folder / "models/model/bundle.json").read_bytes() == bundle
    assert {p.name: p.stat().st_mtime_ns for p in (folder / "data/graph").iterdir()} == graph_files
    assert not [p for p in (folder / "data").iterdir() if p.name != "graph"]  # no new graph left behind


# 3. Labels cross-checked with the schema ---------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "key"),
    [
        ("qa.rules.0.entity", "Lang", "qa.rules[0].entity (rule 'creator')"),
        ("qa.rules.0.answer_label", "People", "qa.rules[0].answer_label"),
        ("qa.rules.0.unless", ["Language", "Langauge"], "qa.rules[0].unless[1]"),
        ("qa.labels", ["Persons"], "qa.labels[0]"),
    ],
)
def test_a_label_the_schema_lacks_is_refused_naming_the_valid_ones(path: str, value: Any, key: str) -> None:
    with pytest.raises(ParamsError) as error:
        validate(KgQaParams, with_(PARAMS, path, value), "params.yaml")
    assert key in str(error.value) and "valid labels: Language, Person" in str(error.value)


# 4-6. records.v1: columns, typed properties, counts of builders of one name ---------------------


@pytest.mark.parametrize(
    ("path", "value", "column"),
    [
        ("graph.builders.0.properties", {"yr": "year"}, "'yr' (properties → year)"),
        ("graph.builders.0.relationships", {"creator": "created_by"}, "'creator' (relationships → created_by)"),
    ],
)
def test_a_mapped_column_the_file_lacks_fails_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str, value: Any, column: str
) -> None:
    code, err = build(write_task(tmp_path, with_(PARAMS, path, value)), capsys)
    assert code == BAD_INPUT and "graph.builders[0] (records.v1)" in err and column in err
    assert "its columns: 'name', 'year', 'score', 'open', 'creators'" in err


def test_typed_properties_are_converted_and_empty_cells_are_null(built: Path) -> None:
    predictor = Predictor.load(built / "models/model")
    try:
        rows = predictor.store.read("MATCH (l:Language) RETURN l.name AS n, l.year AS y, l.score AS s, l.open AS o")
    finally:
        predictor.close()
    assert sorted(rows, key=lambda r: r["n"]) == [
        {"n": "Go", "y": 2009, "s": None, "o": False},
        {"n": "Python", "y": 1991, "s": 9.5, "o": True},
    ]


def test_a_value_that_does_not_convert_names_file_row_column_and_property(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = build(write_task(tmp_path, csv=CSV.replace("2009", "2009?")), capsys)
    assert code == BAD_INPUT and "Traceback" not in err
    assert "langs.csv: row 2, column 'year' → Language.year (INT64): '2009?' is not an integer" in err


def test_builders_of_one_name_keep_their_own_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    second = {**PARAMS["graph"]["builders"][0], "relationships": {}, "properties": {}, "key_column": "creators"}
    first = UNTYPED["graph"]["builders"][0]
    folder = write_task(tmp_path, with_(UNTYPED, "graph.builders", [first, second]))
    assert build(folder, capsys)[0] == 0
    loaded = json.loads((folder / "metrics/graph.json").read_text(encoding="utf-8"))["loaded"]
    assert list(loaded) == ["records.v1", "records.v1#2"] and loaded["records.v1"]["created_by"] == 3


# 7. Entity linking -------------------------------------------------------------------------------


def test_linking_ignores_case_keeps_the_graph_spelling_and_respects_latin_words() -> None:
    linker = EntityLinker({"Language": ["Python", "Go", "Scala", "CT"], "Disease": ["百日咳", "咳嗽"]})

    def names(text: str) -> list[str]:
        return [m.name for m in linker.link(text)]

    assert names("who created python?") == ["Python"]
    assert names("PYTHON and go, GO!") == ["Python", "Go", "Go"]
    assert names("Gopher and Scalability, Go2") == []
    assert names("做CT检查") == ["CT"] and names("百日咳嗽") == ["百日咳"]  # Chinese: no word boundaries
    assert [(m.start, m.end) for m in linker.link("Straße go")] == [(7, 9)]  # offsets survive casefolding


# 8. Questions files ------------------------------------------------------------------------------


def test_junk_in_a_questions_file_is_refused_naming_each_line_and_the_fix(tmp_path: Path) -> None:
    lines = [
        {"id": 1, "question": "when was Go made?", "intents": ["year"], "answers": "2009"},
        {"id": 2, "question": "who made Go?", "intents": ["creater"], "answers": []},
        {"id": 2, "question": "Go?", "intents": [], "answers": [], "kind": "sigle"},
        {"id": 4, "question": "Go?", "intents": [], "answers": [], "kind": "out_of_scope"},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_questions(path, {"year", "creator"})
    message = str(error.value)
    assert f'{path}:1: "answers" must be a list of strings, got \'2009\' (e.g. ["2009"])' in message
    assert f"{path}:2: intent 'creater' is no rule's (qa.rules' intents: creator, year)" in message
    assert f"{path}:3: \"kind\" 'sigle' is not one of single, multi" in message
    assert f"{path}:3: id 2 is line 2's too" in message and f"{path}:4" not in message


# 9. Where the fallback fires ---------------------------------------------------------------------


class FakeStore:
    """Names per label and one answer per query: enough for the engine, no database."""

    def read(self, cypher: str, parameters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if "RETURN n.name AS name" in cypher:
            label = re.search(r"\(n:(\w+)\)", cypher).group(1)
            return [{"name": n} for n in {"Language": ["Python", "Go"], "Person": []}[label]]
        return [{"answer": f"{parameters['name']}!"}]


def test_the_fallback_fires_only_when_no_rule_fired_for_any_entity_and_queries_say_which_rule() -> None:
    qa = QAParams.model_validate(PARAMS["qa"])
    engine = QAEngine(FakeStore(), qa, ["Language", "Person"], [])
    both = engine.answer("when was Python made, and Go?")
    assert both["intents"] == ["year"] and [q["subject"] for q in both["queries"]] == ["Python", "Go"]
    assert [(q["rule"], q["keyword"]) for q in both["queries"]] == [(1, "when"), (1, "when")]
    alone = engine.answer("Python?")
    assert alone["intents"] == ["about"] and alone["queries"][0]["rule"] == 2
