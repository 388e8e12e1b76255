"""A small site of disease pages (two GB-encoded) and the kg_qa task that crawls it: params with
a ``crawl`` group, a ``records.v1`` builder over the crawled items, QA rules and hand-written
questions. What tests/crawl/test_crawl_kg_pipeline.py runs through ``dvc repro``."""

from __future__ import annotations

import re
from typing import Any

from tests.crawl.site import FAST, Page, html, links

# name, cause, symptoms, department, the page's encoding (None: UTF-8, declared in the header)
DISEASES = [
    ("感冒", "病毒感染", ["发热", "咳嗽", "流鼻涕"], "呼吸内科", None),
    ("肺炎", "细菌或病毒感染", ["发热", "咳嗽", "胸痛"], "呼吸内科", None),
    ("胃炎", "幽门螺杆菌感染", ["胃痛", "恶心"], "消化内科", "gbk"),  # charset in the header
    ("糖尿病", "胰岛素分泌不足", ["多饮", "多尿", "消瘦"], "内分泌科", "gb2312"),  # only <meta> says it
    ("高血压", "遗传与生活方式", ["头痛", "头晕"], "心血管内科", None),
]
LISTS = [[1, 2, 3], [4, 5]]  # /diseases/<n> lists these /disease/<id> pages


def route(path: str) -> Page | None:
    if path == "/robots.txt":
        return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /admin/\n"
    if m := re.fullmatch(r"/diseases/(\d)", path):
        n = int(m[1])
        if not 1 <= n <= len(LISTS):
            return None
        pages = [f"/disease/{i}" for i in LISTS[n - 1]]
        more = [f"/diseases/{n + 1}"] if n < len(LISTS) else ["/diseases/1"]
        return html("<h1>疾病列表</h1>" + links(*pages, *more, "/admin/stats"))
    if m := re.fullmatch(r"/disease/(\d)", path):
        index = int(m[1]) - 1
        return disease_page(*DISEASES[index]) if 0 <= index < len(DISEASES) else None
    return None


def disease_page(name: str, cause: str, symptoms: list[str], department: str, encoding: str | None) -> Page:
    items = "".join(f'<li class="symptom">{s}</li>' for s in symptoms)
    body = (
        f'<h1>{name}</h1><p class="cause">{cause}</p><ul>{items}</ul>'
        f'<span class="department">{department}</span>' + links("/diseases/1")
    )
    if encoding == "gb2312":
        head = '<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        return html(f"<html>{head}<body>{body}</body></html>", charset=None, encoding="gb2312")
    return html(f"<html><body>{body}</body></html>", charset=encoding or "utf-8", encoding=encoding or "utf-8")


def crawl_params(base: str, max_pages: int = 50) -> dict[str, Any]:
    return {
        "start_urls": [f"{base}/diseases/1"],
        "follow": [r"/diseases/\d+$", r"/disease/\d+$"],
        "items": r"/disease/\d+$",
        "fields": {
            "name": {"css": "h1::text"},
            "cause": {"css": ".cause::text"},
            "symptoms": {"css": "li.symptom::text", "many": True},
            "department": {"xpath": "//span[@class='department']/text()"},
        },
        "max_pages": max_pages,
        **FAST,
    }


SCHEMA = {
    "nodes": {
        "Disease": {"key": "name", "properties": {"cause": "STRING"}},
        "Symptom": {"key": "name"},
        "Department": {"key": "name"},
    },
    "relationships": {
        "has_symptom": {"source": "Disease", "target": "Symptom"},
        "belongs_to": {"source": "Disease", "target": "Department"},
    },
}

BUILDER = {
    "name": "records.v1",
    "source": "data/raw/items.jsonl",  # the crawl stage's output
    "format": "jsonl",
    "label": "Disease",
    "key_column": "name",
    "properties": {"cause": "cause"},
    "relationships": {"symptoms": "has_symptom", "department": "belongs_to"},
}


def rule(intent: str, entity: str, keywords: list[str], cypher: str, answer: str, **more: Any) -> dict[str, Any]:
    return {"intent": intent, "entity": entity, "keywords": keywords, "cypher": cypher, "answer": answer, **more}


RULES = [
    rule(
        "disease_symptom",
        "Disease",
        ["症状", "表现"],
        "MATCH (d:Disease {name: $name})-[:has_symptom]->(x:Symptom) RETURN x.name AS answer",
        "{subject}的症状包括：{answers}。",
        relation="症状",
        answer_label="Symptom",
    ),
    rule(
        "disease_cause",
        "Disease",
        ["病因", "原因", "为什么"],
        "MATCH (d:Disease {name: $name}) RETURN d.cause AS answer",
        "{subject}的病因：{answers}",
        relation="病因",
    ),
    rule(
        "disease_department",
        "Disease",
        ["科", "挂号"],
        "MATCH (d:Disease {name: $name})-[:belongs_to]->(x:Department) RETURN x.name AS answer",
        "{subject}属于：{answers}。",
        relation="科室",
        answer_label="Department",
    ),
    rule(
        "symptom_disease",
        "Symptom",
        ["什么病", "哪些病"],
        "MATCH (d:Disease)-[:has_symptom]->(x:Symptom {name: $name}) RETURN d.name AS answer",
        "{subject}可能与这些疾病有关：{answers}。",
        relation="可能的疾病",
        answer_label="Disease",
        unless=["Disease"],
    ),
]

# Hand-written; the GB-encoded pages (胃炎, 糖尿病) and the second list page (高血压) are asked about.
QUESTIONS = [
    {"question": "感冒有哪些症状？", "intents": ["disease_symptom"], "answers": ["发热", "咳嗽", "流鼻涕"]},
    {"question": "胃炎是什么原因引起的", "intents": ["disease_cause"], "answers": ["幽门螺杆菌感染"]},
    {"question": "得了糖尿病会有什么表现", "intents": ["disease_symptom"], "answers": ["多饮", "多尿", "消瘦"]},
    {"question": "高血压应该挂哪个科", "intents": ["disease_department"], "answers": ["心血管内科"]},
    {"question": "一直咳嗽可能是什么病", "intents": ["symptom_disease"], "answers": ["感冒", "肺炎"]},
    {"question": "今天天气怎么样", "intents": [], "answers": [], "kind": "out_of_scope"},
]


def kg_params(base: str, max_pages: int = 50) -> dict[str, Any]:
    """params.yaml of the kg_qa task crawling the site at ``base`` (its port is known only once served)."""
    return {
        "task": {"name": "disease_kg", "type": "kg_qa"},
        "crawl": crawl_params(base, max_pages),
        "graph": {"backend": "ladybug", "path": "data/graph", "schema": SCHEMA, "builders": [BUILDER]},
        "qa": {"rules": RULES},
        "evaluate": {"test": "data/questions/test.jsonl"},
    }
