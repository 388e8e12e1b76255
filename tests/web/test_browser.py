"""A real browser on the NER demo page: `flask --app web run`, Debian's Chromium driven by
Playwright; type a sentence, submit, and the highlighted entities are the API's entities."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.web.project import KNOWN_SENTENCE, WebProject
from tests.web.servers import free_port, post_json, serving

# Playwright cannot download its own browser here; these flags keep Chromium off the network.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def flask_server(web_project: WebProject) -> Iterator[str]:
    port = free_port()
    with serving(["flask", "--app", "web", "run", "--port", str(port)], web_project.root, port) as base:
        yield base


@contextmanager
def launched_browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, off the network (fails when it is not installed)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Chromium is not installed: `make browser` installs Debian's chromium package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_browser() as browser:
        yield browser


def test_typing_a_sentence_highlights_its_entities(flask_server: str, browser: Browser) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{flask_server}/tasks/flagship/ner")
        assert page.locator(".legend mark").count() == 3  # LOC, ORG, PER
        page.locator("#text").press_sequentially(KNOWN_SENTENCE)
        page.locator("#predict").click()
        marks = page.locator("#results mark.entity")
        marks.first.wait_for(timeout=15_000)
        shown = [(mark.get_attribute("data-type"), mark.inner_text()) for mark in marks.all()]
        assert page.locator("#results p.tagged").text_content() == KNOWN_SENTENCE  # every character, in order
    finally:
        page.close()
    status, body = post_json(f"{flask_server}/api/v1/flagship/ner/predict", {"texts": [KNOWN_SENTENCE]})
    assert status == 200
    expected = [(e["type"], e["text"]) for e in body["results"][0]["entities"]]
    assert shown == expected
    assert ("PER", "张伟") in shown and ("ORG", "北京大学") in shown
