"""The ``mtf`` command and the stages' command lines (``mtf stage <name>``): help, and errors a user can act on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run as run_command

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MTF = str(Path(PYTHON).parent / "mtf")
STAGES = ("fetch", "preprocess", "dataset", "teacher", "baseline", "train", "evaluate", "build", "crawl")
BAD_PARAMS = 2


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_command(cmd, cwd, timeout=300, check=False)


def test_mtf_help(tmp_path: Path) -> None:
    proc = run([MTF, "--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    for command in ("check", "components", "fetch"):
        assert command in proc.stdout


def test_help_does_not_import_torch(tmp_path: Path) -> None:
    """``mtf --help`` and a stage's ``--help`` answer at once: neither torch nor transformers is imported."""
    code = (
        "import sys\n"
        "from mtf_lib import cli\n"
        "for argv in (['--help'], ['stage', 'train', '--help'], ['pipeline', '--help']):\n"
        "    assert cli.main(argv) == 0\n"
        "print('torch' in sys.modules or 'transformers' in sys.modules)\n"
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
    proc = run([MTF, "stage", "train", "--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "--params" in proc.stdout
    for option in ("--data", "--checkpoints", "--bundle", "--no-progress"):
        assert option in proc.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_stages_help_lists_the_paths_it_reads_and_writes(tmp_path: Path) -> None:
    """In a task folder, each stage's --help shows the path options its declared stage uses."""
    proc = run([MTF, "stage", "evaluate", "--help", "--params", str(ROOT / "params.yaml")], tmp_path)
    assert proc.returncode == 0, proc.stderr
    for option in ("--bundle", "--metrics", "--preprocessed"):
        assert option in proc.stdout
    for option in ("--checkpoints", "--crawl-job", "--raw", "--teacher", "--datasets"):
        assert option not in proc.stdout


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage_has_help(stage: str, tmp_path: Path) -> None:
    proc = run([MTF, "stage", stage, "--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "--params" in proc.stdout
    assert f"Run the {stage} stage" in proc.stdout


# --- the typer command line -----------------------------------------------------------------

COMMAND_OPTIONS = {
    "check": ["PARAMS", "--resolved", "--help"],
    "components": ["KIND", "--params", "--help"],
    "fetch": ["DATASETS", "--out", "--help"],
    "pipeline": ["TASKS", "--check", "--help"],
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


USER_READER = """
from mtf_lib import registry


@registry.readers("{name}", task_type="tagging")
def pipe_reader():
    \"\"\"A team's own format: char|tag per line.\"\"\"
    return lambda path, scheme: iter(())
"""


def test_components_lists_a_tasks_own_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mtf_lib import cli

    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "readers.py").write_text(USER_READER.format(name="pipe_cli.v1"), encoding="utf-8")
    params = tmp_path / "params.yaml"
    params.write_text("task: {name: t, type: tagging, code: [code/readers.py]}\n", encoding="utf-8")
    assert cli.main(["components", "readers", "--params", str(params)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("readers:\n") and "pipe_cli.v1" in out and "A team's own format" in out
    assert "conll.v1" in out


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        (None, "task.code code/readers.py: no such file"),
        (
            "raise RuntimeError('no network here')",
            "task.code code/readers.py failed to import: RuntimeError: no network",
        ),
    ],
)
def test_broken_task_code_is_a_clear_error_and_exit_2(tmp_path: Path, code: str | None, problem: str) -> None:
    if code is not None:
        (tmp_path / "code").mkdir()
        (tmp_path / "code" / "readers.py").write_text(code, encoding="utf-8")
    text = (
        (ROOT / "params.yaml")
        .read_text(encoding="utf-8")
        .replace("  type: tagging", "  type: tagging\n  code: [code/readers.py]")
    )
    (tmp_path / "params.yaml").write_text(text, encoding="utf-8")
    for command in (["components", "--params", "params.yaml"], ["check"]):
        proc = run([MTF, *command], tmp_path)
        assert proc.returncode == BAD_PARAMS, (command, proc.stdout, proc.stderr)
        assert problem in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_check_resolved_prints_the_filled_params_which_validate_again(tmp_path: Path) -> None:
    proc = run([MTF, "check", "--resolved", str(ROOT / "params.yaml")], tmp_path)
    assert proc.returncode == 0, proc.stderr
    import yaml

    filled = yaml.safe_load(proc.stdout)
    assert filled["model"]["unk_dropout"] == 0.0  # a default the file does not write
    assert filled["train"]["optimizer"] == {"name": "adam.v1", "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert filled["task"]["code"] == [] and filled["train"]["callbacks"][0] == {
        "name": "early_stopping.v1",
        "patience": 8,
    }
    (tmp_path / "params.yaml").write_text(proc.stdout, encoding="utf-8")
    again = run([MTF, "check", "--resolved", "params.yaml"], tmp_path)
    assert again.returncode == 0, again.stderr
    assert yaml.safe_load(again.stdout) == filled


def test_mtf_stage_help_without_a_stage_is_the_commands_help(tmp_path: Path) -> None:
    for flag in ("--help", "-h"):
        proc = run([MTF, "stage", flag], tmp_path)
        assert proc.returncode == 0 and "Usage: mtf stage" in proc.stdout, proc.stderr
    assert run([PYTHON, "-m", "mtf_lib.stage", "--help"], tmp_path).returncode == 0


def test_help_of_a_stage_the_task_does_not_declare_is_refused(tmp_path: Path) -> None:
    proc = run([MTF, "stage", "baseline", "--help", "--params", str(ROOT / "params.yaml")], tmp_path)
    assert proc.returncode == BAD_PARAMS
    assert (
        "this task declares no stage 'baseline'; its stages: fetch, preprocess, dataset, train, evaluate" in proc.stderr
    )
