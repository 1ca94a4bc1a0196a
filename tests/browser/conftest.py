"""Browser tests: Playwright drives Debian's chromium (/usr/bin/chromium); no browser is ever downloaded.

Install once: ``apt-get install -y chromium fonts-noto-core``. Without chromium these tests skip, unless
``DEFECTION_REQUIRE_BROWSER=1`` (set it in CI), which turns the skip into a failure.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("DEFECTION_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _require_browser() -> None:
    missing = None
    try:
        import playwright  # noqa: F401
        import pytest_playwright  # noqa: F401
    except ImportError as exc:
        missing = f"playwright/pytest-playwright not installed ({exc})"
    if missing is None and not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing = f"{CHROMIUM} not found (apt-get install -y chromium fonts-noto-core)"
    if missing:
        if os.environ.get("DEFECTION_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="session", autouse=True)
def _browser_available():
    _require_browser()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``defection serve`` on a free loopback port, as a user would start it; stopped at the end."""
    from dashboard_server import start_server, stop_server

    proc, port, log = start_server(tmp_path_factory.mktemp("serve"))
    url = f"http://127.0.0.1:{port}/"
    yield {"url": url, "port": port, "log": log, "proc": proc}
    stop_server(proc)
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")
