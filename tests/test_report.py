"""The HTML report reads like a brief for each kind of result, in English and Burmese; the translation
table; Burmese text in PNG figures."""
from __future__ import annotations

import base64
import html as htmllib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from defection import api, i18n
from defection.engine.outputs import write_parquet
from defection.report.html import build

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
SMALL = ["run.scale=5000", "force.n_officers=2000"]
NO_FEAR = "no-fear:switches.fear_prosecution=false,switches.fear_family=false,switches.fear_livelihood=false"
# Latin words a Burmese report may show outside names: sources and method names, cited as published
NAMES_IN_BURMESE = {"AAPP", "DIIS", "Nyan", "Corridor", "Kyed", "Selth", "Lowy", "Institute", "docs", "sources.md",
                    "early", "myanmar-", "Spearman", "ABC-SMC"}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """A saved run, plus a nested figure and table as a sweep or calibration directory would hold."""
    out = tmp_path_factory.mktemp("run")
    api.run("myanmar-2021", seed=3, days=100, overrides=SMALL).save(out)
    (out / "extra").mkdir()
    shutil.copy(out / "overview.png", out / "extra" / "second.png")
    write_parquet(out / "extra" / "points.parquet",
                  pa.table({"point": list(range(500)), "defected": [float(k) * 2 for k in range(500)]}))
    return out


@pytest.fixture(scope="module")
def compare_dir(tmp_path_factory) -> Path:
    """A comparison past the programmes' opening (16 April), with a policy that switches every fear off (F4)."""
    from defection.experiments.compare import compare

    out = tmp_path_factory.mktemp("cmp") / "cmp"
    compare("myanmar-2021", ["both-5x:support.protection_capacity=100,support.livelihood_capacity=300", NO_FEAR],
            out=out, replicates=3, days=100, overrides=SMALL, workers=0)
    return out


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> Path:
    from defection.experiments.sweep import sweep

    out = tmp_path_factory.mktemp("sweep") / "sweep"
    sweep("myanmar-2021", ["decision.defect_threshold=0.6:1.4"], out=out, samples=4, replicates=2, days=60,
          overrides=SMALL, workers=0)
    return out


def _imgs(text: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)]


def visible(text: str, names: bool = True) -> str:
    """The text a reader sees (no style, no manifest JSON); without ``names``, names are left out too."""
    text = re.sub(r"<(style|pre|title)[^>]*>.*?</\1>", " ", text, flags=re.DOTALL)
    if not names:
        text = re.sub(r'<span class="name" translate="no">.*?</span>', " ", text, flags=re.DOTALL)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", text))


def before_appendix(text: str) -> str:
    return text.split('<h2 id="appendix">')[0]


def section(text: str, anchor: str) -> str:
    """The HTML of the section whose heading has id ``anchor``, up to the next h2."""
    return text.split(f'id="{anchor}"', 1)[1].split("<h2", 1)[0]


def test_run_report_answers_the_question_on_its_first_screen(run_dir: Path):
    text = build(run_dir, "en")
    first = visible(text.split('id="observed"')[0])
    assert "undermine the regime's coercive power, and at what cost" in first
    assert "myanmar-2021" in first and "1 Feb 2021 to 11 May 2021 (100 days)" in first
    assert "Sources:" in first and "assumed" in first
    key = section(text, "key-numbers")
    assert "<th>outcome</th><th>value</th>" in key  # proper headers, not "parameter" over outcomes
    assert re.search(r"Defected</td><td class=\"num\">[\d,]+ officers \([\d.]+% of [\d,]+\)", key), key
    assert "of the first day's level" in visible(key) and "million kyat" in key and "people" in key
    # raw keys and None never reach the reader before the appendix
    shown = visible(before_appendix(text), names=False)
    for raw in ("coercive_capacity_initial", "force_by_branch", "None", "senior_share", "defected_by_", "_civilian"):
        assert raw not in shown, raw


def test_run_report_sets_simulated_against_observed_and_the_findings(run_dir: Path):
    text = build(run_dir, "en")
    observed = visible(section(text, "observed"))
    assert "at least 100" in observed and "The Irrawaddy, 4 Mar 2021" in observed
    assert "AAPP daily briefing" in observed and "civilians killed (cumulative)" in observed
    assert "(seed)" not in observed  # the DIIS / Nyan Corridor report is named, not called the seed
    findings = section(text, "findings")
    verdicts = re.findall(r'<span class="verdict (\w+)">', findings)
    assert len(verdicts) == 5
    assert verdicts[0] in ("holds", "fails") and verdicts[1] in ("holds", "fails")  # a run has branches and ranks
    assert verdicts[3] in ("holds", "fails")  # F4: why quiet resisters stay, recorded every day
    assert verdicts[4] == "unknown"  # F5 needs a half-year; the run has 100 days
    assert "cannot be told from this result" in findings and "at least a half-year" in findings
    assert "what the data cannot identify" in text.lower() and "quiet resistance" in text


def test_run_report_figures_have_captions_and_tables_go_to_a_collapsed_appendix(run_dir: Path):
    text = build(run_dir, "en")
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", text, re.DOTALL)
    assert len(captions) == len(_imgs(text)) == 2 and sorted(_imgs(text)) == sorted(
        p.read_bytes() for p in run_dir.rglob("*.png"))
    assert captions[0].startswith("Defections in all, by force and by branch (cumulative)")
    assert "A figure saved in this directory." in captions[1]
    appendix = text.split('<h2 id="appendix">')[1]
    assert "<details" in appendix and "<details open" not in appendix
    assert "100 rows × " in appendix and "500 rows × 2 columns" in appendix  # shape, not every row
    tables = appendix.split('<details class="tables">')[1].split("</details>")[0]
    assert tables.count("<tr>") < 100  # a row per column of each table, not a row per row
    assert "Defected by rank" in appendix and "constable" in appendix
    assert "support.protection_capacity" in appendix and "&quot;kind&quot;: &quot;run&quot;" in appendix
    # nothing can be fetched: no external URL, no script, and a policy that forbids loading anything
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<script" not in text
    assert "default-src 'none'" in text


def test_compare_report_shows_the_effects_table_costs_and_cost_per_extra_defection(compare_dir: Path):
    from defection.formatting import costs_table, effects_table

    result = json.loads((compare_dir / "compare.json").read_text())
    text = build(compare_dir, "en")
    policies = section(text, "policies")
    headers, rows, _ = effects_table(result, "en")
    assert [htmllib.unescape(h) for h in re.findall(r"<th>(.*?)</th>", policies)][:4] == headers
    cells = [htmllib.unescape(c) for c in re.findall(r'<td class="num">(.*?)</td>', policies)]
    for row in rows:
        for value in row[1:]:
            if value:
                assert value in cells, value
    assert any(re.fullmatch(r"[+-][\d,]+ \[[+-][\d,]+, [+-][\d,]+\]", c) for c in cells)  # paired effects
    assert "-0.0" not in policies and "-0 " not in policies
    headers, rows = costs_table(result, "en")
    assert "kyat per extra defection" in headers and all(r[1] in cells for r in rows)
    assert "extra defections against the reference policy" in policies and "million kyat" in policies
    key = section(text, "key-numbers")
    assert "90% interval" in key and "scenario-programmes" in key  # an ensemble's numbers come with their interval
    assert "the scenario's programmes" in visible(key) and "counts each compliant officer by branch" in key  # named
    verdicts = re.findall(r'<span class="verdict (\w+)">', section(text, "findings"))
    assert verdicts[2:4] == ["holds", "holds"]  # the reference policy's daily series tell F3 and F4
    appendix = text.split('<h2 id="appendix">')[1]
    titles = re.findall(r"<h4>(.*?)</h4>", appendix)
    assert len(titles) == len(set(titles))  # each table or folder once
    assert re.search(r"timeseries/</span></h4><p class=\"note\">[\d,]+ rows × \d+ columns · \d+ files", appendix)
    assert "chunk=000001" not in appendix  # a folder of chunks is summarised once, not chunk by chunk


def test_sweep_report_shows_the_varied_parameters_and_the_bands_of_its_runs(sweep_dir: Path):
    text = build(sweep_dir, "en")
    sweep = section(text, "sweep")
    assert "decision.defect_threshold" in sweep and "Spearman" in sweep
    assert re.search(r"−?\d\.\d\d</td>", sweep)
    key = section(text, "key-numbers")
    assert "<th>median</th><th>90% interval</th>" in key and "8 runs" in visible(key)
    assert len(_imgs(text)) == 1 and "All runs of the sweep over time" in text  # a sweep writes no figure itself


def test_calibration_and_forecast_reports(tmp_path: Path, run_dir: Path):
    """Directories as calibrate and forecast write them (made by hand: no ABC-SMC is run here)."""
    scenario = json.loads((run_dir / "manifest.json").read_text())["scenario"]
    cal = tmp_path / "cal"
    cal.mkdir()
    (cal / "manifest.json").write_text(json.dumps({
        "kind": "calibration", "scenario": scenario, "seed": 0, "created": "2026-01-02T00:00:00+00:00",
        "observations": [{"series": "civilians_killed", "date": "2021-03-15", "day": 42, "value": 183.0,
                          "lower_bound": False}]}))
    (cal / "posterior_summary.json").write_text(json.dumps({"generations": 3, "simulations": 600, "epsilon": 0.4,
        "posterior": {"crackdown.deaths_per_1000_active": {"median": 0.001, "q05": 0.0009, "q95": 0.0012,
                                                           "prior_lo": 0.0003, "prior_hi": 0.004},
                      "support.protection_effect": {"median": 0.5, "q05": 0.06, "q95": 0.95, "prior_lo": 0.0,
                                                    "prior_hi": 1.0}}}))
    text = build(cal, "en")
    assert "narrowed 1 of 2 fitted parameters" in visible(text)
    assert "(stays wide)" in section(text, "key-numbers")
    caveats = section(text, "caveats")
    assert "support.protection_effect" in caveats and "crackdown.deaths_per_1000_active" not in caveats
    assert "183" in section(text, "observed")
    assert_all_burmese(build(cal, "my"))
    fc = tmp_path / "fc"
    fc.mkdir()
    dates = pa.array([f"2021-02-{d:02d}" for d in range(1, 11)] * 2).cast(pa.date32())
    series = ["defected"] * 10 + ["civilians_killed"] * 10
    q50 = [float(k) for k in range(20)]
    write_parquet(fc / "forecast.parquet", pa.table({"date": dates, "series": series, "q05": q50, "q25": q50,
                                                     "q50": q50, "q75": q50, "q95": [v + 5 for v in q50]}))
    (fc / "manifest.json").write_text(json.dumps({"kind": "forecast", "scenario": scenario, "draws": 7,
                                                  "until": "2021-02-10"}))
    text = build(fc, "en")
    key = visible(section(text, "key-numbers"))
    assert "10 Feb 2021" in key and "9 officers" in key and "9 – 14" in key and "7 simulations" in visible(text)
    burmese = build(fc, "my")
    assert len(_imgs(burmese)) == 1  # drawn again with Burmese labels
    assert_all_burmese(burmese)


def test_per_force_rows_appear_when_the_run_records_them(run_dir: Path, tmp_path: Path):
    """The army as a second force: columns ending _police/_army, summary.json's by_force, new branch names."""
    out = tmp_path / "two-forces"
    shutil.copytree(run_dir, out)
    series = pq.read_table(out / "timeseries.parquet")
    series = series.drop([c for c in series.column_names if c.endswith(("_police", "_army"))])  # as before the army
    for column in ("defected", "quiet_resisters", "coercive_capacity"):
        police = pc.multiply(series.column(column), 0.75)
        series = series.append_column(f"{column}_police", police)
        series = series.append_column(f"{column}_army", pc.subtract(series.column(column), police))
    write_parquet(out / "timeseries.parquet", series)
    summary = json.loads((out / "summary.json").read_text())
    summary["by_force"] = {"police": {"defected": 10}, "army": {"defected": 3}}
    summary["final"] = {k: v for k, v in summary["final"].items() if not k.endswith(("_police", "_army"))}
    summary["defected_by_branch"]["army_combat"] = 2
    summary["force_by_branch"]["army_combat"] = 900
    (out / "summary.json").write_text(json.dumps(summary))
    text = build(out, "en")
    key = visible(section(text, "key-numbers"))
    assert "Defected, police" in key and "Defected, army" in key and "Quiet resisters, army" in key
    assert "Coercive capacity at the end, police" in key
    assert "army, combat units" in text
    my = build(out, "my")
    assert f"{i18n.t('out.defected', 'my')}၊ {i18n.t('force.army', 'my')}" in my


def assert_all_burmese(text: str) -> None:
    """No English word of the translation table is left in the visible text, outside names; the only Latin
    words are names of sources and methods; a scenario's name keeps its digits."""
    english_only = ({w.lower() for v in i18n.TEXT.values() for w in re.findall(r"[A-Za-z]{3,}", v["en"])}
                    - {w.lower() for v in i18n.TEXT.values() for w in re.findall(r"[A-Za-z]{3,}", v.get("my", ""))})
    assert '<html lang="my">' in text
    shown = visible(text, names=False)
    leftover = sorted({w for w in re.findall(r"[A-Za-z]{3,}", shown) if w.lower() in english_only})
    assert leftover == [], leftover
    latin = set(re.findall(r"[A-Za-z][A-Za-z_.-]{2,}", shown))
    assert latin <= NAMES_IN_BURMESE, latin - NAMES_IN_BURMESE
    assert "myanmar-2021" in text and "myanmar-၂၀၂၁" not in text  # a name keeps its digits


def test_report_in_burmese_translates_every_label_and_keeps_names(run_dir: Path, compare_dir: Path,
                                                                  sweep_dir: Path):
    for directory in (run_dir, compare_dir, sweep_dir):
        text = build(directory, "my")
        assert_all_burmese(text)
        assert re.search(r"[၀-၉],[၀-၉]{3}", text)  # numbers grouped, in Myanmar digits
    text = build(run_dir, "my")
    images = _imgs(text)
    assert len(images) == 1  # the overview drawn in Burmese; no English figure appended
    assert not {p.read_bytes() for p in run_dir.rglob("*.png")} & set(images)
    assert "ရဲတပ်သား" in text  # rank names translated
    assert i18n.t("fig.english_left_out", "my").format(n="၂") in text


def test_burmese_note_about_links_is_translated(run_dir: Path, tmp_path: Path):
    out = tmp_path / "linked"
    shutil.copytree(run_dir, out)
    (out / "notes.csv").symlink_to(tmp_path)
    text = build(out, "my")
    assert "Not read" not in text and i18n.t("report.links", "my").split("(")[0] in text and "notes.csv" in text


def test_report_cli_and_bad_input(run_dir: Path, tmp_path: Path):
    exe = Path(sys.executable).with_name("defection")
    out = tmp_path / "r.html"
    res = subprocess.run([str(exe), "report", str(run_dir), "--out", str(out), "--lang", "my"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    for args, field in ((["--lang", "fr"], "--lang fr"), ([], "not a directory")):
        target = run_dir if args else tmp_path / "missing"
        res = subprocess.run([str(exe), "report", str(target), "--out", str(tmp_path / "new.html"), *args],
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 2
        assert field in res.stderr and "Traceback" not in res.stderr


def test_shared_formatting_never_prints_a_negative_zero():
    from defection.formatting import costs_table, effects_table, number

    assert number(-0.04, "+.1f") == "+0.0" and number(-0.0004, ".1f") == "0.0" and number(-3.2, "+.1f") == "-3.2"
    assert number(1234.5, ",.0f", "my") == "၁,၂၃၄"
    row = {"n": 2, "censored": 0, "mean": 10.0, "p05": 9.0, "p95": 11.0, "diff_mean": -0.01, "diff_lo": -0.02,
           "diff_hi": 0.01}
    result = {"baseline": "a", "policies": [
        {"policy": "a", "cost_mean": 0.0, "extra_defections": 0.0, "cost_per_additional_defection": None},
        {"policy": "b", "cost_mean": 2e6, "extra_defections": 2.0, "cost_per_additional_defection": 1e6}],
        "rows": [{**row, "policy": p, "outcome": "defected"} for p in "ab"]
        + [{**row, "policy": p, "outcome": "day_capacity_below_half", "censored": 2} for p in "ab"]}
    headers, rows, censored = effects_table(result)
    assert headers[0] == "policy / outcome" and not censored
    assert ["  defected", "10", "9–11", "+0 [+0, +0]"] in rows
    assert ["  day capacity <50%", "never", "-", ""] in rows
    assert costs_table(result)[1] == [["a", "0.0", "US$0", "", "-", "-"],
                                      ["b", "2.0", "US$1,120", "+2.0", "1,000,000", "US$562"]]


def test_translation_table_is_complete_and_burmese():
    assert i18n.missing("my") == [] and i18n.missing("en") == []
    myanmar = re.compile(r"[\u1000-\u109f]")
    assert all(myanmar.search(v["my"]) for k, v in i18n.TEXT.items() if k not in ("axis.percent",))
    assert i18n.fmt_int(1234567, "my") == "၁,၂၃၄,၅၆၇"
    assert i18n.fmt_int(1234567, "en") == "1,234,567"
    assert i18n.fmt_number(-0.3, "en") == "0"
    assert i18n.fmt_date("2021-12-31", "my") == "၃၁ ဒီဇင်ဘာ ၂၀၂၁"


def test_burmese_png_uses_noto_sans_myanmar(tmp_path: Path):
    from matplotlib import font_manager

    from defection.report.figures import font_family, myanmar_font, overview_png

    path = myanmar_font()
    if path is None:
        pytest.skip("Noto Sans Myanmar is not installed (apt-get install -y fonts-noto-core)")
    assert "NotoSansMyanmar" in Path(path).name
    assert font_family("my")[0] == "Noto Sans Myanmar"
    assert font_manager.FontProperties(fname=path).get_name() == "Noto Sans Myanmar"
    png = overview_png(api.run("myanmar-2021", seed=1, days=90, overrides=SMALL).timeseries, "my",
                       title="myanmar-2021")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "overview-my.png").write_bytes(png)


def test_a_scenario_name_in_a_burmese_figure_keeps_its_digits(monkeypatch):
    """The Burmese overview's title is the scenario's name as written ("myanmar-2021", not "myanmar-၂၀၂၁")."""
    from defection.report import figures

    titles: list[str] = []

    def capture(fig, *args, **kwargs):
        titles.append(fig._suptitle.get_text() if fig._suptitle else "")
        figures.pyplot().close(fig)
        return b""

    monkeypatch.setattr(figures, "png_bytes", capture)
    figures.overview_png(api.run("myanmar-2021", seed=1, days=20, overrides=SMALL).timeseries, "my",
                         title="myanmar-2021")
    assert titles == ["myanmar-2021"]
