"""Serve the flagship bundle with gunicorn for the web benchmarks, and time HTTP requests to it."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from _common import ROOT

BUNDLE = ROOT / "models" / "model"
SHORT_TEXT = "张伟毕业于北京大学，现任华为公司工程师。"
PREDICT_PATH = "/api/v1/flagship/ner/predict"
WORKERS = 2  # one per core
APP = "web:create_app(preload=True, torch_threads=1)"  # one torch thread per worker: no oversubscription


def require_bundle() -> None:
    if not (BUNDLE / "bundle.json").is_file():
        sys.exit(f"no flagship bundle at {BUNDLE.relative_to(ROOT)}: run `make demo` (or `dvc pull`) first")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers: int = WORKERS, tasks: str = ".") -> Iterator[int]:
    """gunicorn on 127.0.0.1 serving the task folders ``tasks`` (MTF_WEB_TASKS: paths from the
    repository root, os.pathsep between them); yields the port once it answers."""
    port = free_port()
    venv_bin = Path(sys.executable).parent
    command = [str(venv_bin / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning", APP]
    env = {**os.environ, "MTF_WEB_ROOT": str(ROOT), "MTF_WEB_TASKS": tasks}
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start (exit {server.returncode})")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def request(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if payload else {}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def predict_once(port: int, text: str = SHORT_TEXT) -> tuple[float, bool]:
    """Seconds for one predict request of one text, and whether it succeeded with entities."""
    start = time.perf_counter()
    status, data = request(port, "POST", PREDICT_PATH, {"texts": [text]})
    seconds = time.perf_counter() - start
    ok = status == 200 and bool(json.loads(data)["results"][0]["entities"])
    return seconds, ok


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]
