"""``defection report DIR --out report.html``: one self-contained HTML file for any results directory.

Works for a run, a sweep, a comparison or a calibration directory: it shows the manifest's kind,
the scenario as resolved, summary.json's key numbers, every PNG/SVG figure in the directory embedded
as base64, and every Parquet/CSV table (bounded rows). Nothing is loaded from the network: no script,
no font, no style sheet; the file opens offline.
"""
from __future__ import annotations

import base64
import datetime as dt
import errno
import html
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

from defection.i18n import LANGS, digits, fmt_value, label, t
from defection.errors import DefectionError

MAX_ROWS = 200
MAX_COLUMNS = 40
MAX_FIGURES = 60
MAX_TABLES = 40
SKIP_DIRS = {".git", "__pycache__", ".pytest_cache"}

CSS = """
body{font-family:"Noto Sans Myanmar","Myanmar Text","Padauk","Noto Sans","DejaVu Sans",Arial,sans-serif;
margin:0;background:#f6f7f9;color:#1d2430}
:lang(my){font-family:"Noto Sans Myanmar","Myanmar Text","Padauk","Noto Sans","DejaVu Sans",sans-serif;line-height:1.8}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:1.6rem;margin:12px 0 4px} h2{margin-top:28px;border-bottom:1px solid #d4d8df;padding-bottom:4px}
h3{font-size:1.05rem;margin:18px 0 6px}
.meta{color:#555;font-size:.9rem} .note{color:#555;font-size:.85rem}
figure{margin:12px 0 20px;background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:8px}
figure img{max-width:100%;height:auto;display:block} figcaption{font-size:.85rem;color:#444;margin-top:4px}
table{border-collapse:collapse;font-size:.82rem;background:#fff;margin:6px 0 4px}
th,td{border:1px solid #d4d8df;padding:3px 7px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums} .scroll{overflow-x:auto;max-width:100%}
pre{background:#fff;border:1px solid #d4d8df;padding:10px;overflow-x:auto;font-size:.8rem}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


FIGURES = (".png", ".svg")
TABLES = (".parquet", ".csv")
KNOWN_SUFFIXES = FIGURES + TABLES + (".json",)
MAX_DEPTH = 4  # DIR/timeseries/chunk=NNNNNN/part-0.parquet is the deepest file the tool writes
MAX_BYTES = 50_000_000  # a figure or JSON file larger than this is not embedded
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class ResultFiles:
    """The files of a results directory that the report may read, found and opened without following links.

    Only regular files with a known suffix are listed (figures, tables, JSON). A symbolic link inside
    the directory is never followed, whether it names a file or a folder and wherever it points: it
    is listed in ``links`` and named in the report as not read. Every read opens the path one
    component at a time from the directory's own descriptor with ``O_NOFOLLOW``, so a file swapped
    for a link after the listing is refused too. The directory named on the command line may itself
    be a link (``runs/latest``): the user chose it, and it is opened once.
    """

    def __init__(self, root: Path):
        self.root = root
        self.fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        self.files: list[str] = []
        self.links: list[str] = []
        try:
            self._scan(self.fd, (), 0)
        except BaseException:
            os.close(self.fd)
            raise
        self.files.sort(key=lambda rel: (rel.count("/"), rel))  # top-level files first, then by path

    def close(self) -> None:
        os.close(self.fd)

    def _scan(self, fd: int, parts: tuple[str, ...], depth: int) -> None:
        with os.scandir(fd) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name.startswith(".") or entry.name in SKIP_DIRS:
                    continue
                rel = "/".join((*parts, entry.name))
                if entry.is_symlink():
                    self.links.append(rel)
                elif entry.is_dir(follow_symlinks=False) and depth < MAX_DEPTH:
                    sub = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=fd)
                    try:
                        self._scan(sub, (*parts, entry.name), depth + 1)
                    finally:
                        os.close(sub)
                elif entry.is_file(follow_symlinks=False) and entry.name.lower().endswith(KNOWN_SUFFIXES):
                    self.files.append(rel)

    def matching(self, suffixes: tuple[str, ...], top_only: bool = False) -> list[str]:
        return [rel for rel in self.files if rel.lower().endswith(suffixes) and not (top_only and "/" in rel)]

    def has(self, rel: str) -> bool:
        return rel in self.files

    def open(self, rel: str):
        """A binary file object for ``rel``; OSError if any component is a link or it is not a regular file."""
        *dirs, name = rel.split("/")
        opened: list[int] = []
        try:
            fd = self.fd
            for part in dirs:
                fd = os.open(part, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW, dir_fd=fd)
                opened.append(fd)
            # O_NONBLOCK: a FIFO put under a known name cannot hang the report
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0), dir_fd=fd)
        finally:
            for d in opened:
                os.close(d)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OSError(errno.EINVAL, "not a regular file", rel)
        return os.fdopen(fd, "rb")

    def read_bytes(self, rel: str, limit: int = MAX_BYTES) -> bytes | None:
        """The file's bytes, or None if it cannot be read safely or is larger than ``limit``."""
        try:
            with self.open(rel) as fh:
                data = fh.read(limit + 1)
        except OSError:
            return None
        return data if len(data) <= limit else None

    def read_json(self, rel: str) -> Any:
        data = self.read_bytes(rel) if self.has(rel) else None
        try:
            return None if data is None else json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            return None


def _cell(value: Any, lang: str) -> tuple[str, bool]:
    """(escaped text, is numeric)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return _e(value), True
        return _e(fmt_value(value, lang)), True
    if isinstance(value, (dt.date, dt.datetime)):
        return _e(digits(value.isoformat(), lang)), False
    if isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return _e(text if len(text) <= 300 else text[:297] + "…"), False
    return _e(value), False


def _table(headers: list[str], rows: list[list[Any]], lang: str, cls: str = "") -> str:
    out = [f'<div class="scroll"><table class="{cls}"><thead><tr>']
    out += [f"<th>{_e(h)}</th>" for h in headers]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for v in row:
            text, num = _cell(v, lang)
            out.append(f'<td class="num">{text}</td>' if num else f"<td>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _flatten(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Scalar leaves of a nested dict as (dotted key, value); lists of scalars or records kept whole."""
    items: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            key = f"{prefix}.{k}" if prefix else str(k)
            if isinstance(v, dict):
                items.extend(_flatten(v, key))
            else:
                items.append((key, v))
    else:
        items.append((prefix, obj))
    return items


def _is_pairs(value: Any) -> bool:
    """A breakdown: {category: number} or [(category, number), ...]."""
    if isinstance(value, dict):
        return bool(value) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values())
    return (isinstance(value, list) and bool(value) and
            all(isinstance(p, (list, tuple)) and len(p) == 2 and isinstance(p[0], str) for p in value))


def _pairs(value: Any) -> list:
    return list(value.items()) if isinstance(value, dict) else [tuple(p) for p in value]


def _summary_section(summary: dict[str, Any], lang: str) -> str:
    parts = []
    final = summary.get("final") if isinstance(summary.get("final"), dict) else None
    if final:
        rows = [[t(f"out.{k}", lang) if f"out.{k}" in _KNOWN_OUT else k, v] for k, v in final.items()]
        parts.append(_table([t("report.parameter", lang), t("report.value", lang)], rows, lang, "key-numbers"))
    scalars = [(k, v) for k, v in _flatten({k: v for k, v in summary.items() if k != "final" and not _is_pairs(v)})
               if not isinstance(v, list)]
    if scalars:
        parts.append(_table([t("report.parameter", lang), t("report.value", lang)],
                            [[k, v] for k, v in scalars[:200]], lang))
    for key, value in summary.items():
        if _is_pairs(value):
            prefix = {"defected_by_rank": "rank", "force_by_rank": "rank", "defected_by_region": "region",
                      "force_by_region": "region", "defected_by_branch": "branch",
                      "force_by_branch": "branch"}.get(key, "")
            title = t(f"breakdown.{key}", lang) if f"breakdown.{key}" in _KNOWN_BREAKDOWN else key
            rows = [[digits(label(prefix, c, lang), lang) if prefix else digits(c, lang), v] for c, v in _pairs(value)]
            parts.append(f"<h3>{_e(title)}</h3>" + _table(["", t("report.value", lang)], rows, lang))
    return "".join(parts)


def _scenario_section(scenario: Any, lang: str) -> str:
    if not isinstance(scenario, dict):
        return f'<p class="note">{_e(t("report.none", lang))}</p>'
    rows = [[k, v] for k, v in _flatten(scenario)]
    return _table([t("report.parameter", lang), t("report.value", lang)], rows, lang, "scenario")


def _figure(files: ResultFiles, rel: str) -> str:
    data = files.read_bytes(rel)
    if data is None:
        return f'<h3>{_e(rel)}</h3><p class="note">{_e(rel)}: not read (unreadable, or larger than 50 MB).</p>'
    mime = "image/svg+xml" if rel.lower().endswith(".svg") else "image/png"
    return (f'<figure><img src="data:{mime};base64,{base64.b64encode(data).decode("ascii")}" alt="{_e(rel)}">'
            f"<figcaption>{_e(rel)}</figcaption></figure>")


def _data_table(files: ResultFiles, rel: str, lang: str, max_rows: int) -> str:
    try:
        with files.open(rel) as fh:
            if rel.lower().endswith(".parquet"):
                import pyarrow as pa
                import pyarrow.parquet as pq

                pf = pq.ParquetFile(fh)
                total = pf.metadata.num_rows
                batch = next(pf.iter_batches(batch_size=max(1, max_rows)), None)
                table = pa.Table.from_batches([batch]) if batch is not None else pf.schema_arrow.empty_table()
            else:
                import pyarrow.csv as pcsv

                table = pcsv.read_csv(fh)
                total = table.num_rows
    except Exception as exc:  # a broken file is reported, not fatal
        return f"<h3>{_e(rel)}</h3><p class=\"note\">{_e(type(exc).__name__)}: {_e(exc)}</p>"
    table = table.slice(0, max_rows)
    cols = table.column_names[:MAX_COLUMNS]
    data = {c: table.column(c).to_pylist() for c in cols}
    rows = [[data[c][i] for c in cols] for i in range(table.num_rows)]
    more_cols = len(table.column_names) - len(cols)
    note = (f"{digits(str(len(rows)), lang)} {t('report.rows_shown', lang)} {digits(f'{total:,}', lang)}"
            + (f"; +{digits(str(more_cols), lang)} columns" if more_cols > 0 else ""))
    return f'<h3>{_e(rel)}</h3><p class="note">{_e(note)}</p>' + _table(cols, rows, lang, "data")


def _localized_overview(files: ResultFiles, manifest: Any, lang: str) -> str:
    """The overview figure drawn again with translated labels (the saved overview.png is in English)."""
    import pyarrow.parquet as pq

    from defection.report.figures import overview_png

    try:
        with files.open("timeseries.parquet") as fh:
            series = pq.read_table(fh)
    except Exception:  # unreadable: the table section says why
        return ""
    scenario = (manifest or {}).get("scenario") if isinstance(manifest, dict) else None
    png = overview_png(series, lang, title=f"{(scenario or {}).get('name', '') if isinstance(scenario, dict) else ''}")
    return (f'<figure><img src="data:image/png;base64,{base64.b64encode(png).decode()}" '
            f'alt="{_e(t("report.localized_overview", lang))}"><figcaption>'
            f'{_e(t("report.localized_overview", lang))}</figcaption></figure>')


_KNOWN_OUT: set[str] = set()
_KNOWN_BREAKDOWN: set[str] = set()


def build(directory: Path, lang: str = "en", max_rows: int = MAX_ROWS, max_figures: int = MAX_FIGURES,
          max_tables: int = MAX_TABLES) -> str:
    """The report as one HTML string.

    It reads only figures, tables and JSON files of ``directory``, each a regular file reached
    without following a symbolic link (see :class:`ResultFiles`); links are named, not read.
    """
    root = Path(directory)
    if lang not in LANGS:
        raise DefectionError(f"--lang {lang}: not a supported language. Choose one of: {', '.join(LANGS)}.")
    if not root.is_dir():
        raise DefectionError(f"report: '{root}' is not a directory. Give a run, sweep, compare or calibration "
                             "directory.")
    try:
        files = ResultFiles(root)
    except OSError as exc:
        raise DefectionError(f"report: cannot read the directory '{root}' ({exc.strerror or exc}).") from None
    try:
        return _build(files, lang, max_rows, max_figures, max_tables)
    finally:
        files.close()


def _build(files: ResultFiles, lang: str, max_rows: int, max_figures: int, max_tables: int) -> str:
    from defection.i18n import TEXT

    _KNOWN_OUT.update(k for k in TEXT if k.startswith("out."))
    _KNOWN_BREAKDOWN.update(k for k in TEXT if k.startswith("breakdown."))
    root = files.root
    manifest = files.read_json("manifest.json")
    summary = files.read_json("summary.json")
    figures = files.matching(FIGURES)
    tables = files.matching(TABLES)
    if manifest is None and summary is None and not figures and not tables:
        raise DefectionError(f"report: '{root}' holds no manifest.json, summary.json, figures or tables"
                             + (f" (symbolic links are not read: {', '.join(files.links[:5])})" if files.links else "")
                             + ". Give a directory written by defection run, sweep, compare or calibrate.")
    kind = manifest.get("kind", "results") if isinstance(manifest, dict) else "results"
    title = f"{t('report.title', lang)}: {root.resolve().name}"

    body = [f"<h1>{_e(title)}</h1>",
            f'<p class="meta">{_e(t("report.kind", lang))}: <b>{_e(kind)}</b> · {_e(t("report.generated", lang))}: '
            f"<code>{_e(root)}</code>"
            + (f" · {_e(digits(str(manifest.get('created', '')), lang))}" if isinstance(manifest, dict) else "")
            + "</p>",
            f'<p class="note">{_e(t("report.offline", lang))}</p>']
    if files.links:
        shown = ", ".join(files.links[:20]) + (f" and {len(files.links) - 20} more" if len(files.links) > 20 else "")
        body.append(f'<p class="note links">Not read: symbolic links ({_e(shown)}). The report reads only the '
                    "files of the directory itself, never through a link.</p>")

    body.append(f'<h2 id="key-numbers">{_e(t("report.key_numbers", lang))}</h2>')
    extra_json = [rel for rel in files.matching((".json",), top_only=True) if rel not in ("manifest.json",
                                                                                           "summary.json")]
    if isinstance(summary, dict):
        body.append(_summary_section(summary, lang))
    for rel in extra_json[:10]:
        data = files.read_json(rel)
        if isinstance(data, dict):
            rows = [[k, v] for k, v in _flatten(data) if not isinstance(v, list) or len(v) <= 20][:200]
            body.append(f"<h3>{_e(rel)}</h3>" + _table([t("report.parameter", lang), t("report.value", lang)],
                                                       rows, lang))
    if not isinstance(summary, dict) and not extra_json:
        body.append(f'<p class="note">{_e(t("report.none", lang))}</p>')

    body.append(f'<h2 id="figures">{_e(t("report.figures", lang))}</h2>')
    localized = lang != "en" and files.has("timeseries.parquet")
    if localized:
        body.append(_localized_overview(files, manifest, lang))
    for rel in figures[:max_figures]:
        body.append(_figure(files, rel))
    if len(figures) > max_figures:
        body.append(f'<p class="note">+{digits(str(len(figures) - max_figures), lang)} '
                    f'{_e(t("report.figures_omitted", lang))}</p>')
    if not figures and not localized:
        body.append(f'<p class="note">{_e(t("report.none", lang))}</p>')

    body.append(f'<h2 id="tables">{_e(t("report.tables", lang))}</h2>')
    for rel in tables[:max_tables]:
        body.append(_data_table(files, rel, lang, max_rows))
    if len(tables) > max_tables:
        body.append(f'<p class="note">+{digits(str(len(tables) - max_tables), lang)} '
                    f'{_e(t("report.tables_omitted", lang))}</p>')
    if not tables:
        body.append(f'<p class="note">{_e(t("report.none", lang))}</p>')

    body.append(f'<h2 id="scenario">{_e(t("report.scenario", lang))}</h2>')
    body.append(_scenario_section(manifest.get("scenario") if isinstance(manifest, dict) else None, lang))

    body.append(f'<h2 id="manifest">{_e(t("report.manifest", lang))}</h2>')
    body.append(f"<pre>{_e(json.dumps(manifest, indent=2, ensure_ascii=False, default=str))}</pre>"
                if manifest is not None else f'<p class="note">{_e(t("report.none", lang))}</p>')

    return ("<!DOCTYPE html>\n"
            f'<html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
            '<link rel="icon" href="data:,">'
            f"<title>{_e(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(body)}</main></body></html>\n")


def write(directory: Path, out: Path, lang: str = "en") -> Path:
    """Write the report atomically (a temporary file renamed over ``out``); return its path.

    A symbolic link at ``out`` is replaced by the report, never written through.
    """
    from defection.engine.outputs import atomic_write_bytes

    out = Path(out)
    if out.is_dir():
        raise DefectionError(f"--out {out} is a directory. Give a file name such as report.html.")
    if not out.parent.is_dir():
        raise DefectionError(f"--out {out}: the folder '{out.parent}' does not exist. Create it first.")
    text = build(directory, lang)
    try:
        atomic_write_bytes(out, text.encode("utf-8"))
    except OSError as exc:
        raise DefectionError(f"--out {out}: cannot write the report there ({exc.strerror or exc}). Choose a file "
                             "in a folder you can write to.") from None
    return out
