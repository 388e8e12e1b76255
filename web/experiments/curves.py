"""Per-epoch training curves of an experiment: the dvclive TSV files under the task's
metrics/train/, as committed in the experiment's own commit (read from git's objects, so the
workspace is never touched), or the workspace's files for the workspace row.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from mtf_lib.plots import LIVE_SERIES, live_points, read_live_series
from web.experiments.signature import git_dir
from web.experiments.source import HAS_RESULTS, WORKSPACE, Experiment, TaskLayout

Series = dict[str, list[tuple[float, float]]]


def experiment_curves(layout: TaskLayout, experiment: Experiment) -> Series:
    """``{metric: [(epoch, value), ...]}``; empty for a run that has none (queued, failed). A running
    experiment's are read from where it runs, so far."""
    if experiment.rev == WORKSPACE:
        return read_live_series(layout.root / layout.live_dir)
    if experiment.state == "running":
        return running_curves(layout, experiment.workdir)
    if experiment.state not in HAS_RESULTS:
        return {}
    return dict(curves_at(str(layout.root), layout.live_dir, experiment.rev))


def running_curves(layout: TaskLayout, workdir: str | None) -> Series:
    """The live files in the run's folder: a copy of the git repository (or the workspace itself)."""
    git = git_dir(layout.root)
    if workdir is None or git is None:
        return {}
    try:
        return read_live_series(Path(workdir) / layout.root.relative_to(git.parent) / layout.live_dir)
    except (OSError, ValueError, KeyError):  # the run rewrote or removed a file meanwhile
        return {}


@lru_cache(maxsize=512)
def curves_at(root: str, live_dir: str, rev: str) -> tuple[tuple[str, list[tuple[float, float]]], ...]:
    """The curves committed at ``rev`` (a commit never changes, so they are cached by it)."""
    from scmrepo.git import Git

    scm = Git(root)
    try:
        prefix = Path(root).resolve().relative_to(Path(scm.root_dir).resolve()).as_posix()
        folder = "/".join(p for p in (prefix, live_dir, LIVE_SERIES.as_posix()) if p not in ("", "."))
        fs = scm.get_fs(rev)
        try:
            names = sorted(name for name in fs.ls(folder, detail=False) if name.endswith(".tsv"))
        except FileNotFoundError:
            return ()
        series = []
        for name in names:
            metric = Path(name).stem
            series.append((metric, live_points(fs.read_text(name, encoding="utf-8"), metric)))
        return tuple(series)
    finally:
        scm.close()
