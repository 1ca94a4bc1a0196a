"""`defection report` reads only the files of the results directory, never through a symbolic link."""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from defection import api
from defection.engine.outputs import write_parquet
from defection.errors import OutputError
from defection.report.html import ResultFiles, build, write

EXE = Path(sys.executable).with_name("defection")
TOKEN = "SECRET-7f3a9c1e-do-not-embed"


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "D"
    api.run("myanmar-2021", seed=1, days=3).save(out)
    return out


@pytest.fixture()
def run_dir(saved_run: Path, tmp_path: Path) -> Path:
    out = tmp_path / "D"
    shutil.copytree(saved_run, out, symlinks=True)
    return out


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """Files outside the results directory, each holding the token in a form the report would embed."""
    d = tmp_path / "outside"
    d.mkdir()
    (d / "secret.csv").write_text(f"key\n{TOKEN}\n", encoding="utf-8")
    (d / "secret.json").write_text(json.dumps({"final": {"secret": TOKEN}, "seed": TOKEN}), encoding="utf-8")
    (d / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n" + TOKEN.encode())
    write_parquet(d / "secret.parquet", pa.table({"key": [TOKEN]}))
    return d


def _assert_not_embedded(text: str) -> None:
    """The token is neither in the text nor in any embedded (base64) figure."""
    assert TOKEN not in text
    for data in re.findall(r"data:[a-z/+]+;base64,([A-Za-z0-9+/=]+)", text):
        assert TOKEN.encode() not in base64.b64decode(data)


@pytest.mark.parametrize("name,target", [("notes.csv", "secret.csv"), ("extra.parquet", "secret.parquet"),
                                         ("figure.png", "secret.png"), ("compare.json", "secret.json"),
                                         ("summary.json", "secret.json"), ("timeseries.parquet", "secret.parquet"),
                                         ("manifest.json", "secret.json")])
def test_a_link_to_a_file_outside_is_not_read(run_dir: Path, outside: Path, name: str, target: str):
    (run_dir / name).unlink(missing_ok=True)
    (run_dir / name).symlink_to(outside / target)
    text = build(run_dir, "en")
    _assert_not_embedded(text)
    assert "Not read: symbolic links" in text and name in text


def test_a_linked_summary_to_etc_passwd_is_not_read(run_dir: Path):
    (run_dir / "summary.json").unlink()
    (run_dir / "summary.json").symlink_to("/etc/passwd")
    text = build(run_dir, "my")  # the Burmese report also redraws timeseries.parquet: it must not follow links
    assert "root:" not in text and "/bin/" not in text
    assert "summary.json" in text


def test_a_linked_folder_is_not_entered(run_dir: Path, outside: Path):
    (run_dir / "extra").symlink_to(outside, target_is_directory=True)
    nested = run_dir / "timeseries"
    nested.mkdir()
    (nested / "chunk=000000").symlink_to(outside, target_is_directory=True)
    text = build(run_dir, "en")
    _assert_not_embedded(text)
    assert "extra" in text and "timeseries/chunk=000000" in text


def test_only_known_regular_files_are_listed(run_dir: Path, outside: Path):
    os.mkfifo(run_dir / "fifo.csv")  # opening a FIFO would block the report forever
    (run_dir / "id_ed25519").write_text(TOKEN)  # no suffix the report knows
    (run_dir / ".hidden.csv").write_text(f"k\n{TOKEN}\n")
    files = ResultFiles(run_dir)
    try:
        assert set(files.files) == {"manifest.json", "summary.json", "overview.png", "timeseries.parquet"}
    finally:
        files.close()
    _assert_not_embedded(build(run_dir, "en"))


def test_a_file_swapped_for_a_link_after_the_listing_is_refused(run_dir: Path, outside: Path):
    files = ResultFiles(run_dir)
    try:
        assert files.has("summary.json")
        (run_dir / "summary.json").unlink()
        (run_dir / "summary.json").symlink_to(outside / "secret.json")
        assert files.read_bytes("summary.json") is None and files.read_json("summary.json") is None
        with pytest.raises(OSError):
            files.open("summary.json")
    finally:
        files.close()


def test_the_directory_itself_may_be_a_link(run_dir: Path, outside: Path, tmp_path: Path):
    """The user names the directory (runs/latest -> runs/20260101-...): it is followed, links inside it are not."""
    (run_dir / "notes.csv").symlink_to(outside / "secret.csv")
    latest = tmp_path / "latest"
    latest.symlink_to(run_dir, target_is_directory=True)
    text = build(latest, "en")
    assert "Defected by rank" in text and "timeseries.parquet" in text
    _assert_not_embedded(text)


def test_cli_report_with_a_planted_key(run_dir: Path, outside: Path, tmp_path: Path):
    """The issue's reproduction: ln -s ~/.ssh/id_ed25519 DIR/notes.csv; defection report DIR."""
    (run_dir / "notes.csv").symlink_to(outside / "secret.csv")
    out = tmp_path / "report.html"
    res = subprocess.run([str(EXE), "report", str(run_dir), "--out", str(out)], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    _assert_not_embedded(out.read_text(encoding="utf-8"))


def test_report_out_that_is_a_link_is_refused_not_written_through(run_dir: Path, outside: Path, tmp_path: Path):
    victim = outside / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "report.html"
    link.symlink_to(victim)
    with pytest.raises(OutputError, match=f"symbolic link to {re.escape(str(victim.resolve()))}"):
        write(run_dir, link, "en")
    assert victim.read_text() == "keep me" and link.is_symlink()
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def test_report_out_that_cannot_be_written_is_a_clear_error(run_dir: Path, tmp_path: Path):
    res = subprocess.run([str(EXE), "report", str(run_dir), "--out", "/proc/x.html"], capture_output=True,
                         text=True, timeout=300)
    folded = "".join(res.stderr.split())  # rich wraps the paragraph to the terminal's width, inside a path too
    assert res.returncode == 2 and "Traceback" not in res.stderr and "/proc/x.html" in folded, res.stderr


def test_an_ensembles_chunk_that_is_a_link_is_not_read(saved_run: Path, tmp_path: Path):
    """The report reads an ensemble's chunk files for its bands and its simulated-against-observed table; a
    chunk that is a link to a file outside (with runs and dates that would enter the medians) is not read."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    sweep = tmp_path / "sweep"
    (sweep / "timeseries" / "chunk=000000").mkdir(parents=True)
    (sweep / "timeseries" / "chunk=000001").mkdir(parents=True)
    manifest = json.loads((saved_run / "manifest.json").read_text())
    (sweep / "manifest.json").write_text(json.dumps({**manifest, "kind": "sweep"}))
    series = pq.read_table(saved_run / "timeseries.parquet")
    write_parquet(sweep / "timeseries" / "chunk=000000" / "part-0.parquet",
                  series.add_column(0, "run", pa.array([0] * series.num_rows, pa.int64())))
    planted = series.add_column(0, "run", pa.array([1] * series.num_rows, pa.int64()))
    planted = planted.set_column(planted.column_names.index("defected"), "defected",
                                 pc.add(planted.column("defected"), pa.scalar(987_654_320, pa.int32())))
    write_parquet(tmp_path / "secret.parquet", planted)
    (sweep / "timeseries" / "chunk=000001" / "part-0.parquet").symlink_to(tmp_path / "secret.parquet")
    write_parquet(sweep / "summary.parquet", pa.table({"run": [0], "point": [0], "replicate": [0],
                                                       "defected": [int(series.column("defected")[-1].as_py())]}))
    text = build(sweep, "en")
    assert "Not read: symbolic links" in text and "timeseries/chunk=000001/part-0.parquet" in text
    # the planted counts (and any median over them) are above 400 million; no true count comes near. The
    # commit's hex digits, in the provenance, are taken out first: they may hold any run of digits.
    shown = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", "", text).replace(str(manifest.get("git_commit")), "")
    numbers = [int(token.replace(",", "")) for token in re.findall(r"\d[\d,]*", shown)]
    assert max(numbers) < 100_000_000, max(numbers)
    from defection.report.results import Results

    files = ResultFiles(sweep)
    try:
        assert set(Results(files).ensemble_series(["defected"]).column("run").to_pylist()) == {0}
    finally:
        files.close()
