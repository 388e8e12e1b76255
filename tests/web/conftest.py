"""Web test fixtures: one trained project per session, and the app over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.template.baking import baking_environment
from tests.web.project import WebProject, build_web_project
from web import create_app


@pytest.fixture(scope="session")
def web_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebProject]:
    with baking_environment(tmp_path_factory.mktemp("cookiecutter")):
        yield build_web_project(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="session")
def app(web_project: WebProject) -> Flask:
    return create_app(root=web_project.root, max_texts=8, max_text_chars=300)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()
