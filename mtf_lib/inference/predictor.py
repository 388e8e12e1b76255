"""``Predictor.load(path).predict(texts)``: one line from a bundle to predictions."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Self

from mtf_lib.inference.bundle import read_bundle_meta


class Predictor(ABC):
    """Base of the task types' predictors; ``load`` picks the right one from the bundle."""

    def __init__(self, directory: Path | None, meta: dict[str, Any]) -> None:
        self.directory = directory
        self.meta = meta

    @staticmethod
    def load(path: str | Path) -> Predictor:
        from mtf_lib import registry

        meta = read_bundle_meta(path)  # imports the task code the bundle's model needs
        task_type = registry.task_types.get(meta["task_type"])
        task_type.load_components()  # its models and heads, without every other task type's
        return task_type.predictor_class()(Path(path), meta)

    @classmethod
    def for_model(cls, meta: dict[str, Any], *parts: Any) -> Self:
        """The predictor of a model in memory, with the meta its bundle will have: the train stage
        scores dev through it, so dev and test take one prediction path. ``parts``: the model and
        what reads its inputs and outputs, as the type's ``use`` takes them."""
        predictor = cls.__new__(cls)
        Predictor.__init__(predictor, None, meta)
        predictor.use(*parts)
        return predictor

    def use(self, *parts: Any) -> None:
        """Take a loaded model and its parts (``for_model``); a type without it has no in-memory predictor."""
        raise NotImplementedError(f"{type(self).__name__} has no predictor of a model in memory")

    @property
    @abstractmethod
    def labels(self) -> list[str]:
        """What the model can output: entity types for tagging, class labels for classification."""

    @abstractmethod
    def predict(self, inputs: list[Any], *, batch_size: int = 64) -> list[Any]:
        """One result per input, in the task type's own shape; the model runs ``batch_size``
        inputs at a time (a task type whose inputs are answered one by one ignores it)."""

    def close(self) -> None:  # noqa: B027 - an optional hook: most predictors hold nothing open
        """Release what the predictor holds open (a graph database handle); a no-op for most types."""

    def __enter__(self) -> Predictor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
