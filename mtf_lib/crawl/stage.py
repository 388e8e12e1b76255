"""The crawl stage (shared by every task type): run the ``crawl`` params' spider once, in this
process, and write its items to ``data/raw/items.jsonl``.

Scrapy's reactor starts once per process, so the stage script's process runs one crawl. SIGINT
or SIGTERM stops it gracefully (Scrapy finishes the requests in flight) and the next run resumes
from ``data/crawl_job``; after a hard kill it starts over (job.py says why). Only a finished
crawl with at least one item writes the output, once, atomically: an empty crawl (a site down, a
wrong selector) is an error, so DVC does not record it as done.
"""

from __future__ import annotations

import sys
from typing import Any

from mtf_lib import registry
from mtf_lib.config import ParamsError
from mtf_lib.crawl.job import Job, empty_fields, finalize
from mtf_lib.crawl.middlewares import ERRORS
from mtf_lib.crawl.params import CrawlParams
from mtf_lib.crawl.pipelines import DUPLICATES
from mtf_lib.crawl.settings import crawl_settings
from mtf_lib.errors import CodeError, InputError
from mtf_lib.layout import StagePaths

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
    if job.restarted:
        print("crawl: the last run was killed before Scrapy saved its queue; starting again", file=sys.stderr)
    pages_left = crawl.max_pages - job.state["pages"]
    stats = run_crawl(crawl, job, pages_left) if pages_left > 0 else {"finish_reason": "closespider_pagecount"}
    reason = stats.get("finish_reason")
    if reason is None and "start_time" not in stats:
        raise CodeError(f"spider {crawl.spider!r} did not start: see the log above", crawl.spider)
    pages = stats.get("response_received_count", 0)  # as max_pages counts them: robots.txt included
    duplicates = stats.get(DUPLICATES, 0)
    if reason in (None, "shutdown"):  # None: a second signal forced the stop, the queue unsaved
        job.record_run(pages, duplicates, errors_of(stats), finished=False, closed=reason is not None)
        raise KeyboardInterrupt
    items, dropped = finalize(job.feed, paths.raw / OUTPUT)
    job.record_run(pages, duplicates + dropped, errors_of(stats), finished=True)
    state = job.state
    if items == 0:
        (paths.raw / OUTPUT).unlink()
        raise InputError(
            f"crawl: no items from {state['pages']} pages (errors: {state['errors'] or 'none'}); check that the"
            " site is up and crawl.start_urls, crawl.follow, crawl.items and crawl.fields match its pages"
        )
    empty = empty_fields(paths.raw / OUTPUT, crawl.fields)
    for name in empty:
        print(f"warning: crawl.fields.{name} is empty in all {items} items: check its selector", file=sys.stderr)
    return {
        "pages": state["pages"],
        "items": items,
        "empty_fields": empty,
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
