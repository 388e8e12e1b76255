"""The job folder (resume or start clean) and the final output (torn lines and duplicates
dropped, sorted by URL), without a crawl."""

from __future__ import annotations

import json
from pathlib import Path

from mtf_lib.crawl.job import Job, finalize


def interrupted(folder: Path, fingerprint: str) -> Job:
    job = Job(folder, fingerprint)
    job.prepare()
    job.scrapy_dir.mkdir()
    (job.scrapy_dir / "requests.seen").write_text("abc\n", encoding="utf-8")
    job.feed.write_bytes(b'{"url": "http://a/1"}\n{"url": "http://a/2"')  # torn by a hard kill
    job.record_run(pages=3, duplicates=0, errors={"timeout": 1}, finished=False)
    return job


def test_an_interrupted_job_of_the_same_params_is_resumed(tmp_path: Path) -> None:
    interrupted(tmp_path, "same")
    job = Job(tmp_path, "same")
    assert job.prepare() is True
    assert (job.scrapy_dir / "requests.seen").is_file()
    assert job.feed.read_bytes() == b'{"url": "http://a/1"}\n', "the torn line is cut before appending"
    assert job.state["pages"] == 3 and job.state["errors"] == {"timeout": 1}


def test_a_run_killed_before_scrapy_closed_is_started_over(tmp_path: Path) -> None:
    # Scrapy saves its pending requests only on closing: the seen fingerprints alone would end
    # the crawl at once (its start URL seen), a partial crawl taken for a finished one.
    job = Job(tmp_path, "same")
    job.prepare()  # then SIGKILL: no record_run
    job.scrapy_dir.mkdir()
    (job.scrapy_dir / "requests.seen").write_text("abc\n", encoding="utf-8")
    job.feed.write_bytes(b'{"url": "http://a/1"}\n')
    again = Job(tmp_path, "same")
    assert again.prepare() is False and again.restarted is True
    assert not again.scrapy_dir.exists() and not again.feed.exists()
    forced = interrupted(tmp_path / "forced", "same")
    forced.record_run(pages=1, duplicates=0, errors={}, finished=False, closed=False)  # a second Ctrl-C
    assert Job(forced.folder, "same").prepare() is False


def test_a_job_of_other_params_is_cleared(tmp_path: Path) -> None:
    interrupted(tmp_path, "before")
    job = Job(tmp_path, "after")
    assert job.prepare() is False
    assert not job.scrapy_dir.exists() and not job.feed.exists() and job.state["pages"] == 0


def test_a_finished_job_is_not_repeated_but_started_anew(tmp_path: Path) -> None:
    job = interrupted(tmp_path, "same")
    job.record_run(pages=2, duplicates=1, errors={"timeout": 1, "http_404": 2}, finished=True)
    assert job.state["errors"] == {"timeout": 2, "http_404": 2} and job.state["pages"] == 5
    assert not job.scrapy_dir.exists() and not job.feed.exists()
    again = Job(tmp_path, "same")
    assert again.prepare() is False and again.state["runs"] == 0


def test_finalize_drops_torn_lines_and_duplicates_and_sorts(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [
        {"url": "http://a/3", "title": "三"},
        {"url": "http://a/1", "title": "一"},
        {"url": "http://a/3", "title": "三"},  # refetched after a resume
        {"url": "http://a/0", "title": "一"},  # the same page at another address: kept, the first by URL
    ]
    feed.write_text("".join(json.dumps(item) + "\n" for item in lines) + '{"url": "http://a/9", "ti', encoding="utf-8")
    out = tmp_path / "raw" / "items.jsonl"
    assert finalize(feed, out) == (2, 2)
    expected = '{"url": "http://a/0", "title": "一"}\n{"url": "http://a/3", "title": "三"}\n'
    assert out.read_text(encoding="utf-8") == expected
