"""The predict pipeline, once for the REST API and the demo pages: the request limits, the model,
the run, and the errors a client can act on (413 over a limit, 422 input the model cannot take,
503 no model or a database gone)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from web.catalog import LoadedModel, ModelUnavailable, Task


class PredictError(Exception):
    """What the client gets instead of results: an HTTP status and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Prediction:
    loaded: LoadedModel
    results: list[dict[str, Any]]


def predict(task: Task, spec: Any, body: Any, name: Callable[[int, str], str], limits: Any) -> Prediction:
    """``spec.run`` on a validated ``body`` with the task's current model; ``name(n, field)``
    names the n-th text of the request in a message; ``limits``: the web settings."""
    limited = body.limited_texts()  # the request type says which of its fields are texts
    problem = over_limits([text for _, text in limited], lambda n: name(n, limited[n][0]), limits)
    if problem:
        raise PredictError(413, problem)
    try:
        loaded = task.model()
    except ModelUnavailable as error:
        raise PredictError(503, str(error)) from error
    from mtf_lib.errors import InputError, ServiceError

    try:
        return Prediction(loaded, spec.run(loaded.predictor, body))
    except InputError as error:  # the model cannot take this input (a text over its length limit)
        raise PredictError(422, str(error)) from error
    except ServiceError as error:  # a database the model reads went away
        raise PredictError(503, str(error)) from error


def over_limits(texts: list[str], item: Callable[[int], str], limits: Any) -> str | None:
    """What breaks the request limits (``item(n)`` names the n-th text), or None."""
    if len(texts) > limits.max_texts:
        return f"{len(texts)} items in one request (texts, questions, pairs); the limit is {limits.max_texts}"
    for n, text in enumerate(texts):
        if len(text) > limits.max_text_chars:
            return f"{item(n)} has {len(text)} characters; the limit is {limits.max_text_chars}: split it"
    return None
