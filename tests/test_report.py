"""The HTML report, the translation table and Burmese text in PNG figures."""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from defection import api
from defection import i18n
from defection.engine.outputs import write_parquet
from defection.report.html import build

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """A saved run, plus a nested figure and table as a sweep or calibration directory would hold."""
    out = tmp_path_factory.mktemp("run")
    api.run("myanmar-2021", seed=3, days=120).save(out)
    (out / "extra").mkdir()
    shutil.copy(out / "overview.png", out / "extra" / "second.png")
    write_parquet(out / "extra" / "points.parquet",
                  pa.table({"point": list(range(500)), "defected": [float(k) * 2 for k in range(500)]}))
    return out


def _imgs(text: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', text)]


def test_report_embeds_every_figure_and_table(run_dir: Path):
    text = build(run_dir, "en")
    pngs = sorted(run_dir.rglob("*.png"))
    images = _imgs(text)
    assert len(images) == len(pngs) == 2
    assert sorted(images) == sorted(p.read_bytes() for p in pngs)
    assert text.count('<table class="data">') == 2  # timeseries.parquet and extra/points.parquet
    assert "timeseries.parquet" in text and "extra/points.parquet" in text
    assert "200 rows shown of 500" in text  # bounded rows
    assert "Defected by rank" in text and "constable" in text
    assert '&quot;kind&quot;: &quot;run&quot;' in text and "support.protection_capacity" in text  # manifest and scenario
    # nothing can be fetched: no external URL, no script, and a policy that forbids loading anything
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "<script" not in text
    assert "default-src 'none'" in text


def test_report_in_burmese(run_dir: Path):
    text = build(run_dir, "my")
    assert '<html lang="my">' in text
    assert i18n.t("report.figures", "my") in text and i18n.t("out.defected", "my") in text
    assert "ရဲတပ်သား" in text  # rank names translated
    assert re.search(r"[၀-၉],[၀-၉]{3}", text)  # numbers grouped, in Myanmar digits
    assert len(_imgs(text)) == 3  # both PNGs of the directory plus a Burmese overview


def test_report_cli_and_bad_input(run_dir: Path, tmp_path: Path):
    exe = Path(sys.executable).with_name("defection")
    out = tmp_path / "r.html"
    res = subprocess.run([str(exe), "report", str(run_dir), "--out", str(out), "--lang", "my"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    for args, field in ((["--lang", "fr"], "--lang fr"), ([], "not a directory")):
        target = run_dir if args else tmp_path / "missing"
        res = subprocess.run([str(exe), "report", str(target), "--out", str(out), *args],
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 2
        assert field in res.stderr and "Traceback" not in res.stderr


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
    png = overview_png(api.run("myanmar-2021", seed=1, days=90).timeseries, "my", title="myanmar-2021")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "overview-my.png").write_bytes(png)
