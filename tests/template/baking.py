"""Generate tasks from this repository's template with cookiecutter's Python API, in temporary folders."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

from mtf_lib import registry
from mtf_lib.tasks.template import format_options
from tests.conftest import REPO, run, run_env  # noqa: F401 - run: the tests' one subprocess helper, re-exported

# The task types the template offers, from the registry (built-in ones: a plug-in's are tested by its package).
TASK_TYPES = tuple(name for name in registry.task_types.lazy_names() if registry.task_types.get(name).template)


def option_sets(task_type: str) -> list[str]:
    """The defaults, and each other answer of each option with the rest at their defaults."""
    options = registry.task_types.get(task_type).template_spec().options
    defaults = {name: option.default for name, option in options.items()}
    varied = [{**defaults, name: choice} for name, option in options.items() for choice in option.choices]
    return list(dict.fromkeys(format_options(values) for values in [defaults, *varied]))


# Every answer of the template's questions at least once: (task type, its options).
COMBINATIONS = [(task_type, options) for task_type in TASK_TYPES for options in option_sets(task_type)]
STAGES = ("preprocess", "dataset", "train", "evaluate")

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@localhost",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@localhost",
}


@contextlib.contextmanager
def baking_environment(config_dir: Path) -> Iterator[None]:
    """This venv's `dvc` and `python` first on PATH (the hooks and dvc.yaml call them), a git
    identity for the hooks' and tests' commits, and cookiecutter's replay files kept out of $HOME."""
    config = Path(config_dir, "config.yaml")
    config.write_text(f"cookiecutters_dir: {config_dir / 'templates'}\nreplay_dir: {config_dir / 'replay'}\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", run_env()["PATH"])
        patch.setenv("COOKIECUTTER_CONFIG", str(config))
        for name, value in GIT_IDENTITY.items():
            patch.setenv(name, os.environ.get(name, value))
        yield


def bake(output_dir: Path, **answers: str) -> Path:
    """The generated task folder (``output_dir/<task_slug>``); raises as cookiecutter does."""
    return Path(cookiecutter(str(REPO), no_input=True, output_dir=str(output_dir), extra_context=answers))


def git_dvc_repo(path: Path) -> Path:
    """A repository like this one: git with a first commit, DVC initialised."""
    path.mkdir(parents=True, exist_ok=True)
    run(["git", "init", "-q"], path)
    run(["dvc", "init", "-q"], path)
    commit_all(path, "init")
    return path


def commit_all(repo: Path, message: str) -> None:
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", message], repo)
