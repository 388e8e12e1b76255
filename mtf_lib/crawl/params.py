"""The ``crawl`` params group: which pages a spider visits, what it takes from them, and how
politely it does so. Validated strictly: a bad regex or selector names its key before any work."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, field_validator, model_validator

from mtf_lib import registry
from mtf_lib.config import Section

DEFAULT_USER_AGENT = "mtf-crawler/0.1 (+contact: set crawl.user_agent to name yours)"
# Scrapy settings that a param sets (one place for each bound), and those the stage owns: its
# job folder and output, which resume and data/raw depend on.
BY_PARAM = {
    "USER_AGENT": "user_agent",
    "ROBOTSTXT_OBEY": "obey_robots",
    "CLOSESPIDER_PAGECOUNT": "max_pages",
    "DEPTH_LIMIT": "max_depth",
    "DOWNLOAD_TIMEOUT": "timeout_s",
    "RETRY_TIMES": "retries",
    "MTF_RETRY_BACKOFF": "backoff_s",
    "DOWNLOAD_DELAY": "download_delay_s",
    "AUTOTHROTTLE_ENABLED": "autothrottle.enabled",
    "AUTOTHROTTLE_START_DELAY": "autothrottle.start_delay_s",
    "AUTOTHROTTLE_MAX_DELAY": "autothrottle.max_delay_s",
    "AUTOTHROTTLE_TARGET_CONCURRENCY": "autothrottle.target_concurrency",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "concurrency_per_domain",
    "REDIRECT_MAX_TIMES": "max_redirects",
}
STAGE_OWNED = ("JOBDIR", "FEEDS", "FEED_URI", "FEED_FORMAT", "FEED_STORE_EMPTY")


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc}): {value!r}") from None
    return value


def _url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http(s) URL with a host, got {value!r}")
    return value


def _domain(value: str) -> str:
    if not value or "/" in value or ":" in value or value != value.strip():
        raise ValueError(f"expected a host name (no scheme, port or path), got {value!r}")
    return value


Regex = Annotated[str, AfterValidator(_regex)]
Url = Annotated[str, AfterValidator(_url)]
Domain = Annotated[str, AfterValidator(_domain)]
NonNegative = Annotated[float, Field(ge=0)]
Positive = Annotated[float, Field(gt=0)]


class FieldSelector(Section):
    """One field of an item: a CSS or an XPath selector (exactly one), its first match or all."""

    css: str | None = Field(None, description="CSS selector (parsel: ::text, ::attr(href))")
    xpath: str | None = Field(None, description="XPath expression")
    many: bool = Field(False, description="true: the list of all matches; false: the first (null if none)")

    @model_validator(mode="after")
    def _one_valid_selector(self) -> FieldSelector:
        given = [k for k in ("css", "xpath") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of css or xpath")
        kind = given[0]
        expression = getattr(self, kind)
        if not expression.strip():
            raise ValueError(f"{kind}: empty selector")
        try:
            if kind == "css":
                from parsel.csstranslator import HTMLTranslator

                HTMLTranslator().css_to_xpath(expression)
            else:
                from lxml import etree

                etree.XPath(expression)
        except Exception as exc:  # cssselect and lxml raise their own error types
            raise ValueError(f"{kind}: invalid selector {expression!r} ({exc})") from None
        return self


class AutoThrottleParams(Section):
    """Scrapy's AutoThrottle: the delay follows the server's latency (always on unless disabled)."""

    enabled: bool = True
    start_delay_s: NonNegative = Field(5.0, description="the first delay, before latencies are known")
    max_delay_s: Positive = Field(60.0, description="the longest delay under high latency")
    target_concurrency: Positive = Field(1.0, description="requests in parallel per site it aims at")


class CrawlParams(Section):
    """The crawl stage's spider and its bounds (polite defaults)."""

    spider: registry.spiders.name_type = Field(
        "config_spider.v1", description="a registered spider (mtf components spiders); it gets these params"
    )
    start_urls: list[Url] = Field(min_length=1, description="where the crawl starts")
    allowed_domains: list[Domain] | None = Field(None, description="hosts it may visit; null: the start URLs' hosts")
    follow: list[Regex] | None = Field(
        None, description="regexes of links to follow; null: every link on an allowed host; []: none"
    )
    deny: list[Regex] = Field(default_factory=list, description="regexes of links never followed")
    items: Regex | None = Field(None, description="regex of the URLs whose pages yield an item; null: every page")
    fields: dict[str, FieldSelector] = Field(default_factory=dict, description="item fields (besides url)")
    obey_robots: bool = Field(True, description="honour robots.txt")
    max_pages: int = Field(
        1000, ge=1, description="stop after this many responses, robots.txt and retries counted (CLOSESPIDER_PAGECOUNT)"
    )
    max_depth: int = Field(5, ge=1, description="links followed from a start URL at most (DEPTH_LIMIT)")
    timeout_s: Positive = Field(30.0, description="download timeout of one request")
    retries: int = Field(2, ge=0, description="retries of a failed request (timeouts, 5xx, 429)")
    backoff_s: NonNegative = Field(1.0, description="retry n waits backoff_s * 2**(n-1) seconds first")
    download_delay_s: NonNegative = Field(0.5, description="the least delay between requests to one site")
    autothrottle: AutoThrottleParams = AutoThrottleParams()
    concurrency_per_domain: int = Field(2, ge=1, description="requests in flight per site at most")
    max_redirects: int = Field(5, ge=0, description="redirects followed per request at most")
    user_agent: str = Field(DEFAULT_USER_AGENT, min_length=1, description="the User-Agent header (name a contact)")
    settings: dict[str, Any] = Field(
        default_factory=dict,
        description="other Scrapy settings (UPPER_CASE); ITEM_PIPELINES and the like add to the stage's",
    )

    @field_validator("fields")
    @classmethod
    def _field_names(cls, fields: dict[str, FieldSelector]) -> dict[str, FieldSelector]:
        for name in fields:
            if name == "url" or not name.isidentifier():
                raise ValueError(f"{name!r} is not a usable field name (an identifier other than url)")
        return fields

    @field_validator("settings")
    @classmethod
    def _setting_names(cls, settings: dict[str, Any]) -> dict[str, Any]:
        for name in settings:
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
                raise ValueError(f"{name!r} is not a Scrapy setting name (UPPER_CASE)")
            if name in BY_PARAM:
                raise ValueError(f"{name!r}: set crawl.{BY_PARAM[name]} instead")
            if name in STAGE_OWNED:
                raise ValueError(f"{name!r} is set by the crawl stage (data/crawl_job, data/raw): leave it out")
        return settings

    def domains(self) -> list[str]:
        """The hosts the spider may visit."""
        if self.allowed_domains is not None:
            return list(self.allowed_domains)
        return sorted({urlsplit(url).hostname or "" for url in self.start_urls})

    def fingerprint(self) -> str:
        """A hash of every setting: a job folder from other params is not resumed."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
