"""The experiments of each task, kept between page views: read again through DVC only when the
repository's signature changes (a commit, an experiment, the queue, the workspace's files), and
at most every ``RUNNING_RECHECK_S`` while an experiment runs (its progress is in a temporary
copy of the repository that the signature does not cover). One read at a time per task.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from web.experiments.signature import repository_signature
from web.experiments.source import Experiment, TaskLayout, read_experiments

RUNNING_RECHECK_S = 5.0


@dataclass(frozen=True)
class Listing:
    layout: TaskLayout
    rows: list[Experiment]
    signature: tuple
    read_at: datetime
    read_s: float  # how long DVC took to read them
    read_clock: float  # time.monotonic() at the read

    @property
    def running(self) -> bool:
        return any(row.state == "running" for row in self.rows)

    @property
    def head(self) -> str:
        """The commit checked out (the workspace row's baseline)."""
        return next((row.baseline for row in self.rows if row.state == "workspace"), "")

    def find(self, key: str) -> Experiment | None:
        """The row whose id, full rev or name is ``key``."""
        return next((row for row in self.rows if key in (row.id, row.rev, row.name)), None)


class ExperimentStore:
    """One task's listing, cached on its repository's signature."""

    def __init__(self, layout: TaskLayout) -> None:
        self.layout = layout
        self._listing: Listing | None = None
        self._lock = threading.Lock()

    def listing(self) -> tuple[Listing, bool]:
        """The current listing, and whether it came from the cache."""
        signature = repository_signature(self.layout)
        cached = self._listing
        if self._fresh(cached, signature):
            return cached, True
        with self._lock:
            cached = self._listing  # another request may have read it meanwhile
            if self._fresh(cached, signature):
                return cached, True
            start = time.monotonic()
            rows = read_experiments(self.layout)
            now = time.monotonic()
            self._listing = Listing(self.layout, rows, signature, datetime.now(UTC), round(now - start, 3), now)
            return self._listing, False

    @staticmethod
    def _fresh(listing: Listing | None, signature: tuple) -> bool:
        if listing is None or listing.signature != signature:
            return False
        return not listing.running or time.monotonic() - listing.read_clock < RUNNING_RECHECK_S


class Stores:
    """An ExperimentStore per task folder, made on first use."""

    def __init__(self) -> None:
        self._stores: dict[Path, ExperimentStore] = {}
        self._lock = threading.Lock()

    def for_task(self, task_dir: Path) -> ExperimentStore:
        """NotInRepository when the task is not inside a DVC project."""
        with self._lock:
            store = self._stores.get(task_dir)
            if store is None:
                store = self._stores[task_dir] = ExperimentStore(TaskLayout.of(task_dir))
            return store
