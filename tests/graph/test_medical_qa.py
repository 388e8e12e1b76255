"""Question answering on the medical graph, built by the real fetch and build stages: answers
equal to the CSV's cells, honest "I don't know"s, several intents in one question, and Cypher
injection that changes nothing (nodes and relationships counted before and after)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from mtf_lib.inference import Predictor
from tests.graph.kg_project import built_medical_kg

INJECTIONS = [
    '百日咳"}) MATCH (n) DETACH DELETE n //的症状',
    "百日咳'}) MATCH (n) DETACH DELETE n //有什么症状",
    "肺气肿\\'}) DETACH DELETE d // 不能吃什么",
    "}) MATCH (n) DETACH DELETE n // 是什么病",
    "$name'; MATCH (n) SET n.name = 'x' //",
    "CREATE (x:Disease {name: '假病'}) RETURN x",
    "百日咳` RETURN 1 UNION MATCH (n) DETACH DELETE n RETURN 1 //",
    '\\"\\\\ 咳嗽可能是什么病"',
]


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_medical_kg(tmp_path_factory.mktemp("kg"))


@pytest.fixture(scope="module")
def predictor(task: Path) -> Predictor:
    loaded = Predictor.load(task / "models" / "model")
    yield loaded
    loaded.close()


def cells(task: Path, disease: str, column: str) -> list[str]:
    path = task / "resources" / "datasets" / "kg_medical" / "medical_data_21diseases.csv"
    row = next(r for r in csv.DictReader(path.open(encoding="utf-8")) if r["疾病名称"] == disease)
    return list(dict.fromkeys(item.strip() for item in row[column].split(",") if item.strip()))


def ask(predictor: Predictor, question: str) -> dict:
    return predictor.predict([question])[0]


def test_the_build_counts_what_it_loaded(task: Path, predictor: Predictor) -> None:
    graph = json.loads((task / "metrics" / "graph.json").read_text(encoding="utf-8"))
    assert graph["nodes"] == predictor.store.counts()["nodes"] > 20_000  # the dictionaries' names
    described = predictor.store.read("MATCH (d:Disease) WHERE d.description IS NOT NULL RETURN count(d) AS n")
    assert described == [{"n": 21}]


def test_a_symptom_question_gets_the_csv_cell_items(task: Path, predictor: Predictor) -> None:
    result = ask(predictor, "百日咳有哪些症状？")
    assert result["intents"] == ["disease_symptom"] and result["known"]
    assert set(result["answers"]) == set(cells(task, "百日咳", "症状"))
    (query,) = result["queries"]
    assert query["parameters"] == {"name": "百日咳"} and "$name" in query["cypher"]


def test_reverse_questions_and_negation(task: Path, predictor: Predictor) -> None:
    assert ask(predictor, "琥乙红霉素片能治什么病")["answers"] == ["百日咳"]
    not_food = ask(predictor, "得了肺气肿不能吃什么")
    assert not_food["intents"] == ["disease_not_food"]
    assert set(not_food["answers"]) == set(cells(task, "肺气肿", "不可以吃"))
    do_food = ask(predictor, "肺气肿吃什么好")
    assert do_food["intents"] == ["disease_do_food"]
    assert set(do_food["answers"]) == set(cells(task, "肺气肿", "可以吃") + cells(task, "肺气肿", "推荐吃"))


def test_two_intents_in_one_question(task: Path, predictor: Predictor) -> None:
    result = ask(predictor, "百日咳有什么症状，要做哪些检查？")
    assert set(result["intents"]) == {"disease_symptom", "disease_check"}
    assert set(result["answers"]) == set(cells(task, "百日咳", "症状") + cells(task, "百日咳", "检查"))


@pytest.mark.parametrize(
    ("question", "recognised", "says"),
    [
        ("今天天气怎么样？", [], "没有我认识的"),
        ("Zorblax-9片有什么副作用", [], "没有我认识的"),
        ("百日咳和考试有什么关系", ["百日咳"], "百日咳"),  # the fallback: what it is
        ("后发性白内障有什么症状", ["后发性白内障"], "图中没有后发性白内障的症状"),
    ],
)
def test_unknowns_get_an_honest_answer_naming_what_was_recognised(
    predictor: Predictor, question: str, recognised: list[str], says: str
) -> None:
    result = ask(predictor, question)
    assert [e["name"] for e in result["entities"]] == recognised
    assert says in result["answer"]
    if not recognised or "图中没有" in says:
        assert not result["known"] and result["answers"] == []


def test_injected_cypher_changes_nothing_and_never_reaches_the_statement(predictor: Predictor) -> None:
    before = predictor.store.counts()
    rules = {rule.cypher for rule in predictor.engine.params.rules}
    for question in INJECTIONS:
        result = ask(predictor, question)
        for query in result["queries"]:
            assert query["cypher"] in rules  # the rule's statement, verbatim: the question is no part of it
            assert set(query["parameters"]) == {"name"}
    assert predictor.store.counts() == before
    assert ask(predictor, INJECTIONS[0])["answers"] == ask(predictor, "百日咳的症状")["answers"]
