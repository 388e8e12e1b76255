"""Property tests of the API: schemathesis generates requests from the OpenAPI document, and
hypothesis sends arbitrary texts through the real models. No request may get a 5xx."""

from __future__ import annotations

import json

import pytest
import schemathesis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.project import WebProject
from web import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FIXTURE_SAFE = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@pytest.fixture(scope="module")
def generated_requests(web_project: WebProject) -> st.SearchStrategy[schemathesis.Case]:
    """Requests that fit the OpenAPI document, and requests that break it, for every operation,
    against the trained tasks (an untrained one answers 503 by design)."""
    app = create_app(root=web_project.root, tasks=(".", "apps/demo_app/topics"), max_texts=8, max_text_chars=300)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return st.one_of(schema.as_strategy(GenerationMode.POSITIVE), schema.as_strategy(GenerationMode.NEGATIVE))


@given(data=st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURE_SAFE)
def test_generated_requests_get_documented_non_5xx_answers(
    generated_requests: st.SearchStrategy[schemathesis.Case], data: st.DataObject
) -> None:
    data.draw(generated_requests).call_and_validate(checks=CHECKS)


# Any text, Chinese-heavy: lone surrogates, controls, emoji and combining marks included.
TEXTS = st.text(
    alphabet=st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), st.characters()), max_size=120
)


@pytest.mark.parametrize("url", ["/api/v1/flagship/ner/predict", "/api/v1/demo_app/topics/predict"])
@given(texts=st.lists(TEXTS, min_size=1, max_size=6))
@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE_SAFE)
def test_any_texts_through_the_models(client: FlaskClient, url: str, texts: list[str]) -> None:
    response = client.post(url, data=json.dumps({"texts": texts}), content_type="application/json")
    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert len(results) == len(texts)
    for text, result in zip(texts, results, strict=True):
        for entity in result.get("entities", []):
            assert 0 <= entity["start"] < entity["end"] <= len(text)
            assert entity["text"] == text[entity["start"] : entity["end"]]
