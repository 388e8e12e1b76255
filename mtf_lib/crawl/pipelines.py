"""Item pipeline of the crawl stage: an item whose fields equal a kept one's is dropped."""

from __future__ import annotations

import json
from typing import Any

from scrapy.exceptions import DropItem

DUPLICATES = "mtf/duplicates"  # stats key


def item_key(item: dict[str, Any]) -> str:
    """What makes two items the same: their field values, the URL aside (one page served at two
    addresses); an item that has nothing but its URL is keyed by it."""
    fields = {k: v for k, v in item.items() if k != "url"}
    return json.dumps(fields or item, sort_keys=True, ensure_ascii=False)


class DropDuplicates:
    def __init__(self, stats: Any) -> None:
        self.stats = stats
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any) -> DropDuplicates:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        key = item_key(dict(item))
        if key in self.seen:
            self.stats.inc_value(DUPLICATES)
            raise DropItem(f"duplicate of an item already kept: {key[:200]}")
        self.seen.add(key)
        return item
