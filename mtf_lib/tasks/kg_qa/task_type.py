"""The kg_qa task type: a knowledge graph built from data sets or a crawl (stages fetch or crawl,
then build), and question answering over it, scored on hand-written questions (evaluate)."""

from __future__ import annotations

from mtf_lib import registry
from mtf_lib.tasks.base import TaskType

KG_QA = TaskType(
    name="kg_qa",
    description="Knowledge-graph question answering: a graph (ladybug or Neo4j) and Cypher templates per intent",
    params="mtf_lib.tasks.kg_qa.params:KgQaParams",
    stages={
        "build": "mtf_lib.tasks.kg_qa.build:build",
        "evaluate": "mtf_lib.tasks.kg_qa.evaluate:evaluate",
    },
    predictor="mtf_lib.tasks.kg_qa.predictor:KgQaPredictor",
    api="mtf_lib.tasks.kg_qa.api:API",
    errors="mtf_lib.tasks.kg_qa.errors:analyse",  # metrics/errors.json
    components=("mtf_lib.graph.builders",),
    template="mtf_lib.tasks.kg_qa.template:TEMPLATE",
    pipeline="mtf_lib.tasks.kg_qa.pipeline:stages",  # its declared stages: mtf pipeline writes dvc.yaml
)
registry.task_types.register("kg_qa", KG_QA)
