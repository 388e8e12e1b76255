"""A small web site served on 127.0.0.1 (an ephemeral port) for the crawl tests, and the task
folder a crawl stage runs in (a task type of the tests' own, from task.code).

The site logs every request (path, time, User-Agent), so tests assert on what the crawler
fetched, when, and how it named itself.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import run_env

Page = tuple[int, dict[str, str], bytes]  # status, headers, body
Route = Callable[[str], Page | None]


@dataclass
class Hit:
    path: str
    time: float
    user_agent: str


@dataclass
class Site:
    base: str
    hits: list[Hit] = field(default_factory=list)
    delay_s: float = 0.0  # before each answer; a test may change it while the site is served

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def times(self, path: str) -> list[float]:
        return [hit.time for hit in self.hits if hit.path == path]


def html(body: str, status: int = 200, charset: str | None = "utf-8", encoding: str = "utf-8") -> Page:
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    return status, {"Content-Type": content_type}, body.encode(encoding)


def links(*hrefs: str) -> str:
    return "".join(f'<a href="{href}">{href}</a>\n' for href in hrefs)


@contextmanager
def serve(route: Route, delay_s: float = 0.0) -> Iterator[Site]:
    """Serve ``route(path) -> (status, headers, body)`` (None: 404), each answer after ``delay_s``."""
    site = Site(base="", delay_s=delay_s)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            with lock:
                site.hits.append(Hit(self.path, time.monotonic(), self.headers.get("User-Agent", "")))
            if site.delay_s:
                time.sleep(site.delay_s)
            page = route(self.path) or html("<h1>not found</h1>", status=404)
            status, headers, body = page
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the crawler gave up on a slow page, or the crawl was stopped
                pass

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


TASK_CODE = '''
"""A task type of the crawl tests' own: a crawl group and nothing else."""

from mtf_lib import registry
from mtf_lib.config import Section
from mtf_lib.crawl.params import CrawlParams
from mtf_lib.tasks.base import TaskType
from mtf_lib.tasks.sections import TaskParams


class CrawlTestParams(Section):
    task: TaskParams
    crawl: CrawlParams | None = None


registry.task_types.register(
    "crawl_test",
    TaskType(name="crawl_test", description="crawl only (tests)", params=CrawlTestParams, stages={}, predictor=None),
)
'''

# Fast and bounded for a local site: no politeness delays (nothing else is crawled).
FAST = {
    "download_delay_s": 0.0,
    "autothrottle": {"start_delay_s": 0.0, "max_delay_s": 0.5},
    "timeout_s": 5.0,
    "backoff_s": 0.1,
}


def make_task(folder: Path, crawl: dict[str, Any] | None, code: str = "") -> Path:
    """A task folder with the crawl stage script and params.yaml (``crawl`` group: ``crawl``)."""
    (folder / "code").mkdir(parents=True, exist_ok=True)
    (folder / "code" / "crawl_task.py").write_text(TASK_CODE + code, encoding="utf-8")
    params: dict[str, Any] = {"task": {"name": "crawl_test", "type": "crawl_test", "code": ["code/crawl_task.py"]}}
    if crawl is not None:
        params["crawl"] = crawl
    (folder / "params.yaml").write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def start_stage(task: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mtf_lib.stage", "crawl"],
        cwd=task,
        env=run_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_stage(task: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    proc = start_stage(task)
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def summary(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    import json

    line = next(line for line in result.stdout.splitlines() if line.startswith("crawl: "))
    return json.loads(line.removeprefix("crawl: "))


def items(task: Path) -> list[dict[str, Any]]:
    import json

    text = (task / "data" / "raw" / "items.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]
