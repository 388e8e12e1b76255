"""The ``mtf`` command and the stage scripts' command lines: help, and errors a user can act on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MTF = str(Path(PYTHON).parent / "mtf")
STAGES = sorted(p.stem for p in (ROOT / "stages").glob("*.py"))
BAD_PARAMS = 2


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_mtf_help(tmp_path: Path) -> None:
    proc = run([MTF, "--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    for command in ("check", "components", "fetch"):
        assert command in proc.stdout


def test_help_does_not_import_torch(tmp_path: Path) -> None:
    """``mtf --help`` and a stage's ``--help`` answer at once: torch is not imported for them."""
    code = (
        "import runpy, sys\n"
        "from mtf_lib import cli\n"
        "for call in (lambda: cli.main(['--help']),\n"
        f"             lambda: runpy.run_path({str(ROOT / 'stages' / 'train.py')!r}, run_name='__main__')):\n"
        "    sys.argv = ['train.py', '--help']\n"
        "    try:\n"
        "        call()\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, exc.code\n"
        "print('torch' in sys.modules)\n"
    )
    proc = run([PYTHON, "-c", code], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "False"


def test_check_missing_file(tmp_path: Path) -> None:
    proc = run([MTF, "check", "missing.yaml"], tmp_path)
    assert proc.returncode == BAD_PARAMS
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: missing.yaml:"), proc.stderr
    assert "file not found" in proc.stderr
    assert "run from the task folder" in proc.stderr
    assert proc.stdout == ""


def test_check_defaults_to_params_yaml_in_current_folder(tmp_path: Path) -> None:
    proc = run([MTF, "check"], tmp_path)
    assert proc.returncode == BAD_PARAMS
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: params.yaml:"), proc.stderr
    assert "file not found" in proc.stderr


def test_train_stage_help(tmp_path: Path) -> None:
    proc = run([PYTHON, str(ROOT / "stages" / "train.py"), "--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "--params" in proc.stdout
    for option in ("--data", "--checkpoints", "--bundle", "--no-progress"):
        assert option in proc.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_has_help(stage: str, tmp_path: Path) -> None:
    proc = run([PYTHON, str(ROOT / "stages" / f"{stage}.py"), "--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "--params" in proc.stdout
    assert f"{stage.capitalize()} stage" in proc.stdout  # the script's docstring is its description
