"""A real browser on the dashboard (`flask --app web run`, Debian's Chromium through Playwright,
127.0.0.1 only): sort by a column, tick two experiments, compare, and see their curves overlaid."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.web.experiments.repo import EPOCHS, ExperimentsRepo
from tests.web.servers import free_port, serving
from tests.web.test_browser import launched_browser

# Slow: a browser over a repository of real experiments.
# `make test-all` and CI run it, `make test` does not.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dashboard(experiments_repo: ExperimentsRepo) -> Iterator[str]:
    port = free_port()
    with serving(["flask", "--app", "web", "run", "--port", str(port)], experiments_repo.root, port) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_browser() as browser:
        yield browser


def test_sort_select_two_and_compare_their_curves(dashboard: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(f"{dashboard}/tasks/demo_app/topics/experiments")
        assert page.locator("#compare").is_disabled()  # the script enables it at two ticks
        for split in ("dev", "test"):  # the scores are in view at 1400 px, before the params
            box = page.locator(f'th[data-column^="{split}:"]').last.bounding_box()
            assert box and box["x"] + box["width"] <= 1400, split
        header = page.locator('th[data-column="test:accuracy"]')
        header.locator("a").click()  # ascending first
        page.wait_for_url(lambda url: "sort=test" in url and "order=asc" in url)
        page.locator('th[data-column="test:accuracy"] a').click()  # again: descending
        page.wait_for_url(lambda url: "order=desc" in url)
        assert page.locator('th[data-column="test:accuracy"]').get_attribute("aria-sort") == "descending"
        cells = page.locator('tbody td[data-column="test:accuracy"]').all_inner_texts()
        scores = [float(text) for text in cells if text.strip()]
        assert len(scores) == 4 and scores == sorted(scores, reverse=True)
        for name in ("narrow", "fast-lr"):
            page.locator(f'tr[data-name="{name}"] input[name="exp"]').check()
        assert page.locator("#compare").is_enabled()
        page.locator("#compare").click()
        page.wait_for_url("**/experiments/compare?**")
        charts = page.locator("#charts svg.chart")
        assert charts.count() == 4  # train_loss and the three dev scores
        for index in range(charts.count()):
            lines = charts.nth(index).locator("polyline")
            names = [lines.nth(i).get_attribute("data-experiment") for i in range(lines.count())]
            assert sorted(names) == ["fast-lr", "narrow"]
            assert all(len(lines.nth(i).get_attribute("points").split()) == EPOCHS for i in range(lines.count()))
            box = charts.nth(index).bounding_box()
            assert box and box["width"] > 200 and box["height"] > 100  # drawn, not collapsed
        legend = page.locator("#legend li strong").all_inner_texts()
        assert sorted(legend) == ["fast-lr", "narrow"]
        assert page.locator('#params-diff tr[data-param="model.filters"]').count() == 1
    finally:
        page.close()
