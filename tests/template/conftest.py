"""Template tests: the environment that generation, hooks and DVC subprocesses see."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_env

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@localhost",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@localhost",
}


@pytest.fixture(scope="session", autouse=True)
def template_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """This venv's `dvc` and `python` first on PATH (the hooks and dvc.yaml call them), a git
    identity for the hooks' and tests' commits, and cookiecutter's replay files kept out of $HOME."""
    config_dir = tmp_path_factory.mktemp("cookiecutter")
    config = Path(config_dir, "config.yaml")
    config.write_text(f"cookiecutters_dir: {config_dir / 'templates'}\nreplay_dir: {config_dir / 'replay'}\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", run_env()["PATH"])
        patch.setenv("COOKIECUTTER_CONFIG", str(config))
        for name, value in GIT_IDENTITY.items():
            patch.setenv(name, os.environ.get(name, value))
        yield
