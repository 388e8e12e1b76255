"""Smoke test of this task: its params are valid and `dvc repro` runs every stage of its dvc.yaml
(the ones you add too) on a short slice of its data.

Run from the task folder: ``pytest tests``. The pipeline runs in a temporary copy of the task, so
the task's own data/, models/ and metrics/ (DVC's outputs) are left alone. The file name holds
the app and task slugs so that the tests of several tasks can run in one pytest session.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from mtf_lib import registry
from mtf_lib.config import read_yaml
from mtf_lib.params import load_params

TASK = Path(__file__).resolve().parents[1]


def smoke_overrides() -> dict:
    """The task type's params overrides for a quick run (a slice, few epochs): enough to show
    that every stage works, not to train a good model."""
    params = load_params(TASK / "params.yaml")
    try:
        return registry.task_types.get(params.task.type).template_spec().smoke
    except LookupError:  # a task type without a template: the whole run
        return {}


def test_params_are_valid() -> None:
    load_params(TASK / "params.yaml")  # raises ParamsError naming each bad key


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout}\n{result.stderr}"
    return result


def copy_task(root: Path) -> Path:
    """The task without its outputs, at ``root``/project/<its path in its checkout>, with what its
    deps reach outside the task (the mtf_lib of the checkout it lives in) linked beside it."""
    stages = yaml.safe_load((TASK / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    outs = {next(iter(o)) if isinstance(o, dict) else o for s in stages.values() for o in s.get("outs", [])}
    # A fresh run: no outputs, no lock file, and none of the git or DVC data of a task that is its own repository.
    outs |= {"models", "metrics", ".pytest_cache", "dvc.lock", ".git", ".dvc"}
    raw = read_yaml(TASK / "params.yaml")
    deps = [resolved(d, raw) for s in stages.values() for d in s.get("deps", [])]
    outside = [Path(os.path.normpath(TASK / d)) for d in deps if d.startswith("..")]
    home = Path(os.path.commonpath([TASK, *outside])) if outside else TASK
    project = root / "project"  # the copy of `home`: the task, or the checkout holding it
    copy = project / TASK.relative_to(home)
    shutil.copytree(TASK, copy, ignore=lambda folder, names: [n for n in names if _rel(folder, n) in outs])
    for top in {p.relative_to(home).parts[0] for p in outside}:
        (project / top).symlink_to(home / top)
    return copy


def resolved(dep: str, params: dict) -> str:
    """A dep with its ``${key}`` references replaced by the params' values (a teacher's bundle in
    another task, say), as DVC reads it."""

    def value(match: re.Match) -> str:
        node = params
        for key in match.group(1).split("."):
            node = node[key]
        return str(node)

    return re.sub(r"\$\{\s*([\w.]+)\s*\}", value, dep)


def _rel(folder: str, name: str) -> str:
    return (Path(folder) / name).relative_to(TASK).as_posix()


def test_every_stage_runs(tmp_path: Path) -> None:
    copy = copy_task(tmp_path)
    params = read_yaml(copy / "params.yaml")
    for group, values in smoke_overrides().items():
        params[group].update(values)
    (copy / "params.yaml").write_text(json.dumps(params, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    for cmd in (["git", "init", "-q"], ["dvc", "init", "-q"], ["git", "add", "-A"]):
        run(cmd, tmp_path)
    run(["git", "-c", "user.name=smoke", "-c", "user.email=smoke@localhost", "commit", "-qm", "smoke"], tmp_path)
    out = run(["dvc", "repro"], copy).stdout
    stages = yaml.safe_load((copy / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    assert all(f"Running stage '{name}'" in out for name in stages), out
    scores = json.loads((copy / "metrics" / "eval.json").read_text(encoding="utf-8"))
    assert scores["test"], scores
