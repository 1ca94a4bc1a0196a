"""The command line: outputs, exact re-runs from a manifest, and clean errors with exit code 2."""
from __future__ import annotations

import json
import sys

import pyarrow.parquet as pq
import pytest

from common import run_cli
from defection import cli




@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "r"
    mp = pytest.MonkeyPatch()
    mp.setattr(sys, "argv", ["defection", "run", "--days", "90", "--seed", "2", "--out", str(out)])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    mp.undo()
    assert exc.value.code in (0, None)
    return out


def test_run_writes_results_summary_manifest_and_figure(short_run):
    assert {p.name for p in short_run.iterdir()} == {"timeseries.parquet", "summary.json", "manifest.json", "overview.png"}
    table = pq.read_table(short_run / "timeseries.parquet")
    for col in ("date", "day", "defected", "defected_civilian", "defected_paramilitary", "quiet_resisters", "compliant",
                "caught", "coercive_capacity", "civilians_active", "civilians_killed", "civilians_arrested",
                "legitimacy", "programme_cost"):
        assert col in table.column_names, col
    assert table.num_rows == 90 and str(table.column("date")[0].as_py()) == "2021-02-01"
    summary = json.loads((short_run / "summary.json").read_text())
    assert summary["final"]["defected"] == table.column("defected")[-1].as_py()
    for k in ("defected_by_branch", "defected_by_rank", "defected_by_tenure_band", "defected_by_region",
              "force_by_branch", "force_by_rank", "force_by_tenure_band", "force_by_region"):
        assert k in summary
    manifest = json.loads((short_run / "manifest.json").read_text())
    assert manifest["seed"] == 2 and manifest["scenario"]["run"]["days"] == 90
    assert manifest["version"] and "platform" in manifest and "git_commit" in manifest
    assert (short_run / "overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rerun_from_manifest_is_byte_identical(short_run, tmp_path, monkeypatch, capsys):
    code, _ = run_cli(["run", "--from", str(short_run / "manifest.json"), "--out", str(tmp_path / "again")],
                      monkeypatch, capsys)
    assert code == 0
    assert (tmp_path / "again" / "timeseries.parquet").read_bytes() == (short_run / "timeseries.parquet").read_bytes()


@pytest.mark.parametrize("args, words", [
    (["run", "--set", "decision.w_tiez=2"], ["w_tiez", "w_ties"]),
    (["run", "--set", "support.outreach=7"], ["support.outreach", "7", "less than or equal to 1"]),
    (["run", "--set", "support.outreach=lots"], ["support.outreach", "'lots'", "number"]),
    (["run", "no/such/file.toml"], ["does not exist"]),
    (["run", "myanmar-2012"], ["unknown scenario", "myanmar-2021"]),
    (["run", "--from", "nowhere/manifest.json"], ["--from", "no such file"]),
])
def test_bad_input_exits_2_with_one_paragraph_and_no_traceback(args, words, tmp_path, monkeypatch, capsys):
    code, text = run_cli([*args, "--out", str(tmp_path / "o")], monkeypatch, capsys)
    assert code == 2
    assert "Traceback" not in text
    for w in words:
        assert w in text
    assert not (tmp_path / "o" / "manifest.json").exists()


def test_non_empty_output_is_refused_unless_forced(short_run, monkeypatch, capsys):
    code, text = run_cli(["run", "--days", "5", "--out", str(short_run)], monkeypatch, capsys)
    assert code == 2 and "--force" in text
    before = (short_run / "timeseries.parquet").read_bytes()
    code, _ = run_cli(["run", "--days", "5", "--seed", "2", "--out", str(short_run), "--force"], monkeypatch, capsys)
    assert code == 0 and (short_run / "timeseries.parquet").read_bytes() != before
    code, _ = run_cli(["run", "--from", str(short_run / "manifest.json"), "--out", str(short_run), "--force"],
                      monkeypatch, capsys)
    assert code == 0


def test_interrupted_run_leaves_no_complete_looking_files(tmp_path, monkeypatch, capsys):
    from defection import api

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(api.Result, "save", interrupt)
    code, text = run_cli(["run", "--days", "5", "--out", str(tmp_path / "o")], monkeypatch, capsys)
    assert code == 130 and "Traceback" not in text and "interrupted: no partial results" in text
    assert not (tmp_path / "o" / "manifest.json").exists()


def test_profile_prints_the_schedule(tmp_path, monkeypatch, capsys):
    code, text = run_cli(["run", "--days", "3", "--out", str(tmp_path / "p"), "--profile"], monkeypatch, capsys)
    assert code == 0
    positions = [text.index(name) for name in ("protest", "crackdown", "community", "exposure", "decision", "record")]
    assert positions == sorted(positions)
