"""The dashboard in a real browser (Debian's chromium), offline: nothing may be requested from any other
server than the one `defection serve` started."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

RUN_TIMEOUT = 120_000
CHART_TIMEOUT = 30_000  # the first chart waits for plotly.js (3.5 MB) to load and parse on a busy machine
BAD_TOML = b'name = "broken"\n[support]\noutreech = 0.3\n'


@pytest.fixture
def offline_page(page: Page, server):
    """The page, with every request that is not to the local server recorded and aborted."""
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith(server["url"]):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", guard)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size({"width": 1300, "height": 1000})
    page.goto(server["url"])
    expect(page.locator("#tab-levers")).to_be_visible()
    yield page
    assert outside == [], f"the page requested resources from outside the server: {outside}"
    assert errors == [], f"console errors: {errors}"


def _set(page: Page, key: str, value) -> None:
    page.locator(f'input[name="{key}"]').fill(str(value))


def _number(text: str) -> int:
    digits = re.sub(r"[^0-9]", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)


def _run(page: Page, job: int, capacity: int) -> int:
    """Set protection capacity, wait until the server has it, run, and read the final defections."""
    page.locator("#tab-levers").click()
    _set(page, "support.protection_capacity", capacity)
    page.locator("#tab-run").click()
    # widget values reach the server asynchronously: wait for the echo before clicking Run
    expect(page.locator("#settings-summary")).to_contain_text(f"support.protection_capacity = {capacity:,}")
    page.locator("#run-button").click()
    status = page.locator("#run-status")
    expect(status).to_contain_text(f"#{job} ", timeout=RUN_TIMEOUT)
    expect(status).to_contain_text("Finished", timeout=RUN_TIMEOUT)
    page.locator("#tab-results").click()
    # the view says which run it shows: read the number only once it is this run's, not the previous one's
    expect(page.locator(f'#results-body [data-job="{job}"]')).to_be_visible()
    final = page.locator("#final-defected")
    expect(final).to_be_visible()
    return _number(final.inner_text())


def test_dashboard_levers_language_upload(offline_page: Page, artifacts):
    page = offline_page
    page.locator("#tab-levers").click()
    _set(page, "run.days", 250)
    _set(page, "seeds", 2)
    page.locator("#tab-run").click()
    expect(page.locator("#settings-summary")).to_contain_text("run.days = 250")
    expect(page.locator("#settings-summary")).to_contain_text("seeds = 2")

    without = _run(page, 1, 0)
    # every Results chart is drawn
    for chart in ("fig-defections", "fig-rank", "fig-tenure", "fig-quiet", "fig-capacity", "fig-killed",
                  "fig-region"):
        expect(page.locator(f"#{chart} .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT)
    expect(page.locator("#fig-killed")).to_contain_text("observed (AAPP)")
    with_protection = _run(page, 2, 2000)
    assert with_protection > without, (without, with_protection)

    # the force selector: the army alone (its branches, no police line), then both forces again
    choice = page.locator("#force-select")
    expect(choice).to_be_visible()
    choice.get_by_text("army", exact=True).click()
    expect(page.locator("#fig-defections")).to_contain_text("army, combat units", timeout=CHART_TIMEOUT)
    expect(page.locator("#fig-defections")).not_to_contain_text("civilian branch")
    expect(page.locator("#results-body .headline")).to_contain_text("army")
    assert _number(page.locator("#final-defected").inner_text()) <= with_protection
    choice.get_by_text("police and army", exact=True).click()
    expect(page.locator("#fig-defections")).to_contain_text("police", timeout=CHART_TIMEOUT)
    expect(page.locator("#results-body .headline")).not_to_contain_text("army")
    assert _number(page.locator("#final-defected").inner_text()) == with_protection

    # Burmese: labels from the translation table, numbers in Myanmar digits
    page.get_by_text("မြန်မာ", exact=True).click()
    expect(page.locator("#tab-results")).to_contain_text("ရလဒ်များ")
    expect(page.locator("#root")).to_have_attribute("lang", "my")
    expect(page.locator("#fig-defections")).to_contain_text("ခွဲထွက်မှု")
    expect(page.locator("#final-defected")).to_have_text(re.compile(r"^[၀-၉,]+$"))
    page.screenshot(path=str(artifacts / "dashboard-results-my.png"), full_page=True)

    # a malformed scenario: the inline error names the field; nothing else changes
    page.locator("#tab-scenario").click()
    page.locator("#scenario-upload input[type=file]").set_input_files(
        files=[{"name": "broken.toml", "mimeType": "text/plain", "buffer": BAD_TOML}])
    message = page.locator("#scenario-message")
    expect(message).to_contain_text("support.outreech")
    expect(message).to_contain_text("outreach")
    expect(message).not_to_contain_text("Traceback")
    expect(page.locator("#scenario-current")).to_have_text("myanmar-2021")
    page.screenshot(path=str(artifacts / "dashboard-upload-error-my.png"))


def test_compare_and_cancel(offline_page: Page, artifacts):
    page = offline_page
    page.locator("#tab-levers").click()
    _set(page, "run.days", 200)
    _set(page, "seeds", 3)
    _set(page, "support.protection_capacity", 0)
    page.locator("#tab-run").click()
    expect(page.locator("#settings-summary")).to_contain_text("support.protection_capacity = 0")
    page.locator("#tab-compare").click()
    page.locator("#set-a").click()
    expect(page.locator("#compare-settings")).to_contain_text("0")
    page.locator("#tab-levers").click()
    _set(page, "support.protection_capacity", 2000)
    page.locator("#tab-run").click()
    expect(page.locator("#settings-summary")).to_contain_text("support.protection_capacity = 2,000")
    page.locator("#tab-compare").click()
    page.locator("#set-b").click()
    expect(page.locator("#compare-settings")).to_contain_text("2,000")
    page.locator("#compare-run").click()
    table = page.locator("#compare-table")
    expect(table).to_be_visible(timeout=RUN_TIMEOUT)
    expect(page.locator("#compare-body [data-job]")).to_have_count(1)
    diff = page.locator("#diff-defected").inner_text()
    assert not diff.startswith("−") and _number(diff) > 0, diff
    expect(page.locator("#fig-compare-diff .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT)
    page.screenshot(path=str(artifacts / "dashboard-compare.png"), full_page=True)

    # a long run can be cancelled, and the page answers while it runs
    page.locator("#tab-levers").click()
    _set(page, "run.days", 700)
    _set(page, "seeds", 20)
    page.locator("#tab-run").click()
    expect(page.locator("#settings-summary")).to_contain_text("seeds = 20")
    page.locator("#run-button").click()
    status = page.locator("#run-status")
    expect(status).to_contain_text("Running", timeout=RUN_TIMEOUT)
    expect(page.locator("#cancel-button")).to_be_enabled()
    page.locator("#cancel-button").click()
    expect(status).to_contain_text("Cancelled", timeout=30_000)
