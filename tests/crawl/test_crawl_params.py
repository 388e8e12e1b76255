"""The crawl params: strict validation naming the key, the Scrapy settings they make, and the
stage's exit code 2 for bad params or a missing crawl group (before any request)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mtf_lib.config import ParamsError, validate
from mtf_lib.crawl.params import CrawlParams
from mtf_lib.crawl.settings import crawl_settings
from tests.crawl.site import make_task, run_stage

START = {"start_urls": ["http://127.0.0.1:8000/list"]}


def problems(crawl: dict[str, Any]) -> str:
    with pytest.raises(ParamsError) as exc:
        validate(CrawlParams, crawl, "params.yaml")
    return str(exc.value)


@pytest.mark.parametrize(
    ("crawl", "expected"),
    [
        ({**START, "follow": ["/list/(\\d+"]}, "follow[0]: not a valid regular expression"),
        ({**START, "deny": ["*x"]}, "deny[0]: not a valid regular expression"),
        ({**START, "items": "["}, "items: not a valid regular expression"),
        ({**START, "fields": {"title": {"css": " "}}}, "fields.title: css: empty selector"),
        ({**START, "fields": {"title": {"css": "h1::nope"}}}, "fields.title: css: invalid selector"),
        ({**START, "fields": {"title": {"xpath": "//h1["}}}, "fields.title: xpath: invalid selector"),
        ({**START, "fields": {"title": {"css": "h1", "xpath": "//h1"}}}, "fields.title: give exactly one"),
        ({**START, "fields": {"title": {}}}, "fields.title: give exactly one"),
        ({**START, "fields": {"url": {"css": "h1"}}}, "fields: 'url' is not a usable field name"),
        ({"start_urls": []}, "start_urls: List should have at least 1 item"),
        ({"start_urls": ["ftp://example.org/"]}, "start_urls[0]: expected an http(s) URL"),
        ({**START, "allowed_domains": ["http://example.org"]}, "allowed_domains[0]: expected a host name"),
        ({**START, "spider": "config_spidr.v1"}, "did you mean 'config_spider.v1'?"),
        ({**START, "max_pages": 0}, "max_pages: Input should be greater than or equal to 1"),
        ({**START, "timeout_s": "30"}, "timeout_s: Input should be a valid number"),
        ({**START, "settings": {"download_delay": 1}}, "settings: 'download_delay' is not a Scrapy setting"),
        ({**START, "max_page": 10}, "max_page: unknown key; did you mean 'max_pages'?"),
        ({**START, "settings": {"DOWNLOAD_DELAY": 1}}, "'DOWNLOAD_DELAY': set crawl.download_delay_s"),
        ({**START, "settings": {"JOBDIR": "job"}}, "settings: 'JOBDIR' is set by the crawl stage"),
    ],
)
def test_bad_values_name_their_key(crawl: dict[str, Any], expected: str) -> None:
    assert expected in problems(crawl)


def test_defaults_are_polite_and_contact_nothing_else() -> None:
    params = CrawlParams.model_validate(START)
    assert params.domains() == ["127.0.0.1"] and params.spider == "config_spider.v1"
    settings = crawl_settings(params, Path("job"), Path("feed.jsonl"), params.max_pages)
    assert settings["ROBOTSTXT_OBEY"] is True and settings["AUTOTHROTTLE_ENABLED"] is True
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 2 and settings["DOWNLOAD_DELAY"] > 0
    assert (settings["CLOSESPIDER_PAGECOUNT"], settings["DEPTH_LIMIT"], settings["RETRY_TIMES"]) == (1000, 5, 2)
    assert settings["USER_AGENT"].startswith("mtf-crawler/")
    # tldextract (cookies) would download the public-suffix list; no port is opened either.
    assert settings["COOKIES_ENABLED"] is False
    assert settings["TELNETCONSOLE_ENABLED"] is False and settings["REMOTE_CONTROL_ENABLED"] is False
    assert params.fingerprint() == CrawlParams.model_validate(START).fingerprint()
    assert params.fingerprint() != CrawlParams.model_validate({**START, "max_depth": 2}).fingerprint()


def test_settings_add_to_the_stages_pipelines_and_middlewares() -> None:
    extra = {"ITEM_PIPELINES": {"my.Pipeline": 400}, "HTTPCACHE_ENABLED": True}
    params = CrawlParams.model_validate({**START, "settings": extra})
    settings = crawl_settings(params, Path("job"), Path("feed.jsonl"), params.max_pages)
    assert settings["ITEM_PIPELINES"] == {"mtf_lib.crawl.pipelines.DropDuplicates": 300, "my.Pipeline": 400}
    assert settings["HTTPCACHE_ENABLED"] is True


def test_bad_params_exit_2_naming_the_field(tmp_path: Path) -> None:
    bad = {**START, "follow": ["("], "fields": {"title": {"css": ""}}}
    result = run_stage(make_task(tmp_path, bad))
    assert result.returncode == 2, result.stderr[-3000:]
    assert "crawl.follow[0]: not a valid regular expression" in result.stderr
    assert "crawl.fields.title: css: empty selector" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "data").exists()


def test_a_task_without_a_crawl_group_exits_2(tmp_path: Path) -> None:
    result = run_stage(make_task(tmp_path, None))
    assert result.returncode == 2, result.stderr[-3000:]
    assert "crawl: the crawl stage needs a crawl group" in result.stderr and "Traceback" not in result.stderr
