"""Downloads of the results the page shows: the daily series of every run (Parquet, CSV), the main figure
(PNG, drawn with matplotlib from the same data: Plotly's static export needs kaleido, which is not a
dependency) and the manifest. Each file carries the settings that produced it."""
from __future__ import annotations

import io
import json
from typing import Any

import numpy as np


def long_table(data: dict[str, Any]):
    """Every run of a result as one table: ``setting`` and ``seed`` columns, then the run's daily series."""
    import pyarrow as pa

    parts = []
    for label, tables in (data.get("tables") or {}).items():
        for seed, table in zip(data["seeds"], tables):
            n = table.num_rows
            parts.append(table.add_column(0, "seed", pa.array(np.full(n, int(seed)), pa.int64()))
                         .add_column(0, "setting", pa.array([str(label)] * n, pa.string())))
    if not parts:
        raise ValueError("this result holds no daily series")
    return pa.concat_tables(parts, promote_options="default")


def settings_record(data: dict[str, Any]) -> dict[str, Any]:
    return {"job": str(data.get("job")), "scenario": data.get("scenario"), "seeds": data.get("seeds"),
            "days": data.get("days"), "settings": data.get("settings")}


def parquet_bytes(data: dict[str, Any]) -> bytes:
    """The long table as Parquet, with the settings and the manifest in its schema metadata."""
    import pyarrow.parquet as pq

    table = long_table(data)
    meta = dict(table.schema.metadata or {})
    meta[b"defection.settings"] = json.dumps(settings_record(data), default=str).encode()
    meta[b"defection.manifest"] = json.dumps(data.get("manifest") or {}, default=str).encode()
    buf = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buf)
    return buf.getvalue()


def csv_bytes(data: dict[str, Any]) -> bytes:
    """The long table as CSV, after a comment line per setting (``# settings: {...}``)."""
    import pyarrow.csv as pacsv

    buf = io.BytesIO()
    buf.write(("# settings: " + json.dumps(settings_record(data), default=str) + "\n").encode())
    pacsv.write_csv(long_table(data), buf)
    return buf.getvalue()


def manifest_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps({**(data.get("manifest") or {}), "dashboard": settings_record(data)}, indent=2,
                      default=str).encode()


def png_bytes(data: dict[str, Any], lang: str = "en", width_px: int = 1200) -> bytes:
    """The main figure (defections over time: median and 90% band of each line) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from defection.dashboard import figures
    from defection.i18n import t

    runs = next(iter(data["runs"].values()))
    xs = np.array(figures.dates(runs), dtype="datetime64[D]")
    font = ["Noto Sans Myanmar", "DejaVu Sans"] if lang == "my" else ["DejaVu Sans"]
    with plt.rc_context({"font.family": font}):
        fig, ax = plt.subplots(figsize=(width_px / 100, 5.0), dpi=100)
    try:
        for name, key in figures.defection_lines(runs, figures.BOTH):
            med, lo, hi = figures.band(figures.stack(runs, name))
            color = figures.COLORS.get(name) or figures.COLORS.get(name.rsplit("_", 1)[-1], "#ff7f0e")
            ax.fill_between(xs, lo, hi, color=color, alpha=0.18, linewidth=0)
            ax.plot(xs, med, color=color, linewidth=2, label=f"{t(key, lang)} ({t('results.median', lang)})")
        title = f"{t('fig.defections', lang)} · {data.get('scenario')} · #{data.get('job')}"
        ax.set_title(title)
        ax.set_ylabel(t("axis.officers", lang))
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.grid(alpha=0.3)
        ax.legend(loc="upper left", fontsize=9)
        fig.text(0.01, 0.01, f"{len(runs)} seeds; lines: median, shaded: 90% band", fontsize=8, color="#555")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()
    finally:
        plt.close(fig)
