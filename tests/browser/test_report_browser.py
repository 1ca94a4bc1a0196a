"""The HTML report opens in a real browser with every figure shown, no console error, and no request
leaving the file; it reads like a brief, short enough to read (the height gate)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page

from defection import api
from defection.report.html import write

SMALL = ["run.scale=5000", "force.n_officers=2000"]
MAX_HEIGHT = 6000  # px at 1,280 px wide, the appendix closed (issue 14: a single run's report was 26,000 px)
WIDTH = 1280


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run")
    api.run("myanmar-2021", seed=2, days=200, overrides=SMALL).save(out)
    return out


@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory) -> Path:
    from defection.experiments.compare import compare

    out = tmp_path_factory.mktemp("cmp") / "cmp"
    compare("myanmar-2021", ["both-5x:support.protection_capacity=100,support.livelihood_capacity=300"], out=out,
            replicates=3, days=100, overrides=SMALL, workers=0)
    return out


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> Path:
    from defection.experiments.sweep import sweep

    out = tmp_path_factory.mktemp("sweep") / "sweep"
    sweep("myanmar-2021", ["support.protection_capacity=0:200"], out=out, samples=4, replicates=2, days=60,
          overrides=SMALL, workers=0)
    return out


def _open(page: Page, html: Path) -> tuple[list[str], list[str]]:
    url = html.resolve().as_uri()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(url)
    page.wait_for_load_state("load")
    return [r for r in requests if r != url and not r.startswith("data:")], errors


@pytest.mark.parametrize("lang", ["en", "my"])
def test_report_opens_offline(page: Page, report_dir: Path, tmp_path: Path, artifacts, lang):
    html = write(report_dir, tmp_path / f"report-{lang}.html", lang)
    requests, errors = _open(page, html)
    assert requests == [] and errors == []
    images = page.locator("figure img")
    # English: the directory's figures; Burmese: the overview drawn with Burmese labels, no English figure
    expected = len(list(report_dir.rglob("*.png"))) if lang == "en" else 1
    assert images.count() == expected
    for k in range(images.count()):  # every image decoded and drawn
        assert images.nth(k).evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("figcaption").count() == expected
    assert page.locator("table.data").count() == len(list(report_dir.rglob("*.parquet")))  # summarised, once each
    assert page.locator("html").get_attribute("lang") == lang
    if lang == "my":
        assert re.search(r"[\u1000-\u109f]", page.locator("h1").inner_text())
    page.screenshot(path=str(artifacts / f"report-{lang}.png"))


@pytest.mark.parametrize("lang", ["en", "my"])
def test_a_single_runs_report_is_under_6000_px_and_answers_on_its_first_screen(page: Page, report_dir: Path,
                                                                             tmp_path: Path, artifacts, lang):
    html = write(report_dir, tmp_path / f"report-{lang}.html", lang)
    _open(page, html)
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < MAX_HEIGHT, f"{lang}: {height} px"
    # the first screen: the question, the scenario, and the key numbers with proper headers
    for anchor in ("question", "scenario-brief", "key-numbers"):
        box = page.locator(f"#{anchor}").bounding_box()
        assert box is not None and box["y"] < 900, anchor
    assert page.locator("table.key-numbers th").count() == 2
    page.screenshot(path=str(artifacts / f"report-first-screen-{lang}.png"))
    opened = page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true) || "
                           "document.documentElement.scrollHeight")
    assert opened > height  # the appendix holds something, collapsed


@pytest.mark.parametrize("kind", ["compare", "sweep"])
def test_ensemble_reports_stay_short(page: Page, compare_dir: Path, sweep_dir: Path, tmp_path: Path, artifacts,
                                     kind):
    directory = compare_dir if kind == "compare" else sweep_dir
    html = write(directory, tmp_path / f"report-{kind}.html", "en")
    requests, errors = _open(page, html)
    assert requests == [] and errors == []
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < MAX_HEIGHT, f"{kind}: {height} px"
    if kind == "compare":
        assert page.locator("table.effects").count() == 1 and page.locator("table.costs").count() == 1
    page.screenshot(path=str(artifacts / f"report-{kind}.png"))
    shutil.copy(html, artifacts / f"report-{kind}.html")
