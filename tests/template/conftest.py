"""Template tests: the environment that generation, hooks and DVC subprocesses see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.template.baking import baking_environment


@pytest.fixture(scope="session", autouse=True)
def template_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with baking_environment(tmp_path_factory.mktemp("cookiecutter")):
        yield
