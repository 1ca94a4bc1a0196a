"""The dashboard's security promises, held with raw HTTP requests to a real `defection serve`.

Nothing here goes through the page: each test writes the JSON that a browser (or a hostile page)
would POST to Dash's callback endpoint, ``/_dash-update-component``, so the server is tested on
what it enforces, not on what the page happens to send (helpers in ``dashboard_server.py``, the
``served`` fixture in ``conftest.py``).
"""
from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from dashboard_server import free_port, message, request

from defection import scenarios
from defection.dashboard.jobs import MAX_AGENT_DAYS, MAX_AGENTS, MAX_UPLOAD_BYTES

SECRET = "TOKEN-9f27c1d3e8"


# ---------------------------------------------------------------------------------------- fixtures


@pytest.fixture
def secret_files(tmp_path) -> dict[str, Path]:
    """A TOML file with a secret value, a valid scenario file, and a path that does not exist."""
    secret = tmp_path / "secret.toml"
    secret.write_text(f'[auth]\nseed = "{SECRET}"\n', encoding="utf-8")
    valid = tmp_path / "valid.toml"
    valid.write_text(scenarios.source_text("myanmar-2021")[0].replace('name = "myanmar-2021"',
                                                                     f'name = "{SECRET}"'), encoding="utf-8")
    return {"secret": secret, "valid": valid, "missing": tmp_path / "missing.toml",
            "broken": _write(tmp_path / "broken.toml", f"x = [\n{SECRET}")}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------- tests


def test_a_path_sent_as_scenario_name_is_refused_unread(served, secret_files):
    dash = served["dash"]
    answers = {}
    for kind, path in secret_files.items():
        response = dash.start(f"path-{kind}", store={"name": str(path), "toml": None, "filename": None},
                              run__days=5, seeds=1)
        assert "job-store" not in response, f"a job was started from the client's path {path}"
        text = message(response)
        assert SECRET not in text and "auth" not in text and "seed" not in text, text
        assert "not valid TOML" not in text and "line" not in text, text  # no parse position: no oracle
        answers[kind] = text.replace(str(path), "PATH")
    # the answer is the same whether the file exists, holds a scenario, is broken or is absent
    assert len(set(answers.values())) == 1, answers
    assert "unknown scenario" in answers["missing"]
    # the scenario picker refuses a path too
    status, text = dash.choose(str(secret_files["valid"]))
    assert status == 200 and "unknown scenario" in text and SECRET not in text and "scenario-store" not in text


def test_a_path_in_the_compare_settings_or_a_non_lever_key_is_refused(served, secret_files):
    dash = served["dash"]
    a = {"overrides": {}}
    b = {"overrides": {"run.scale": 1}}
    response = dash.start("cmp-key", compare=(a, b), run__days=5, seeds=1)
    assert "job-store" not in response and "not a lever" in message(response, "compare-message")
    response = dash.start("cmp-path", compare=(a, {"overrides": {}}), run__days=5, seeds=1,
                          store={"name": str(secret_files["secret"]), "toml": None})
    assert "job-store" not in response and SECRET not in message(response, "compare-message")


def test_a_foreign_host_header_is_refused(served):
    port, dash = served["port"], served["dash"]
    body = dash.body("progress-fill.style", "poll.n_intervals", {"poll.n_intervals": 1, "lang.value": "en",
                                                                  "job-store.data": {"job": None}})
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.nip.io:{port}", f"127.0.0.1:{port + 1}", ""):
        for method, path, data in (("GET", "/", None), ("GET", "/_dash-layout", None),
                                   ("POST", "/_dash-update-component", body)):
            status, text = request(port, method, path, data, host=host)
            assert status in (400, 403), (host, path, status, text[:200])
            assert "tab-id" not in text and "scenario-store" not in text
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert request(port, "POST", "/_dash-update-component", body, host=host)[0] == 200


def test_the_upload_cap_is_enforced_by_the_server(served):
    dash = served["dash"]
    big = b"# padding\n" * (MAX_UPLOAD_BYTES // 10 + 1000)
    status, text = dash.upload(big)
    assert status == 200 and f"{MAX_UPLOAD_BYTES:,}" in text and "scenario-store" not in text, text[:500]
    # uploaded text sent straight back as the scenario store is capped too
    response = dash.start("cap", store={"name": None, "toml": big.decode(), "filename": "big.toml"},
                          run__days=5, seeds=1)
    assert "job-store" not in response and f"{MAX_UPLOAD_BYTES:,}" in message(response)
    # a body larger than any request the page sends is refused before it is read
    status, _ = request(served["port"], "POST", "/_dash-update-component", b"{" + b" " * 5_000_000 + b"}")
    assert status == 413


def test_an_uploaded_scenario_is_data_and_its_errors_name_the_field(served):
    dash = served["dash"]
    status, text = dash.upload('name = "up"\n[support]\noutreech = 0.3\n')
    assert status == 200 and "support.outreech" in text and "Traceback" not in text
    status, text = dash.upload("a = " + "[" * 5000 + "]" * 5000 + "\n", filename="nested.toml")
    assert status == 200 and "not accepted" in text and "Traceback" not in text


def test_requests_are_not_logged_line_by_line(served):
    dash = served["dash"]
    for _ in range(5):
        dash.poll("quiet", None)
    log = served["log"].read_text(errors="replace")
    assert "_dash-update-component" not in log and '"POST ' not in log, log[-2000:]


@pytest.mark.parametrize("host", ["999.1.1.1", "0.0.0.0", "192.168.1.10", "example.org"])
def test_serve_refuses_a_non_loopback_host_with_a_paragraph(host):
    exe = Path(sys.executable).with_name("defection")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "defection.cli"]
    proc = subprocess.run([*cmd, "serve", "--host", host, "--port", str(free_port())], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr and "loopback" in proc.stderr and "ssh -L" in proc.stderr


def test_serve_on_a_busy_port_exits_2_with_a_paragraph():
    exe = Path(sys.executable).with_name("defection")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "defection.cli"]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = subprocess.run([*cmd, "serve", "--port", str(busy.getsockname()[1])], capture_output=True, text=True,
                              timeout=60)
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr and "another --port" in proc.stderr


def test_limits_in_the_docs_match_the_code():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "dashboard.md").read_text(encoding="utf-8")
    for limit in (MAX_AGENTS, MAX_AGENT_DAYS, MAX_UPLOAD_BYTES):
        assert f"{limit:,}" in doc, limit
