"""Session fixtures."""
from __future__ import annotations

import pytest

from common import ensemble


@pytest.fixture(scope="session")
def default_runs():
    """The default scenario over seeds 0-9, run once per session."""
    return ensemble()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A real ``defection serve`` for one test module, with a raw-HTTP client (``tests/dashboard_server.py``);
    the module fails if the server printed a traceback."""
    from dashboard_server import Dash, start_server, stop_server

    proc, port, log = start_server(tmp_path_factory.mktemp("serve"))
    yield {"proc": proc, "port": port, "log": log, "dash": Dash(port)}
    stop_server(proc)
    assert "Traceback" not in log.read_text(errors="replace"), log.read_text(errors="replace")


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    """Run the test from a fresh temporary directory (commands that write ``runs/`` write there)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
