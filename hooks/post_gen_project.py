"""cookiecutter post-generation hook: copy the task type's sample data set, write dvc.yaml from
the stages the task type declares (`mtf pipeline`), set up git and DVC where the task is not
inside a repository yet, check that the `mtf` the stages run is on PATH, and print the next
steps. Runs in the generated task folder.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

# Rendered by cookiecutter (URL-encoded: see pre_gen_project.py).
TASK_TYPE = unquote("{{ cookiecutter.task_type | urlencode }}")


def copy_task_type_files(task_type: str) -> None:
    """The task type's sample data set (its registered template's) becomes data/sample/*."""
    from mtf_lib import registry

    registry.task_types.get(task_type).template_spec().copy_files(Path.cwd())


def write_pipeline() -> None:
    """dvc.yaml from the stages the task type declares for the generated params."""
    from mtf_lib.pipeline.dvc_yaml import write

    write(Path.cwd())


def run(*cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True)


def inside_git_work_tree() -> bool:
    if not shutil.which("git"):
        return False
    return run("git", "rev-parse", "--is-inside-work-tree").stdout.strip() == "true"


def dvc_root() -> Path | None:
    """The enclosing DVC project (a parent holding .dvc/), as DVC itself finds it."""
    here = Path.cwd().resolve()
    return next((p for p in (here, *here.parents) if (p / ".dvc").is_dir()), None)


def dvc_command() -> list[str] | None:
    """`dvc` on PATH, else the DVC installed beside cookiecutter (an unactivated virtualenv)."""
    if shutil.which("dvc"):
        return ["dvc"]
    return [sys.executable, "-m", "dvc"] if importlib.util.find_spec("dvc") else None


def dvc_init(*flags: str) -> list[str]:
    dvc = dvc_command()
    if not dvc:
        return ["dvc is not installed here: `pip install dvc`, then run `dvc init` in this folder"]
    result = run(*dvc, "init", "-q", *flags)
    if result.returncode != 0:
        return [f"`dvc init {' '.join(flags)}` failed: {result.stderr.strip()}"]
    return []


def set_up_repository() -> tuple[str, list[str]]:
    """(what was done, problems). Inside a repository the task joins it: no nested git or DVC."""
    if inside_git_work_tree():
        root = dvc_root()
        if root:
            return f"joined the DVC project at {root}", []
        # A git repository without DVC: a DVC project of its own inside this folder only.
        return "initialised a DVC project in this folder (dvc init --subdir)", dvc_init("--subdir")
    if not shutil.which("git"):
        return "no git repository", ["git is not installed: install it, then run `git init && dvc init` here"]
    init = run("git", "init", "-q")
    if init.returncode != 0:
        return "no git repository", [f"`git init` failed: {init.stderr.strip()}"]
    problems = dvc_init()
    return "initialised a git repository and a DVC project in this folder", problems or first_commit()


def first_commit() -> list[str]:
    """dvclive (the train stage's logger) fails in a git repository without any commit."""
    run("git", "add", "-A")
    commit = run("git", "commit", "-q", "-m", "New mtf task from the template")
    if commit.returncode != 0:
        return [f"`git commit` failed ({commit.stderr.strip()}): commit once before `dvc repro`"]
    return []


def mtf_problem() -> str | None:
    """dvc.yaml's stages run `mtf stage <name>`: the `mtf` on PATH must be this environment's."""
    if shutil.which("mtf"):
        return None
    return (
        f"`mtf` is not on PATH (it is installed beside {sys.executable}): activate that environment "
        "before `dvc repro` (dvc.yaml runs `mtf stage <name>`)"
    )


def metrics_files() -> list[str]:
    """The metrics files this task's dvc.yaml declares (a kg_qa task has no dev.json)."""
    import yaml

    stages = yaml.safe_load(Path("dvc.yaml").read_text(encoding="utf-8"))["stages"]
    files = [next(iter(m)) if isinstance(m, dict) else m for stage in stages.values() for m in stage.get("metrics", [])]
    return [f for f in files if not f.startswith("metrics/train/")] or files


def main() -> int:
    copy_task_type_files(TASK_TYPE)
    write_pipeline()
    done, problems = set_up_repository()
    library = mtf_problem()
    if library:
        problems.append(library)
    task = Path.cwd()
    print(f"\nmtf: created the {TASK_TYPE} task {task.name} in {task} ({done}).")
    for problem in problems:
        print(f"warning: {problem}")
    print("\nNext steps:")
    print(f"  cd {task}")
    print("  mtf check params.yaml     # validate the params")
    print("  dvc repro                 # run the pipeline on the sample data in data/sample/")
    if "joined" in done:  # inside a bigger project: a bare `dvc metrics show` lists every task's
        print(f"  dvc metrics show {' '.join(metrics_files())}   # this task's scores")
    else:
        print("  dvc metrics show          # scores")
    print("  git add . && git commit   # before `dvc exp run --queue`: the queue stashes away untracked files")
    print('Then use your own data: README.md, "Use your own data".\n')
    return 0


if __name__ == "__main__":
    sys.exit(main())
