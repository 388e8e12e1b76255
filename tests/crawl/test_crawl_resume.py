"""Kill and resume: a crawl stopped by SIGINT continues where it stopped, and its output equals
an uninterrupted crawl's, byte for byte; one killed hard (SIGKILL) starts over to the whole output."""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path
from typing import Any

from tests.crawl.site import FAST, Page, Site, html, items, links, make_task, run_stage, serve, start_stage, summary

DELAY_S = 0.1  # each answer: slow enough to stop the crawl in the middle


def route(path: str) -> Page | None:
    if path == "/robots.txt":
        return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
    if m := re.fullmatch(r"/list/(\d+)", path):
        n = int(m[1])
        more = [f"/list/{n + 1}"] if n < 4 else []
        return html(f"<h1>list {n}</h1>" + links(*[f"/item/{n}-{k}" for k in range(1, 6)], *more))
    if m := re.fullmatch(r"/item/(\d+-\d+)", path):
        return html(f"<h1>Item {m[1]}</h1><p>第{m[1]}条</p>")
    return None


def params(site: Site) -> dict[str, Any]:
    fields = {"title": {"css": "h1::text"}, "text": {"css": "p::text"}}
    start = [f"{site.base}/list/1"]
    return {"start_urls": start, "items": "/item/", "fields": fields, "concurrency_per_domain": 1, **FAST}


def item_hits(site: Site) -> int:
    return sum("/item/" in hit.path for hit in site.hits)


def feed_lines(task: Path) -> int:
    feed = task / "data" / "crawl_job" / "items.part.jsonl"
    return feed.read_bytes().count(b"\n") if feed.is_file() else 0


def test_an_interrupted_crawl_resumes_to_the_same_output(tmp_path: Path) -> None:
    with serve(route, delay_s=DELAY_S) as site:
        whole = make_task(tmp_path / "whole", params(site))
        done = run_stage(whole)
        assert done.returncode == 0, done.stderr[-3000:]
        assert summary(done)["items"] == 20 and summary(done)["resumed"] is False
        site.hits.clear()

        task = make_task(tmp_path / "stopped", params(site))
        proc = start_stage(task)
        deadline = time.monotonic() + 30
        while item_hits(site) < 6 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err[-3000:]
        assert "crawl interrupted; run it again to resume" in err
        assert not (task / "data" / "raw" / "items.jsonl").exists(), "only a finished crawl writes the output"
        state = json.loads((task / "data" / "crawl_job" / "state.json").read_text(encoding="utf-8"))
        # Stopped gracefully: every page fetched so far is in the feed.
        assert state["finished"] is False and 6 <= feed_lines(task) == item_hits(site) < 20

        again = run_stage(task)
        assert again.returncode == 0, again.stderr[-3000:]
        resumed = summary(again)
        assert resumed["resumed"] is True and resumed["runs"] == 2 and resumed["items"] == 20
        # Resuming fetched what was left (and robots.txt anew), not the whole site again.
        assert len(site.hits) <= 25 + 1, site.paths()
    assert (task / "data" / "raw" / "items.jsonl").read_bytes() == (whole / "data" / "raw" / "items.jsonl").read_bytes()
    # A finished crawl keeps only its state: the next run starts clean (test_crawl_job.py).
    state = json.loads((task / "data" / "crawl_job" / "state.json").read_text(encoding="utf-8"))
    assert state["finished"] is True and not (task / "data" / "crawl_job" / "scrapy").exists()


WIDE = 400  # links on one page: more fingerprints than Scrapy's buffered requests.seen holds unwritten


def wide_route(path: str) -> Page | None:
    if path == "/robots.txt":
        return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
    if path == "/wide":
        return html("<h1>index</h1>" + links(*[f"/item/{k}" for k in range(WIDE)]))
    if m := re.fullmatch(r"/item/(\d+)", path):
        time.sleep(0.01)
        return html(f"<h1>Item {m[1]}</h1>")
    return None


def test_a_hard_killed_crawl_starts_over_to_the_whole_output(tmp_path: Path) -> None:
    with serve(wide_route) as site:
        crawl = {
            **params(site),
            "start_urls": [f"{site.base}/wide"],
            "concurrency_per_domain": 8,
            "autothrottle": {"enabled": False},
        }
        task = make_task(tmp_path, crawl)
        proc = start_stage(task)
        deadline = time.monotonic() + 30
        while item_hits(site) < 10 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.kill()  # SIGKILL: Scrapy cannot save its queue of pending requests
        proc.communicate(timeout=30)
        seen = task / "data" / "crawl_job" / "scrapy" / "requests.seen"
        # The start URL is among the seen requests on disk, its links in no saved queue: resumed
        # as it is, the crawl would end at once with the few items fetched.
        assert seen.stat().st_size > 0 and item_hits(site) < WIDE
        again = run_stage(task)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "killed before Scrapy saved its queue; starting again" in again.stderr
    assert summary(again)["items"] == WIDE and summary(again)["resumed"] is False
    assert sorted(item["title"] for item in items(task)) == sorted(f"Item {k}" for k in range(WIDE))
