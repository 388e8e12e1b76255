"""``config_spider.v1``: a spider configured from params alone (links to follow by regex, the
pages that yield items, and CSS/XPath fields), for sites that need no code of their own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from mtf_lib import registry
from mtf_lib.crawl.params import CrawlParams


@registry.spiders("config_spider.v1")
class ConfigSpider(scrapy.Spider):
    """Follows links by regex (crawl.follow, crawl.deny); pages matching crawl.items yield crawl.fields."""

    name = "config_spider"

    def __init__(self, params: CrawlParams, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.params = params
        self.allowed_domains = params.domains()
        self.item_pages = re.compile(params.items) if params.items is not None else None
        self.links = LinkExtractor(allow=params.follow or (), deny=params.deny)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.params.start_urls:
            # Filtered like any link: a resumed crawl does not fetch its start pages again.
            yield scrapy.Request(url, callback=self.parse, dont_filter=False)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if not isinstance(response, TextResponse):  # an image or a PDF behind a link
            return
        if self.item_pages is None or self.item_pages.search(response.url):
            yield extract_item(response, self.params)
        if self.params.follow != []:
            for link in self.links.extract_links(response):
                if on_hosts(link.url, self.allowed_domains):
                    yield response.follow(link, callback=self.parse)


def on_hosts(url: str, domains: list[str]) -> bool:
    """Whether ``url``'s host is one of ``domains`` or under one. By host, not by netloc as
    LinkExtractor's allow_domains compares: a site on a port would match no domain."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in (d.lower() for d in domains))


def extract_item(response: TextResponse, params: CrawlParams) -> dict[str, Any]:
    """``{url, <field>: first match (or null) | [all matches]}``, text stripped of outer spaces."""
    item: dict[str, Any] = {"url": response.url}
    for name, field in params.fields.items():
        found = response.css(field.css) if field.css is not None else response.xpath(field.xpath or "")
        values = [v.strip() for v in found.getall()]
        item[name] = values if field.many else (values[0] if values else None)
    return item
