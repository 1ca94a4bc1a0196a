"""Browser tests: Playwright drives Debian's chromium (/usr/bin/chromium); no browser is ever downloaded.

Install once: ``apt-get install -y chromium fonts-noto-core``. Without chromium these tests skip, unless
``DEFECTION_REQUIRE_BROWSER=1`` (set it in CI), which turns the skip into a failure.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``defection serve`` on a free loopback port, as a user would start it; stopped by its pid."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "NUMBA_NUM_THREADS": "1"}
    exe = Path(sys.executable).with_name("defection")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "defection.cli"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen([*cmd, "serve", "--port", str(port)], stdout=fh, stderr=subprocess.STDOUT,
                                env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"defection serve did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)
    yield {"url": url, "port": port, "log": log, "proc": proc}
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")
