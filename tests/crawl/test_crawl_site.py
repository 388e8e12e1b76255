"""One crawl of a local site with every hazard a real one has: pagination, robots.txt, GBK
pages, redirect loops, 404 and 500 answers, a page slower than the timeout and an endless chain
of links. The stage runs as a subprocess (Scrapy's reactor starts once per process)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.crawl.site import FAST, Page, Site, html, items, links, make_task, run_stage, serve, summary

GBK_TITLE = "中文标题：北京欢迎你"
GB18030_TITLE = "元数据声明的编码 𠮷"  # 𠮷 is four bytes in GB18030, beyond GBK
SLOW_S = 3.0
TIMEOUT_S = 0.5
BACKOFF_S = 0.3
MAX_DEPTH = 4
MAX_REDIRECTS = 3


def item_page(title: str, tags: list[str]) -> str:
    spans = "".join(f'<span class="tag">{tag}</span>' for tag in tags)
    return f"<html><body><h1> {title} </h1>{spans}<p class='body'>text of {title}</p></body></html>"


def route(path: str) -> Page | None:
    if path == "/robots.txt":
        return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"
    if m := re.fullmatch(r"/list/(\d)", path):
        n = int(m[1])
        more = [f"/list/{n + 1}"] if n < 3 else []
        hazards = ["/private/secret", "/never/1", "/missing", "/error", "/slow", "/redirect/1", "/loop", "/trap/1"]
        pages = ["/gbk/header", "/gbk/meta", "/dup/a", "/dup/b"]
        own = [f"/item/{3 * (n - 1) + k}" for k in (1, 2, 3)]
        return html(f"<h1>list {n}</h1>" + links(*own, *more, *hazards, *pages))
    if m := re.fullmatch(r"/item/(\d+)", path):
        return html(item_page(f"Item {m[1]}", ["a", f"t{m[1]}"]))
    if path == "/gbk/header":  # the charset in the HTTP header alone
        return html(item_page(GBK_TITLE, ["甲"]), charset="gbk", encoding="gbk")
    if path == "/gbk/meta":  # no charset in the header: only <meta charset> says it
        body = f'<html><head><meta charset="gb18030"></head>{item_page(GB18030_TITLE, ["乙"])[6:]}'
        return html(body, charset=None, encoding="gb18030")
    if path in ("/dup/a", "/dup/b"):
        return html(item_page("Same page at two addresses", ["dup"]))
    if path == "/error":
        return html("<h1>server error</h1>", status=500)
    if path == "/slow":
        import time

        time.sleep(SLOW_S)
        return html(item_page("Too slow", []))
    if m := re.fullmatch(r"/redirect/(\d+)", path):
        return 302, {"Location": f"/redirect/{int(m[1]) + 1}"}, b""
    if path == "/loop":
        return 302, {"Location": "/loop"}, b""
    if m := re.fullmatch(r"/trap/(\d+)", path):
        return html(links(f"/trap/{int(m[1]) + 1}"))
    if path.startswith(("/private/", "/never/")):
        return html(item_page("Must not be fetched", []))
    return None


def crawl_params(site: Site, **overrides: Any) -> dict[str, Any]:
    return {
        "start_urls": [f"{site.base}/list/1"],
        "deny": ["/never/"],
        "items": "/(item|gbk|dup)/",
        "fields": {
            "title": {"css": "h1::text"},
            "tags": {"css": ".tag::text", "many": True},
            "body": {"xpath": "//p[@class='body']/text()"},
        },
        "max_depth": MAX_DEPTH,
        "max_redirects": MAX_REDIRECTS,
        "concurrency_per_domain": 4,
        **FAST,
        "timeout_s": TIMEOUT_S,
        "backoff_s": BACKOFF_S,
        **overrides,
    }


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Path, dict[str, Any]]]:
    with serve(route) as site:
        task = make_task(tmp_path_factory.mktemp("crawl"), crawl_params(site))
        result = run_stage(task)
        assert result.returncode == 0, result.stderr[-3000:]
        yield site, task, summary(result)


def test_pagination_reaches_every_item_page(crawled: tuple[Site, Path, dict[str, Any]]) -> None:
    site, task, done = crawled
    got = items(task)
    urls = [item["url"].removeprefix(site.base) for item in got]
    assert urls == sorted(urls), "the output is sorted by URL"
    assert set(urls) >= {f"/item/{n}" for n in range(1, 10)} | {"/gbk/header", "/gbk/meta"}
    first = next(item for item in got if item["url"].endswith("/item/1"))
    assert first == {"url": f"{site.base}/item/1", "title": "Item 1", "tags": ["a", "t1"], "body": "text of Item 1"}
    assert done["items"] == len(got) == 12 and done["resumed"] is False
    assert done["pages"] >= 12


def test_robots_txt_and_deny_are_obeyed(crawled: tuple[Site, Path, dict[str, Any]]) -> None:
    site, _, done = crawled
    assert "/robots.txt" in site.paths()
    assert not [p for p in site.paths() if p.startswith(("/private/", "/never/"))]
    assert done["errors"]["robots_forbidden"] == 1


def test_gbk_pages_are_decoded(crawled: tuple[Site, Path, dict[str, Any]]) -> None:
    site, task, _ = crawled
    by_url = {item["url"].removeprefix(site.base): item for item in items(task)}
    assert by_url["/gbk/header"]["title"] == GBK_TITLE and by_url["/gbk/header"]["tags"] == ["甲"]
    assert by_url["/gbk/meta"]["title"] == GB18030_TITLE and by_url["/gbk/meta"]["tags"] == ["乙"]
    raw = (task / "data" / "raw" / "items.jsonl").read_text(encoding="utf-8")
    assert GBK_TITLE in raw, "the output is UTF-8 text, not \\u escapes"


def test_redirect_loops_are_bounded(crawled: tuple[Site, Path, dict[str, Any]]) -> None:
    site, _, done = crawled
    chain = [p for p in site.paths() if p.startswith("/redirect/")]
    assert chain == [f"/redirect/{n}" for n in range(1, MAX_REDIRECTS + 2)]
    assert site.paths().count("/loop") == 1  # its redirect to itself is a seen URL
    assert done["errors"]["redirect_limit"] == 1


def test_404_is_not_retried_and_500_is_retried_with_backoff(crawled: tuple[Site, Path, dict[str, Any]]) -> None:
    site, _, done = crawled
    assert site.paths().count("/missing") == 1
    times = site.times("/error")
    assert len(times) == 1 + 2  # the default 2 retries
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert gaps[0] >= BACKOFF_S * 0.95 and gaps[1] >= 2 * BACKOFF_S * 0.95, gaps
    assert done["errors"]["http_404"] == 1 and done["errors"]["http_500"] == 1


def test_a_slow_page_times_out_and_the_crawl_goes_on(crawled: tuple[Site, Path, dict[str, Any]]) -> None:
    site, task, done = crawled
    assert site.paths().count("/slow") == 3 and done["errors"]["timeout"] == 1
    assert not [item for item in items(task) if item["url"].endswith("/slow")]


def test_endless_links_stop_at_max_depth(crawled: tuple[Site, Path, dict[str, Any]]) -> None:
    site, _, _ = crawled
    trap = [int(p.rsplit("/", 1)[1]) for p in site.paths() if p.startswith("/trap/")]
    assert max(trap) == MAX_DEPTH  # /list/1 (depth 0) links /trap/1 (depth 1)


def test_duplicate_items_are_dropped(crawled: tuple[Site, Path, dict[str, Any]]) -> None:
    _, task, done = crawled
    dups = [item for item in items(task) if "/dup/" in item["url"]]
    assert len(dups) == 1 and done["duplicates_dropped"] == 1


def test_the_user_agent_names_the_project(crawled: tuple[Site, Path, dict[str, Any]]) -> None:
    site, _, _ = crawled
    agents = {hit.user_agent for hit in site.hits}
    assert len(agents) == 1 and next(iter(agents)).startswith("mtf-crawler/"), agents


def test_max_pages_stops_an_endless_crawl(tmp_path: Path) -> None:
    with serve(route) as site:
        endless = {"start_urls": [f"{site.base}/trap/1"], "items": "/trap/", "fields": {"next": {"css": "a::text"}}}
        params = crawl_params(site, **endless, max_depth=1000, max_pages=5)
        result = run_stage(make_task(tmp_path, params))
    assert result.returncode == 0, result.stderr[-3000:]
    trap = [p for p in site.paths() if p.startswith("/trap/")]
    # 5 responses, robots.txt's among them; a page in flight when the count is reached may still land.
    assert 4 <= len(trap) <= 5, trap
    done = summary(result)
    assert done["finish_reason"] == "closespider_pagecount" and 5 <= done["pages"] <= 6


def test_a_crawl_without_items_fails_and_writes_nothing(tmp_path: Path) -> None:
    # A site that is down or a wrong selector: DVC must not record an empty crawl as done.
    with serve(route) as site:
        task = make_task(tmp_path, crawl_params(site, start_urls=[f"{site.base}/missing"]))
        result = run_stage(task)
    assert result.returncode == 3, result.stderr[-3000:]
    assert "crawl: no items from 2 pages (errors: {'http_404': 1})" in result.stderr
    assert "Traceback" not in result.stderr and not (task / "data" / "raw" / "items.jsonl").exists()


def test_a_field_that_matches_nothing_is_reported(tmp_path: Path) -> None:
    fields = {"title": {"css": "h1::text"}, "subtitle": {"css": "h2::text"}, "tags": {"css": "b", "many": True}}
    with serve(route) as site:
        params = crawl_params(site, start_urls=[f"{site.base}/item/1", f"{site.base}/item/2"], follow=[], fields=fields)
        result = run_stage(make_task(tmp_path, params))
    assert result.returncode == 0, result.stderr[-3000:]
    assert summary(result)["empty_fields"] == ["subtitle", "tags"]
    assert "warning: crawl.fields.subtitle is empty in all 2 items: check its selector" in result.stderr


USER_SPIDER = '''

import scrapy


@registry.spiders("titles.v1")
class TitleSpider(scrapy.Spider):
    """Each start page's title: a spider of the task's own code."""

    name = "titles"

    def __init__(self, params, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = params.start_urls

    def parse(self, response):
        yield {"url": response.url, "title": response.css("h1::text").get().strip(), "by": "titles.v1"}
'''


def test_a_spider_of_the_tasks_own_code(tmp_path: Path) -> None:
    with serve(route) as site:
        params = {"spider": "titles.v1", "start_urls": [f"{site.base}/item/2", f"{site.base}/item/1"], **FAST}
        task = make_task(tmp_path, params, code=USER_SPIDER)
        result = run_stage(task)
    assert result.returncode == 0, result.stderr[-3000:]
    assert items(task) == [{"url": f"{site.base}/item/{n}", "title": f"Item {n}", "by": "titles.v1"} for n in (1, 2)]
