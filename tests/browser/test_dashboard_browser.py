"""The dashboard in a real browser (Debian's chromium), offline: nothing may be requested from any other
server than the one `defection serve` started. Writes the README screenshot, docs/img/dashboard.png."""
from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest
from dashboard_server import Dash, job_worker
from playwright.sync_api import Page, expect

RUN_TIMEOUT = 120_000
CHART_TIMEOUT = 30_000  # the first chart waits for plotly.js (3.5 MB) to load and parse on a busy machine
BAD_TOML = b'name = "broken"\n[support]\noutreech = 0.3\n'
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "dashboard.png"
expect.set_options(timeout=20_000)  # a busy 2-core machine renders seven charts slowly; nothing here is timed


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
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(server["url"])
    expect(page.locator("#run-button")).to_be_visible(timeout=CHART_TIMEOUT)
    yield page
    assert outside == [], f"the page requested resources from outside the server: {outside}"
    assert errors == [], f"console errors: {errors}"


def _box(page: Page, key: str):
    return page.locator(f'input[name="{key}"]')


def _set(page: Page, key: str, value) -> None:
    _box(page, key).fill(str(value))


def _number(text: str) -> int:
    digits = re.sub(r"[^0-9]", "", text)
    assert digits, f"no number in {text!r}"
    return int(digits)


def _open(page: Page, summary: str) -> None:
    """Open a collapsed group of levers (a <details> element) by its title."""
    group = page.locator("details", has=page.locator("summary", has_text=summary)).first
    if group.get_attribute("open") is None:
        group.locator("summary").first.click()


def _echo(page: Page, text: str) -> None:
    """Widget values reach the server asynchronously: wait for the settings list to echo them before Run."""
    expect(page.locator("#settings-summary")).to_contain_text(text)


def _run(page: Page) -> int:
    """Press Run; the results view at once belongs to the run just started (its label, before any result), and
    once it finishes shows that run's results, never the previous run's. Returns the run's job id."""
    label = page.locator("#results-job")
    previous = label.get_attribute("data-job") if label.count() else None
    page.locator("#run-button").click()
    expect(label).not_to_have_attribute("data-job", str(previous))
    job = int(label.get_attribute("data-job"))
    status = page.locator("#run-status")
    expect(status).to_contain_text(f"#{job} · Finished", timeout=RUN_TIMEOUT)
    expect(label).to_have_attribute("data-job", str(job))
    expect(page.locator("#final-defected")).to_be_visible()
    return job


def test_one_screen_exact_levers_switches(offline_page: Page):
    page = offline_page
    levers, results = page.locator(".levers-panel"), page.locator(".results-panel")
    expect(levers).to_be_visible()
    expect(results).to_be_visible()
    left, right = levers.bounding_box(), results.bounding_box()
    assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 50  # side by side
    # every switch is a checkbox; every support lever has range labels and an exact number box
    from defection.dashboard.layout import SWITCH_KEYS, support_keys

    expect(page.locator(".switch input[type=checkbox]")).to_have_count(len(SWITCH_KEYS))
    for key in support_keys():
        expect(_box(page, key)).to_have_count(1)
    stipend = page.locator('[data-key="support.stipend_kyat"]')
    expect(stipend.locator(".range-min")).to_have_text("50000")
    expect(stipend.locator(".range-max")).to_have_text("400000")
    for key, value in (("support.stipend_kyat", "200000"), ("support.budget_kyat_month", "150000000"),
                       ("community.intensity", "0.002"), ("support.word_of_mouth_rate", "0.0125")):
        _open(page, "Community" if key.startswith("community") else "Support for defectors")
        _set(page, key, value)
        _echo(page, "run.days")
        box = _box(page, key)
        expect(box).to_have_value(value)
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth"), f"{key}: {value} does not fit its box"
    _set(page, "support.stipend_kyat", 250000)
    _echo(page, "support.stipend_kyat = 250,000")
    expect(_box(page, "support.stipend_kyat")).to_have_value("250000")  # the slider does not round it back
    # a switch reaches the settings for the next run
    _open(page, "Switches")
    page.locator('[data-key="switches.peer_effects"] input').uncheck()
    _echo(page, "switches.peer_effects = False")


def test_levers_results_label_reload_downloads(offline_page: Page, artifacts):
    page = offline_page
    _set(page, "run.days", 150)
    _set(page, "seeds", 2)
    _set(page, "support.protection_capacity", 0)
    _echo(page, "support.protection_capacity = 0")
    _echo(page, "seeds = 2")
    first = _run(page)
    expect(page.locator("#run-settings")).to_contain_text("support.protection_capacity = 0")
    without = _number(page.locator("#final-defected").inner_text())
    for chart in ("fig-defections", "fig-rank", "fig-tenure", "fig-quiet", "fig-capacity", "fig-killed",
                  "fig-region"):
        expect(page.locator(f"#{chart} .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT)
    expect(page.locator("#fig-killed")).to_contain_text("observed (AAPP)")
    # the map of states and regions (drawn offline: the page guard above aborts and reports any outside request)
    expect(page.locator("#region-map .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT)

    _set(page, "support.protection_capacity", 2000)
    _echo(page, "support.protection_capacity = 2,000")
    second = _run(page)
    assert second > first
    expect(page.locator("#run-settings")).to_contain_text("support.protection_capacity = 2,000")
    expect(page.locator("#run-settings")).to_contain_text("run.days = 150")
    with_protection = _number(page.locator("#final-defected").inner_text())
    assert with_protection > without, (without, with_protection)
    expect(page.locator("#fig-defections .main-svg").first).to_be_visible(timeout=CHART_TIMEOUT)
    page.wait_for_function("document.querySelectorAll('#fig-region .main-svg').length > 0")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => { window.scrollTo(0, 0); document.querySelector('.levers-panel').scrollTop = 0; }")
    page.screenshot(path=str(SCREENSHOT))  # the README's screenshot: one 1280-wide screen with results

    # downloads carry the run's settings
    with page.expect_download() as info:
        page.locator("#download-csv").click()
    csv = Path(info.value.path()).read_text()
    assert info.value.suggested_filename == f"defection-{second}-timeseries.csv"
    assert csv.startswith("# settings: ") and '"support.protection_capacity": 2000' in csv.splitlines()[0]
    with page.expect_download() as info:
        page.locator("#download-png").click()
    assert Path(info.value.path()).read_bytes()[:4] == b"\x89PNG"

    # a reload keeps the results and re-attaches to the job
    page.reload()
    expect(page.locator("#results-job")).to_have_attribute("data-job", str(second), timeout=RUN_TIMEOUT)
    expect(page.locator("#run-status")).to_contain_text(f"#{second} ")
    expect(page.locator("#run-settings")).to_contain_text("support.protection_capacity = 2,000")
    assert _number(page.locator("#final-defected").inner_text()) == with_protection

    # the force selector: the army alone (its branches, no police line), then both forces again
    choice = page.locator("#force-select")
    expect(choice).to_be_visible()
    choice.get_by_text("army", exact=True).click()
    expect(page.locator("#fig-defections")).to_contain_text("army, combat units", timeout=CHART_TIMEOUT)
    expect(page.locator("#fig-defections")).not_to_contain_text("civilian branch")
    expect(page.locator("#results-body .headline")).to_contain_text("army")
    choice.get_by_text("police and army", exact=True).click()
    expect(page.locator("#results-body .headline")).not_to_contain_text("army")

    # Burmese: labels from the translation table, numbers in Myanmar digits
    page.get_by_text("မြန်မာ", exact=True).click()
    expect(page.locator("#root")).to_have_attribute("lang", "my")
    expect(page.locator("#fig-defections")).to_contain_text("ခွဲထွက်မှု", timeout=CHART_TIMEOUT)
    expect(page.locator("#final-defected")).to_have_text(re.compile(r"^[၀-၉,]+$"))
    page.screenshot(path=str(artifacts / "dashboard-results-my.png"), full_page=True)

    # a malformed scenario: the inline error names the field; nothing else changes
    page.locator("#scenario-upload input[type=file]").set_input_files(
        files=[{"name": "broken.toml", "mimeType": "text/plain", "buffer": BAD_TOML}])
    message = page.locator("#scenario-message")
    expect(message).to_contain_text("support.outreech")
    expect(message).not_to_contain_text("Traceback")
    expect(page.locator("#scenario-current")).to_have_text("myanmar-2021")


def test_results_stream_in_and_survive_a_reload_while_running(offline_page: Page, server):
    """The worker runs only between pauses (SIGSTOP) that the test places at simulated days the server has seen,
    read over raw HTTP: however slowly a busy machine draws the page, the run is still going when the page
    reloads. Without the pauses a run (about 40 s) can end before a slow page has drawn its first progress."""
    page = offline_page
    _set(page, "run.days", 700)
    _set(page, "seeds", 20)
    _echo(page, "seeds = 20")
    label = page.locator("#results-job")
    previous = label.get_attribute("data-job") if label.count() else None
    page.locator("#run-button").click()
    expect(label).not_to_have_attribute("data-job", str(previous))
    job = int(label.get_attribute("data-job"))
    tab = page.evaluate("() => JSON.parse(window.sessionStorage.getItem('tab-id'))")
    dash, worker = Dash(server["port"]), job_worker(server["proc"].pid)
    # the page's job belongs to its browser session: ask about it with the page's own cookie
    dash.cookies[tab] = next(f"{c['name']}={c['value']}" for c in page.context.cookies()
                             if c["name"] == "defection_session")

    def run_past(days: int) -> int:
        """Let the worker run until the server has seen more than ``days`` simulated days; pause it there."""
        os.kill(worker, signal.SIGCONT)
        try:
            deadline = time.monotonic() + RUN_TIMEOUT / 1000
            while (now := dash.status(tab, job))[0] != "Running" or now[1] <= days:
                assert now[0] in ("Waiting for the worker", "Running") and time.monotonic() < deadline, now
                time.sleep(0.02)
            return now[1]
        finally:
            os.kill(worker, signal.SIGSTOP)

    drawn = ("() => { const plot = document.getElementById('fig-live')?.querySelector('.js-plotly-plot');"
             " return Math.max(0, ...((plot && plot.data) || []).filter(t => t.mode === 'lines')"
             ".map(t => t.x.length)); }")  # days of the live median drawn so far (0 before the first line)

    def drawn_more_than(days: int) -> None:
        page.wait_for_function(f"() => ({drawn})() > {days}", timeout=RUN_TIMEOUT)

    status, live = page.locator("#run-status"), page.locator("#fig-live")
    try:
        run_past(0)
        expect(status).to_contain_text(f"#{job} ", timeout=RUN_TIMEOUT)
        expect(status).to_contain_text("Running", timeout=RUN_TIMEOUT)
        drawn_more_than(0)  # the server has days of the run, so the page draws them, however slowly
        before = page.evaluate(drawn)
        run_past(before)  # the series streams in: the page draws more days while the run goes on
        drawn_more_than(before)
        page.reload()  # the job goes on, and the page finds it again
        expect(status).to_contain_text(f"#{job} ", timeout=RUN_TIMEOUT)
        expect(status).to_contain_text("Running")
        expect(live.locator(".main-svg").first).to_be_visible(timeout=RUN_TIMEOUT)
        expect(page.locator("#cancel-button")).to_be_enabled()
        page.locator("#cancel-button").click()
    finally:
        os.kill(worker, signal.SIGCONT)
    expect(status).to_contain_text("Cancelled", timeout=30_000)
    expect(page.locator("#live")).to_be_hidden()
    expect(page.locator("#results-body")).to_contain_text("Cancelled")  # not "Running" under the run's label


def test_compare(offline_page: Page, artifacts):
    page = offline_page
    _set(page, "run.days", 150)
    _set(page, "seeds", 3)
    _set(page, "support.protection_capacity", 0)
    _echo(page, "support.protection_capacity = 0")
    _open(page, "Policy comparison")
    page.locator("#set-a").click()
    expect(page.locator("#compare-settings")).to_contain_text("0")
    _set(page, "support.protection_capacity", 2000)
    _echo(page, "support.protection_capacity = 2,000")
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
