"""The ``mtf`` command and the stage scripts' command lines: help, and errors a user can act on."""

from __future__ import annotations

import importlib.machinery
import os
import subprocess
import sys
import types
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


# --- the typer command line -----------------------------------------------------------------

COMMAND_OPTIONS = {
    "check": ["PARAMS", "--help"],
    "components": ["KIND", "--params", "--help"],
    "fetch": ["DATASETS", "--out", "--help"],
}


@pytest.mark.parametrize("command", sorted(COMMAND_OPTIONS))
def test_command_help_lists_options_and_an_example(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    from mtf_lib import cli

    assert cli.main([command, "--help"]) == 0  # returns, does not raise SystemExit
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: mtf {command} [OPTIONS]"), out
    for option in COMMAND_OPTIONS[command]:
        assert option in out
    assert f"Examples:\n    mtf {command}" in out, out


def test_unknown_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from mtf_lib import cli, registry

    assert cli.main(["components", "modles"]) == 2
    err = capsys.readouterr().err
    assert f"invalid choice: 'modles' (choose from {', '.join(map(repr, registry.ALL_KINDS))})" in err, err
    assert "Traceback" not in err


def test_help_and_usage_errors_do_not_import_rich(tmp_path: Path) -> None:
    """Plain help (rich_markup_mode=None): rich's formatting would double the time of ``mtf --help``."""
    code = (
        "import sys\n"
        "from mtf_lib import cli\n"
        "codes = [cli.main(['--help']), cli.main(['fetch', '--help']), cli.main(['components', 'modles'])]\n"
        "print(codes, 'rich' in sys.modules)\n"
    )
    proc = run([PYTHON, "-c", code], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[0, 0, 2] False"


def test_shell_completion(tmp_path: Path) -> None:
    # Without this variable typer detects the calling shell and ignores the one named.
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    proc = subprocess.run(
        [MTF, "--show-completion", "bash"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert "_MTF_COMPLETE=complete_bash" in proc.stdout
    assert "complete -o default -F _mtf_completion mtf" in proc.stdout

    # What the script asks for: the candidates for `mtf components mo<TAB>`.
    env = {**os.environ, "_MTF_COMPLETE": "complete_bash", "COMP_WORDS": "mtf components mo", "COMP_CWORD": "2"}
    proc = subprocess.run([MTF], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert sorted(proc.stdout.split()) == ["model", "models"]


def test_components_params_loads_task_code_once_plugins_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mtf_lib import cli

    params = tmp_path / "params.yaml"
    params.write_text("task: {}\n", encoding="utf-8")
    # Today there is no mtf_lib.plugins: the option changes nothing.
    assert cli.main(["components", "loss", "--params", str(params)]) == 0
    assert capsys.readouterr().out.startswith("losses:\n")

    loaded: list[Path] = []
    plugins = types.ModuleType("mtf_lib.plugins")
    plugins.__spec__ = importlib.machinery.ModuleSpec("mtf_lib.plugins", None)
    plugins.load_task_code = loaded.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mtf_lib.plugins", plugins)
    assert cli.main(["components", "loss", "--params", str(tmp_path / "missing.yaml")]) == 0
    assert loaded == []  # only an existing file is loaded
    assert cli.main(["components", "loss", "--params", str(params)]) == 0
    assert loaded == [params]
