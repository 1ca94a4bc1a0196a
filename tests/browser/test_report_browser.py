"""The HTML report opens in a real browser with every figure shown, no console error, and no request
leaving the file."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page

from defection import api
from defection.report.html import write


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    api.run("myanmar-2021", seed=2, days=100).save(out)
    return out


@pytest.mark.parametrize("lang", ["en", "my"])
def test_report_opens_offline(page: Page, report_dir: Path, tmp_path: Path, artifacts, lang):
    html = write(report_dir, tmp_path / f"report-{lang}.html", lang)
    url = html.resolve().as_uri()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(url)
    page.wait_for_load_state("load")
    assert [r for r in requests if r != url and not r.startswith("data:")] == []
    assert errors == []
    images = page.locator("figure img")
    expected = len(list(report_dir.rglob("*.png"))) + (1 if lang == "my" else 0)
    assert images.count() == expected
    for k in range(images.count()):  # every image decoded and drawn
        assert images.nth(k).evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("table.data").count() == len(list(report_dir.rglob("*.parquet")))
    assert page.locator("html").get_attribute("lang") == lang
    if lang == "my":
        assert re.search(r"[\u1000-\u109f]", page.locator("h1").inner_text())
    page.screenshot(path=str(artifacts / f"report-{lang}.png"))
