"""Serving a kg_qa bundle: the graph opened read-only, the QA engine over it; one answer per
question (the answer in words, what was recognised, the Cypher and parameters that ran)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from mtf_lib.graph.qa.engine import QAEngine
from mtf_lib.graph.qa.rules import QAParams
from mtf_lib.graph.store import open_store
from mtf_lib.inference import Predictor


class KgQaPredictor(Predictor):
    def __init__(self, directory: Path, meta: dict[str, Any]) -> None:
        super().__init__(directory, meta)
        # The ladybug path is relative to the bundle; open_store resolves it against the folder given.
        self.store = open_store(SimpleNamespace(**meta["graph"]), Path(directory), read_only=True)
        self.engine = QAEngine(
            self.store, QAParams.model_validate(meta["qa"]), list(meta["schema"]["nodes"]), meta.get("deny_words", [])
        )

    @property
    def labels(self) -> list[str]:
        return sorted({rule.intent for rule in self.engine.params.rules})

    def predict(self, inputs: list[str], *, batch_size: int = 64) -> list[dict[str, Any]]:
        """Each question's answer; questions are answered one by one (``batch_size`` is unused)."""
        if isinstance(inputs, str):
            raise TypeError("predict() takes a list of questions, not one string")
        return [self.engine.answer(question) for question in inputs]

    def close(self) -> None:
        self.store.close()
