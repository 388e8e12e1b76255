"""A cheap fingerprint of everything an experiments listing depends on: git's HEAD and refs
(experiments are refs under refs/exps; the queue's stash and failed lists too), the queue's
own state files, and the task's params and metrics in the workspace. Stats only — no git or
DVC call — so checking it on every page view costs well under a millisecond.
"""

from __future__ import annotations

import os
from pathlib import Path

from web.experiments.source import TaskLayout

# Under .dvc/tmp/exps: the queue's messages, task results and executor infos change when an
# experiment is queued, starts, ends or is removed. Its cache/ is written by reading (skipped),
# and its temporary run folders hold whole repository copies.
QUEUE_STATE = ("celery/broker/in", "celery/broker/processed", "celery/result", "run")
WORKSPACE_FILES = ("params.yaml", "dvc.lock")

Entry = tuple[str, int, int]  # (path, mtime_ns, size)


def git_dir(root: Path) -> Path | None:
    """The .git folder of the repository holding ``root`` (a worktree's ``.git`` file is followed)."""
    for candidate in (root, *root.parents):
        dot_git = candidate / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            target = dot_git.read_text(encoding="utf-8").removeprefix("gitdir:").strip()
            return (candidate / target).resolve()
    return None


def repository_signature(layout: TaskLayout) -> tuple[Entry, ...]:
    """Changes whenever a commit, an experiment, the queue or the task's workspace files change."""
    entries: list[Entry] = []
    git = git_dir(layout.root)
    if git is not None:
        head = git / "HEAD"
        entries.append(("HEAD:" + _read(head), 0, 0))
        target = _read(head).removeprefix("ref:").strip()
        if target and target != _read(head):
            entries.append(_stat(git / target))
        entries.append(_stat(git / "packed-refs"))
        entries += _walk(git / "refs" / "exps")
        entries += _walk(git / "logs" / "refs" / "exps")  # the queue: a stash whose reflog lists queued runs
    exps = layout.root / ".dvc" / "tmp" / "exps"
    for folder in QUEUE_STATE:
        entries += _walk(exps / folder)
    task = layout.root / layout.folder
    entries += [_stat(task / name) for name in WORKSPACE_FILES]
    entries += [_stat(layout.root / name) for name in (layout.dev_file, layout.test_file)]
    entries += _walk(layout.root / layout.live_dir)
    return tuple(entries)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _stat(path: Path) -> Entry:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_mtime_ns, stat.st_size)


def _walk(folder: Path) -> list[Entry]:
    """(path, mtime, size) of every file and folder under ``folder`` (a folder's mtime changes
    when an entry is added or removed)."""
    found: list[Entry] = []
    stack = [str(folder)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    stat = entry.stat(follow_symlinks=False)
                    found.append((entry.path, stat.st_mtime_ns, stat.st_size))
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
        except OSError:
            continue
    return sorted(found)
