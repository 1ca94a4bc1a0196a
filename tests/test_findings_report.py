"""The report's findings table and experiments.findings give one verdict per finding: the report calls the checks
(issue 26), so a run directory cannot hold in one and fail in the other."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from defection import api
from defection.experiments import findings
from defection.model import decision
from defection.report.html import build

SMALL = ["run.scale=5000", "force.n_officers=2000"]
VERDICT = {"holds": True, "fails": False, "unknown": None}


def report_verdicts(out: Path) -> dict[str, bool | None]:
    """The findings table of the HTML report on ``out``: finding -> holds, fails (False) or unknown (None)."""
    table = build(out, "en").split('<h2 id="findings">')[1].split("<h2")[0]
    rows = re.findall(r"<b>(F\d)</b>.*?<span class=\"verdict (\w+)\">", table, re.DOTALL)
    return {name: VERDICT[verdict] for name, verdict in rows}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> tuple[api.Result, Path]:
    """The default scenario, seed 0, saved: the run on which the report once said F3 "does not hold"."""
    out = tmp_path_factory.mktemp("default")
    result = api.run("myanmar-2021", seed=0)
    result.save(out, plot=False)
    return result, out


def test_the_report_and_the_findings_checks_agree_on_every_finding(default_run):
    result, out = default_run
    checks = findings.check_all([result])
    assert report_verdicts(out) == {name: check.holds for name, check in checks.items()}
    assert checks["F3"].holds, checks["F3"]  # the README's claim for the default


def test_the_report_shows_the_threshold_findings_checks_against(default_run):
    _, out = default_run
    table = build(out, "en").split('<h2 id="findings">')[1].split("<h2")[0]
    assert f"more than {findings.PUNISHED:.2f} needed" in table and "0.05 needed" not in table


def test_a_finding_the_files_cannot_tell_is_unknown_in_both(tmp_path):
    """A run that ends before 27 April 2021 and before a half-year: F3 and F5 cannot be told."""
    result = api.run("myanmar-2021", seed=1, days=60, overrides=SMALL)
    result.save(tmp_path, plot=False)
    told = findings.verdicts([result])
    assert told["F3"] is None and told["F5"] is None and told["F4"] is not None
    assert report_verdicts(tmp_path) == {name: None if c is None else c.holds for name, c in told.items()}


def test_the_findings_name_the_models_reasons_for_staying():
    assert findings.HELD_BY == decision.HELD_BY



def test_the_readme_states_the_threshold_findings_checks_f3_against():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| **F3**"))
    assert f"above {findings.PUNISHED}" in row
