"""The crawl's job folder (``data/crawl_job``, a DVC out with ``persist: true``) and its output.

It holds Scrapy's JOBDIR (pending requests, seen fingerprints), the feed the running crawl
appends to, and ``state.json``: the params' fingerprint, whether the crawl finished, whether
Scrapy closed cleanly, and the pages and errors of the runs so far. A folder from other params,
or from a finished crawl, is cleared so a new crawl starts clean; an interrupted one is resumed.

Scrapy writes its queue of pending requests only when it closes, while the seen fingerprints are
appended as it goes. After a hard kill (SIGKILL, a second Ctrl-C) the folder lists pages as seen
whose links were never followed: resuming would "finish" a partial crawl, so it starts over.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mtf_lib.crawl.pipelines import item_key
from mtf_lib.io import atomic_write, write_json


class Job:
    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.scrapy_dir = folder / "scrapy"
        self.feed = folder / "items.part.jsonl"
        self.state_file = folder / "state.json"
        self.state: dict[str, Any] = {}
        self.restarted = False  # an interrupted crawl that cannot be resumed was started over

    def prepare(self) -> bool:
        """Resume an interrupted crawl of the same params (True), else start clean (False)."""
        state = self._read_state()
        resumable = state.get("fingerprint") == self.fingerprint and state.get("finished") is False
        if resumable and state.get("closed") is not True:
            self.restarted, resumable = True, False
        if not resumable:
            shutil.rmtree(self.folder, ignore_errors=True)
            state = {"fingerprint": self.fingerprint, "finished": False, "runs": 0, "pages": 0, "duplicates": 0}
            state["errors"] = {}
        self.folder.mkdir(parents=True, exist_ok=True)
        drop_torn_line(self.feed)  # a hard kill: the feed appended to must end with a whole line
        state["closed"] = False  # until record_run: a run killed before it stays False
        self.state = state
        self._write_state()
        return resumable

    def record_run(
        self, pages: int, duplicates: int, errors: Mapping[str, int], finished: bool, closed: bool = True
    ) -> None:
        """Add one run's counts; ``closed``: Scrapy saved its queue (not after a forced stop). A
        finished crawl's Scrapy state and feed are no longer needed."""
        self.state["runs"] += 1
        self.state["pages"] += pages
        self.state["duplicates"] += duplicates
        self.state["errors"] = dict(Counter(self.state["errors"]) + Counter(errors))
        self.state["finished"] = finished
        self.state["closed"] = closed
        if finished:
            shutil.rmtree(self.scrapy_dir, ignore_errors=True)
            self.feed.unlink(missing_ok=True)
        self._write_state()

    def _read_state(self) -> dict[str, Any]:
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    def _write_state(self) -> None:
        write_json(self.state_file, self.state)


def drop_torn_line(path: Path) -> None:
    """Cut a last line that a hard kill left without its newline."""
    if not path.is_file():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with path.open("r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)


def finalize(feed: Path, output: Path) -> tuple[int, int]:
    """Write ``output`` once, atomically, from the feed: unreadable (torn) lines and duplicate
    items dropped, items sorted by URL, so a resumed crawl's output equals an uninterrupted
    one's. Returns (items kept, duplicates dropped)."""
    items = []
    if feed.is_file():
        for line in feed.read_bytes().split(b"\n"):
            try:
                item = json.loads(line)
            except ValueError:
                continue  # empty, or torn by a hard kill
            if isinstance(item, dict):
                items.append(item)
    # The first in URL order is kept of items with the same fields: the same, whatever the order of fetching.
    items.sort(key=lambda item: (str(item.get("url", "")), json.dumps(item, sort_keys=True, ensure_ascii=False)))
    kept, seen = [], set()
    for item in items:
        key = item_key(item)
        if key not in seen:
            seen.add(key)
            kept.append(item)
    with atomic_write(output, "w") as handle:
        for item in kept:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    return len(kept), len(items) - len(kept)


def empty_fields(output: Path, names: Iterable[str]) -> list[str]:
    """The fields of ``names`` that the items have but that are empty (null, "" or []) in every
    one: most likely a selector that matches nothing on the site."""
    names = list(names)
    present, filled = set(), set()
    with output.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            present.update(name for name in names if name in item)
            filled.update(name for name in names if item.get(name) not in (None, "", []))
    return sorted(present - filled)
