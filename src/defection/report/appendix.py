"""The report's appendix, collapsed: breakdowns, every data table summarised (shape, columns, first and last
values, minimum and maximum), other records, the scenario as resolved and the manifest.

A table split into chunk files (``timeseries/chunk=*/part-0.parquet``, ``parts/chunk-*.parquet``) is
summarised once for the whole folder, never chunk by chunk. Minimum and maximum come from the Parquet
statistics, so a large table is not read whole.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import re
from typing import Any

from defection.i18n import TEXT, digits, fmt_int, fmt_value, label, t
from defection.report.files import TABLES, ResultFiles
from defection.report.markup import Raw, esc, flatten, name, para, table
from defection.report.results import Results, finite

MAX_COLUMNS = 40
MAX_GROUP_FILES = 5000
BREAKDOWN_PREFIX = {"rank": "rank", "region": "region", "branch": "branch", "tenure_band": ""}
_CHUNKED = re.compile(r"^(?P<dir>[^/]+)/(chunk=\d+/part-\d+|chunk-\d+)\.parquet$")


def _value(value: Any, lang: str) -> str:
    """A cell: numbers and dates in the locale's digits; text and booleans are data, shown as names."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, bool):
        return name("true" if value else "false")
    if isinstance(value, (dt.date, dt.datetime)):
        return digits(value.isoformat()[:19], lang)
    if isinstance(value, (int, float)):
        return fmt_value(value, lang)
    text = str(value)
    return name(text if len(text) <= 60 else text[:57] + "…")


def groups(files: ResultFiles) -> dict[str, list[str]]:
    """Tables by what they hold: one entry per file, or per folder of chunk files."""
    out: dict[str, list[str]] = {}
    for rel in files.matching(TABLES):
        m = _CHUNKED.match(rel)
        out.setdefault(f"{m['dir']}/" if m else rel, []).append(rel)
    return out


def _parquet_summary(files: ResultFiles, rels: list[str]):
    """(rows, schema, {column: [min, max]}, first row, last row) of Parquet files read as one table."""
    import pyarrow.parquet as pq

    total, schema, bounds, first, last = 0, None, {}, None, None
    for k, rel in enumerate(rels[:MAX_GROUP_FILES]):
        with files.open(rel) as fh:
            pf = pq.ParquetFile(fh)
            meta = pf.metadata
            schema = schema or pf.schema_arrow
            total += meta.num_rows
            for g in range(meta.num_row_groups):
                group = meta.row_group(g)
                for c in range(group.num_columns):
                    col = group.column(c)
                    stats = col.statistics
                    if stats is None or not stats.has_min_max:
                        continue
                    lo, hi = bounds.setdefault(col.path_in_schema, [stats.min, stats.max])
                    try:
                        bounds[col.path_in_schema] = [min(lo, stats.min), max(hi, stats.max)]
                    except TypeError:
                        pass
            if k == 0 and meta.num_rows:
                first = pf.read_row_group(0).slice(0, 1).to_pylist()[0]
            if k == min(len(rels), MAX_GROUP_FILES) - 1 and meta.num_rows:
                tail = pf.read_row_group(meta.num_row_groups - 1)
                last = tail.slice(tail.num_rows - 1, 1).to_pylist()[0] if tail.num_rows else None
    return total, schema, bounds, first, last


def _csv_summary(files: ResultFiles, rel: str):
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv

    with files.open(rel) as fh:
        tb = pcsv.read_csv(fh)
    bounds = {}
    for c in tb.column_names:
        with contextlib.suppress(Exception):  # a column without an order has no min and max
            mm = pc.min_max(tb.column(c)).as_py()
            bounds[c] = [mm["min"], mm["max"]]
    rows = tb.to_pylist() if tb.num_rows <= 2 else tb.slice(0, 1).to_pylist() + tb.slice(tb.num_rows - 1).to_pylist()
    return tb.num_rows, tb.schema, bounds, (rows[0] if rows else None), (rows[-1] if rows else None)


def table_summary(files: ResultFiles, key: str, rels: list[str], lang: str) -> str:
    """One table (or folder of chunk files) as its shape and a row per column."""
    head = f"<h4>{name(key)}</h4>"
    try:
        if rels[0].lower().endswith(".parquet"):
            total, schema, bounds, first, last = _parquet_summary(files, rels)
        else:
            total, schema, bounds, first, last = _csv_summary(files, rels[0])
    except Exception as exc:  # noqa: BLE001 - a broken file is named, not fatal
        return head + para(f"{t('appx.unreadable', lang)} ({type(exc).__name__})", "note")
    names = schema.names
    shape = t("appx.shape", lang).format(rows=fmt_int(total, lang), cols=fmt_int(len(names), lang))
    if len(rels) > 1:
        shape += " · " + t("appx.files", lang).format(n=fmt_int(len(rels), lang))
    rows = []
    for c in names[:MAX_COLUMNS]:
        lo, hi = bounds.get(c, [None, None])
        rows.append([name(c), name(str(schema.field(c).type)), _value(lo, lang), _value(hi, lang),
                     _value((first or {}).get(c), lang), _value((last or {}).get(c), lang)])
    more = len(names) - MAX_COLUMNS
    note = para(t("appx.more_columns", lang).format(n=fmt_int(more, lang)), "note") if more > 0 else ""
    return (head + para(shape, "note")
            + table([t("appx.column", lang), t("appx.type", lang), t("appx.min", lang), t("appx.max", lang),
                     t("appx.first", lang), t("appx.last", lang)], rows, "data", (2, 3, 4, 5)) + note)


def breakdowns(res: Results, lang: str) -> str:
    s = res.summary or {}
    parts = []
    for key, value in s.items():
        if not (key.startswith("defected_by_") and isinstance(value, dict)):
            continue
        what = key.removeprefix("defected_by_")
        force = s.get(f"force_by_{what}") if isinstance(s.get(f"force_by_{what}"), dict) else {}
        prefix = BREAKDOWN_PREFIX.get(what, what)
        rows = []
        for category, n in value.items():
            of = force.get(category)
            shown = label(prefix, category, lang) if prefix else digits(category, lang)
            rows.append([shown.replace("_", " ") if shown == category else shown, fmt_int(n, lang),
                         fmt_int(of, lang) if finite(of) else "-",
                         f"{fmt_value(100 * n / of, lang)}%" if finite(of) and of and finite(n) else "-"])
        title = t(f"breakdown.{key}", lang) if f"breakdown.{key}" in TEXT else key
        parts.append(f"<h4>{esc(title)}</h4>" + table([t("appx.category", lang), t("out.defected", lang),
                                                       t("appx.officers", lang), t("appx.rate", lang)], rows,
                                                      "breakdown", (1, 2, 3)))
    return "".join(parts)


def records(files: ResultFiles, lang: str, kind: str = "run") -> str:
    """Other JSON records of the directory (compare.json, posterior_summary.json, job.json; summary.json of a
    kind the brief does not read) as key and value."""
    parts = []
    for rel in files.matching((".json",), top_only=True):
        if rel == "manifest.json" or (rel == "summary.json" and kind == "run"):
            continue
        data = files.read_json(rel)
        if not isinstance(data, dict):
            continue
        rows = [[name(k), _value(json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else v,
                                 lang)] for k, v in flatten(data)][:200]
        parts.append(f"<h4>{name(rel)}</h4>" + table([t("appx.key", lang), t("report.value", lang)], rows, "record"))
    return "".join(parts)


def _details(key: str, body: str, lang: str, cls: str = "") -> str:
    return f'<details class="{cls}"><summary>{esc(t(key, lang))}</summary>{body}</details>' if body else ""


def appendix(res: Results, lang: str) -> str:
    files = res.files
    tables = "".join(table_summary(files, key, rels, lang) for key, rels in groups(files).items())
    scenario = table([t("appx.key", lang), t("report.value", lang)],
                     [[name(k), _value(json.dumps(v) if isinstance(v, (list, dict)) else v, lang)]
                      for k, v in flatten(res.scenario)], "scenario") if res.scenario else ""
    manifest = (f"<pre>{esc(json.dumps(res.manifest, indent=2, ensure_ascii=False, default=str))}</pre>"
                if res.manifest else "")
    body = (_details("appx.breakdowns", breakdowns(res, lang), lang, "breakdowns")
            + _details("appx.tables", tables, lang, "tables")
            + _details("appx.records", records(files, lang, res.kind), lang, "records")
            + _details("report.scenario", scenario, lang, "scenario")
            + _details("report.manifest", manifest, lang, "manifest"))
    return Raw(f'<h2 id="appendix">{esc(t("appx.title", lang))}</h2>'
               + para(t("appx.intro", lang), "note") + body)
