"""The experiments repository (built once per session: about 40 s on 2 cores) and an app over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.template.baking import baking_environment
from tests.web.experiments.repo import ExperimentsRepo, build_experiments_repo
from web import create_app


@pytest.fixture(scope="session")
def experiments_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExperimentsRepo]:
    with baking_environment(tmp_path_factory.mktemp("cookiecutter")):
        yield build_experiments_repo(tmp_path_factory.mktemp("experiments"))


@pytest.fixture(scope="session")
def experiments_app(experiments_repo: ExperimentsRepo) -> Flask:
    return create_app(root=experiments_repo.root)


@pytest.fixture()
def client(experiments_app: Flask) -> FlaskClient:
    return experiments_app.test_client()
