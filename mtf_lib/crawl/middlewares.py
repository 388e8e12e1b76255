"""Downloader middlewares of the crawl stage: back-off between retries, and counts of the
failures the summary reports (by kind), taken where each is final."""

from __future__ import annotations

import re
from typing import Any

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

ERRORS = "mtf/errors/"  # stats prefix: mtf/errors/<kind>


class RetryBackoff:
    """Delays retry n of a request by ``MTF_RETRY_BACKOFF * 2**(n-1)`` seconds.

    Scrapy's RetryMiddleware re-schedules a failed request at once; hammering a struggling
    server is what a polite crawler must not do. The wait is a Twisted timer awaited by an
    async ``process_request``, so other requests go on meanwhile.
    """

    def __init__(self, base_s: float) -> None:
        self.base_s = base_s

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryBackoff:
        base_s = crawler.settings.getfloat("MTF_RETRY_BACKOFF")
        if base_s <= 0:
            raise NotConfigured
        return cls(base_s)

    async def process_request(self, request: Request) -> None:
        tries = request.meta.get("retry_times", 0)
        if tries and request.meta.get("mtf_backoff_done") != tries:
            request.meta["mtf_backoff_done"] = tries  # once per retry, not again after a redirect
            await _sleep(self.base_s * 2 ** (tries - 1))


async def _sleep(seconds: float) -> None:
    from scrapy.utils.defer import maybe_deferred_to_future
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))


class FailureStats:
    """Counts requests that failed for good: placed just before RetryMiddleware (order 540),
    its ``process_exception`` runs only when no retry is left (a retry stops the chain)."""

    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> FailureStats:
        return cls(crawler.stats)

    def process_exception(self, request: Request, exception: Exception) -> None:
        self.stats.inc_value(ERRORS + failure_kind(exception))


def failure_kind(exception: Exception) -> str:
    """``robots_forbidden``, ``timeout``, ``connection_refused``, ... for the summary."""
    if isinstance(exception, IgnoreRequest):
        text = str(exception).lower()
        return "robots_forbidden" if "robots" in text else "offsite" if "offsite" in text else "ignored"
    name = type(exception).__name__
    if "Timeout" in name or "TimedOut" in name:
        return "timeout"
    if isinstance(exception, ConnectionRefusedError) or name == "ConnectionRefusedError":
        return "connection_refused"
    if "DNS" in name:
        return "dns"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name.removesuffix("Error")).lower() or "other"


class RedirectLimitStats:
    """Counts redirects given up at REDIRECT_MAX_TIMES. RedirectMiddleware raises IgnoreRequest
    from its ``process_response``, which no other middleware sees; this one, at order 610, sees
    each redirect response just before it (responses pass from high orders to low)."""

    def __init__(self, stats: Any, max_times: int) -> None:
        self.stats = stats
        self.max_times = max_times

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectLimitStats:
        return cls(crawler.stats, crawler.settings.getint("REDIRECT_MAX_TIMES"))

    def process_response(self, request: Request, response: Response) -> Response:
        redirect = response.status in (301, 302, 303, 307, 308) and b"Location" in response.headers
        followed = not request.meta.get("dont_redirect")
        if redirect and followed and request.meta.get("redirect_times", 0) >= self.max_times:
            self.stats.inc_value(ERRORS + "redirect_limit")
        return response
