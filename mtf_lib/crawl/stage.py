"""The crawl stage (shared by every task type): run the ``crawl`` params' spider once, in this
process, and write its items to ``data/raw/items.jsonl``.

Scrapy's reactor starts once per process, so the stage script's process runs one crawl. SIGINT
or SIGTERM stops it gracefully (Scrapy finishes the requests in flight) and the next run resumes
from ``data/crawl_job``; only a finished crawl writes the output, once, atomically.
"""

from __future__ import annotations

from typing import Any

from mtf_lib import registry
from mtf_lib.config import ParamsError
from mtf_lib.crawl.job import Job, finalize
from mtf_lib.crawl.middlewares import ERRORS
from mtf_lib.crawl.params import CrawlParams
from mtf_lib.crawl.pipelines import DUPLICATES
from mtf_lib.crawl.settings import crawl_settings
from mtf_lib.errors import CodeError
from mtf_lib.stage import StagePaths

HTTP_ERRORS = "httperror/response_ignored_status_count/"  # final responses a spider was not given
OUTPUT = "items.jsonl"


def crawl_stage(params: Any, paths: StagePaths) -> dict[str, Any]:
    crawl = getattr(params, "crawl", None)
    if crawl is None:
        raise ParamsError(
            str(params.task.folder / "params.yaml"),
            ["crawl: the crawl stage needs a crawl group (start_urls, fields, ...), or remove the stage from dvc.yaml"],
        )
    job = Job(paths.crawl_job, crawl.fingerprint())
    resumed = job.prepare()
    pages_left = crawl.max_pages - job.state["pages"]
    stats = run_crawl(crawl, job, pages_left) if pages_left > 0 else {"finish_reason": "closespider_pagecount"}
    reason = stats.get("finish_reason")
    if reason is None and "start_time" not in stats:
        raise CodeError(f"spider {crawl.spider!r} did not start: see the log above", crawl.spider)
    pages = stats.get("response_received_count", 0)  # as max_pages counts them: robots.txt included
    duplicates = stats.get(DUPLICATES, 0)
    if reason in (None, "shutdown"):  # None: a second signal forced the stop
        job.record_run(pages, duplicates, errors_of(stats), finished=False)
        raise KeyboardInterrupt
    items, dropped = finalize(job.feed, paths.raw / OUTPUT)
    job.record_run(pages, duplicates + dropped, errors_of(stats), finished=True)
    state = job.state
    return {
        "pages": state["pages"],
        "items": items,
        "duplicates_dropped": state["duplicates"],
        "errors": dict(sorted(state["errors"].items())),
        "resumed": resumed,
        "runs": state["runs"],
        "finish_reason": reason,
    }


def run_crawl(params: CrawlParams, job: Job, pages_left: int) -> dict[str, Any]:
    """One crawl with the spider the params name; its Scrapy stats."""
    from scrapy.crawler import CrawlerProcess

    spider = registry.spiders.get(params.spider)
    process = CrawlerProcess(crawl_settings(params, job.scrapy_dir, job.feed, pages_left))
    crawler = process.create_crawler(spider)
    process.crawl(crawler, params=params)
    process.start()
    return dict(crawler.stats.get_stats())


def errors_of(stats: dict[str, Any]) -> dict[str, int]:
    """Requests that failed for good, by kind: robots_forbidden, timeout, http_404, ..."""
    errors = {}
    for key, value in stats.items():
        if key.startswith(ERRORS):
            errors[key.removeprefix(ERRORS)] = value
        elif key.startswith(HTTP_ERRORS):
            errors["http_" + key.removeprefix(HTTP_ERRORS)] = value
    return errors
