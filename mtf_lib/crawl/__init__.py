"""The crawl stage: a Scrapy spider configured from params.yaml (``crawl``), resumable, writing
JSON lines to ``data/raw/items.jsonl``."""
