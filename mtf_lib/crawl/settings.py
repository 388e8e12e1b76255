"""Scrapy settings of a crawl, from its params: bounds, politeness, the job folder and the feed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtf_lib.crawl.params import CrawlParams

MIDDLEWARES = "mtf_lib.crawl.middlewares."
MERGED = ("ITEM_PIPELINES", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS")  # added to, not replaced


def crawl_settings(params: CrawlParams, jobdir: Path, feed: Path, pages_left: int) -> dict[str, Any]:
    """Settings for one run; ``pages_left``: max_pages less the pages an interrupted run fetched."""
    throttle = params.autothrottle
    settings: dict[str, Any] = {
        "USER_AGENT": params.user_agent,
        "ROBOTSTXT_OBEY": params.obey_robots,
        "CLOSESPIDER_PAGECOUNT": pages_left,
        "DEPTH_LIMIT": params.max_depth,
        "DOWNLOAD_TIMEOUT": params.timeout_s,
        "RETRY_TIMES": params.retries,
        "MTF_RETRY_BACKOFF": params.backoff_s,
        "DOWNLOAD_DELAY": params.download_delay_s,
        "AUTOTHROTTLE_ENABLED": throttle.enabled,
        "AUTOTHROTTLE_START_DELAY": throttle.start_delay_s,
        "AUTOTHROTTLE_MAX_DELAY": throttle.max_delay_s,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": throttle.target_concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": params.concurrency_per_domain,
        "REDIRECT_MAX_TIMES": params.max_redirects,
        # The cookie middleware's tldextract downloads the public-suffix list on first use: a
        # crawl must reach no address but the sites it crawls. Nor listen on any port: the
        # telnet console and the remote control (an HTTP server running the Python code it is
        # sent, on by default since Scrapy 2.19, writing its token under the user's profile).
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,
        # Breadth first, oldest first: pages near the start are fetched before max_pages ends it.
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "JOBDIR": str(jobdir),  # the pending requests and seen fingerprints: resume
        "FEEDS": {feed.resolve().as_uri(): {"format": "jsonlines", "encoding": "utf-8", "overwrite": False}},
        "FEED_STORE_EMPTY": True,
        "ITEM_PIPELINES": {"mtf_lib.crawl.pipelines.DropDuplicates": 300},
        "DOWNLOADER_MIDDLEWARES": {
            MIDDLEWARES + "FailureStats": 540,
            MIDDLEWARES + "RetryBackoff": 560,
            MIDDLEWARES + "RedirectLimitStats": 610,
        },
        "LOG_LEVEL": "INFO",
    }
    for name, value in params.settings.items():
        # A user's pipeline must not silently drop the stage's duplicate filter (None disables one).
        settings[name] = {**settings.get(name, {}), **value} if name in MERGED and isinstance(value, dict) else value
    return settings
