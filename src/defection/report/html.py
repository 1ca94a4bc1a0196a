"""``defection report DIR --out report.html``: one self-contained HTML brief for any results directory.

It reads like a brief: the question, the scenario and its sources, what happened in key numbers with
units (and 90% intervals over an ensemble's runs), simulated against observed, which of the DIIS /
Nyan Corridor report's findings hold, the policies' effects and costs, figures with captions, and
caveats. Raw tables go into a collapsed appendix, summarised. Works for a run, compare, sweep,
calibration, forecast or optimize directory (policy design: :mod:`defection.report.policy`), in English or
Burmese. Nothing is loaded from the network: no
script, no font, no style sheet; the file opens offline. Nothing is simulated: every number comes from
the directory's files, read as :class:`~defection.report.files.ResultFiles` allows.
"""
from __future__ import annotations

import base64
from pathlib import Path

from defection.errors import DefectionError, ReadBackError
from defection.i18n import LANGS, fmt_date, fmt_int, t
from defection.report import appendix, brief, policy
from defection.report.files import FIGURES, TABLES, ResultFiles
from defection.report.markup import esc, name, para
from defection.report.results import Results

MAX_FIGURES = 60
MAX_LINKS_SHOWN = 20

CSS = """
body{font-family:"Noto Sans Myanmar","Myanmar Text","Padauk","Noto Sans","DejaVu Sans",Arial,sans-serif;
margin:0;background:#f6f7f9;color:#1d2430;line-height:1.45}
:lang(my){line-height:1.8}
main{max-width:1200px;margin:0 auto;padding:12px 24px 40px}
h1{font-size:1.5rem;margin:10px 0 2px} h2{font-size:1.2rem;margin-top:26px;border-bottom:1px solid #d4d8df;
padding-bottom:3px} h3{font-size:1rem;margin:14px 0 4px} h4{font-size:.92rem;margin:12px 0 4px}
.meta{color:#555;font-size:.85rem;margin:0} .note{color:#555;font-size:.85rem;margin:4px 0} .lead{font-size:1.02rem}
.first{display:grid;grid-template-columns:1fr 1fr;gap:0 28px} .first>section{min-width:0}
.first h2{margin-top:12px} .scenario-brief ul{margin:4px 0;padding-left:18px;font-size:.9rem}
.question p{margin:4px 0}
figure{margin:10px 0 16px;background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:8px}
figure img{max-width:100%;height:auto;display:block} figcaption{font-size:.85rem;color:#333;margin-top:4px}
table{border-collapse:collapse;font-size:.85rem;background:#fff;margin:6px 0 4px}
th{background:#eef1f5} th,td{border:1px solid #d4d8df;padding:3px 8px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} .scroll{overflow-x:auto;max-width:100%}
table.effects td:first-child{white-space:pre} table.candidates{font-size:.8rem} table.candidates td:first-child{min-width:9em} table.candidates td.num{white-space:normal}
.first.optimize{grid-template-columns:2fr 3fr}
.verdict{font-weight:600;white-space:nowrap} .verdict.holds{color:#1a7f37} .verdict.fails{color:#b42318}
.warning{border-left:3px solid #b54708;padding-left:8px}
.verdict.unknown{color:#666;font-weight:400}
details{margin:8px 0;background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:6px 10px}
summary{cursor:pointer;font-weight:600}
pre{background:#fff;border:1px solid #d4d8df;padding:10px;overflow-x:auto;font-size:.78rem}
@media (max-width:900px){.first{display:block}}
"""

# What each figure the commands write shows (its caption), by file name
CAPTIONS = {"overview.png": "fig.caption.overview", "compare.png": "fig.caption.compare", "fit.png": "fig.caption.fit",
            "pairs.png": "fig.caption.pairs", "forecast.png": "fig.caption.forecast",
            "sensitivity.png": "fig.caption.sensitivity", "discover.png": "fig.caption.discover",
            "pareto.png": "fig.caption.pareto", "dose_response.png": "fig.caption.dose_response"}
KINDS = ("run", "compare", "sweep", "calibration", "forecast", "optimize")


def _img(png: bytes, caption: str, mime: str = "image/png", note: str = "") -> str:
    return (f'<figure><img src="data:{mime};base64,{base64.b64encode(png).decode("ascii")}" alt="{esc(caption)}">'
            f"<figcaption>{esc(caption)}{note}</figcaption></figure>")


def _directory_figure(files: ResultFiles, rel: str, lang: str) -> str:
    data = files.read_bytes(rel)
    base = rel.rsplit("/", 1)[-1]
    caption = t(CAPTIONS[base], lang) if base in CAPTIONS and "/" not in rel else t("fig.caption.other", lang)
    if data is None:
        return para(f"{t('fig.unread', lang)}", "note")
    mime = "image/svg+xml" if rel.lower().endswith(".svg") else "image/png"
    return _img(data, caption, mime, f' <span class="note">({name(rel)})</span>')


def _drawn_figures(res: Results, lang: str) -> list[str]:
    """Figures drawn here from the directory's tables, labelled in ``lang``: a run's overview in Burmese,
    and the bands of an ensemble's runs or of a forecast (a sweep writes no figure of its own)."""
    from defection.report.figures import bands_png, overview_png

    out = []
    title = str(res.scenario.get("name", ""))
    try:
        if res.kind == "run" and res.run_series is not None and lang != "en":
            out.append(_img(overview_png(res.run_series, lang, title=title), t("fig.caption.overview", lang)))
        elif res.kind in ("compare", "sweep") and (lang != "en" or res.kind == "sweep"):
            panels = []
            for column, key in (("defected", "out.defected"), ("coercive_capacity", "fig.capacity"),
                                ("civilians_killed", "fig.killed")):
                groups, dates = {}, None
                for group, runs in res.groups().items():
                    matrix = res.series_matrix(column, keep=runs)
                    if matrix is not None:
                        dates, groups[group] = matrix
                if groups:
                    panels.append((key, dates, groups))
            if panels:
                out.append(_img(bands_png(panels, lang, title, percent_of_first=("fig.capacity",)),
                                t(f"fig.caption.bands_{res.kind}", lang)))
        elif res.kind == "forecast" and res.forecast is not None and lang != "en":
            out.append(_img(_forecast_png(res, lang, title), t("fig.caption.forecast", lang)))
        elif res.kind == "optimize" and lang != "en":
            out += [_img(png, t(caption, lang)) for png, caption in policy.drawn_figures(res, lang)]
    except Exception as exc:  # noqa: BLE001 - a figure that cannot be drawn is named, the report still opens
        out.append(para(f"{t('fig.unread', lang)} ({type(exc).__name__})", "note"))
    return out


def _forecast_png(res: Results, lang: str, title: str) -> bytes:
    import numpy as np

    from defection.report.figures import bands_png

    table = res.forecast
    series = np.array(table.column("series").to_pylist(), dtype=object)
    dates = table.column("date").to_numpy().astype("datetime64[D]")
    panels = []
    for column, key in (("defected", "out.defected"), ("civilians_killed", "fig.killed"),
                        ("civilians_arrested", "out.civilians_arrested")):
        sel = np.flatnonzero(series == column)
        if len(sel):
            sel = sel[np.argsort(dates[sel])]
            grid = np.vstack([table.column(q).to_numpy()[sel] for q in ("q05", "q50", "q95")])
            panels.append((key, dates[sel], {"": grid}))
    return bands_png(panels, lang, title)


def figures(res: Results, lang: str, max_figures: int = MAX_FIGURES) -> str:
    """English: the directory's figures, captioned. Burmese: figures drawn with Burmese labels; the
    directory's English figures are left out (the English report shows them), and a note says how many."""
    files = res.files
    parts = [f'<h2 id="figures">{esc(t("report.figures", lang))}</h2>']
    parts += _drawn_figures(res, lang)
    own = files.matching(FIGURES)
    if res.kind == "optimize":  # the front first, then the dose-response
        own.sort(key=lambda rel: rel != "pareto.png")
    if lang == "en":
        parts += [_directory_figure(files, rel, lang) for rel in own[:max_figures]]
        if len(own) > max_figures:
            parts.append(para(f"+{fmt_int(len(own) - max_figures, lang)} {t('report.figures_omitted', lang)}", "note"))
    elif own:
        parts.append(para(t("fig.english_left_out", lang).format(n=fmt_int(len(own), lang)), "note"))
    if len(parts) == 1:
        parts.append(para(t("report.none", lang), "note"))
    return "".join(parts)


def _links_note(files: ResultFiles, lang: str) -> str:
    if not files.links:
        return ""
    shown = ", ".join(files.links[:MAX_LINKS_SHOWN])
    more = len(files.links) - MAX_LINKS_SHOWN
    if more > 0:
        shown += " " + t("report.links_more", lang).format(n=fmt_int(more, lang))
    return f'<p class="note links">{esc(t("report.links", lang).format(files=shown))}</p>'


def build(directory: Path, lang: str = "en", max_figures: int = MAX_FIGURES) -> str:
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
        return _build(files, lang, max_figures)
    finally:
        files.close()


def _build(files: ResultFiles, lang: str, max_figures: int) -> str:
    root = files.root
    if not files.matching(FIGURES + TABLES + (".json",)):
        raise DefectionError(f"report: '{root}' holds no manifest.json, summary.json, figures or tables"
                             + (f" (symbolic links are not read: {', '.join(files.links[:5])})" if files.links else "")
                             + ". Give a directory written by defection run, sweep, compare, calibrate, forecast or "
                               "optimize.")
    res = Results(files)  # a damaged manifest.json raises here, naming the field
    if res.result() is None:
        raise ReadBackError(f"report: '{root}' holds no result that reads back: {_why_no_result(res)}. Give a "
                            "directory written by defection run, sweep, compare, calibrate, forecast or optimize.")
    kind = t(f"kind.{res.kind}", lang) if res.kind in KINDS else res.kind
    title = f"{t('report.title', lang)}: {root.resolve().name}"
    created = str(res.manifest.get("created", ""))[:10]
    try:
        created = fmt_date(created, lang) if created else ""
    except ValueError:
        created = ""
    header = (f'<h1>{esc(t("report.title", lang))}: {name(root.resolve().name)}</h1>'
              f'<p class="meta">{esc(t("report.kind", lang))}: <b>{esc(kind)}</b>'
              + (f" · {esc(created)}" if created else "") + f' · {esc(t("report.offline", lang))}</p>'
              + _links_note(files, lang))
    if res.kind == "optimize":  # policy design: no simulated history to hold against observations or findings
        first = (f'<div class="first optimize"><div>{policy.question(res, lang)}{brief.scenario(res, lang)}</div>'
                 f'<section class="happened">{policy.key_numbers(res, lang)}</section></div>')
        body = [header, first, figures(res, lang, max_figures), policy.caveats(res, lang), appendix.appendix(res, lang)]
    else:
        first = (f'<div class="first"><div>{brief.question(res, lang)}{brief.scenario(res, lang)}</div>'
                 f'<section class="happened">{brief.key_numbers(res, lang)}</section></div>')
        body = [header, first, brief.policies(res, lang), brief.sweep(res, lang), brief.calibration(res, lang),
                brief.observed(res, lang), brief.findings(res, lang), figures(res, lang, max_figures),
                brief.caveats(res, lang), appendix.appendix(res, lang)]
    return ("<!DOCTYPE html>\n"
            f'<html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
            '<link rel="icon" href="data:,">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{''.join(body)}</main></body></html>\n")


def _why_no_result(res: Results) -> str:
    expected = res.expected()
    if expected:
        return (f"it holds a {res.kind!r} result{' by its manifest' if res.manifest else ''}, but "
                f"{' and '.join(expected)} {'is' if len(expected) == 1 else 'are'} missing or damaged")
    if res.manifest:
        return f"its manifest's kind, {res.kind!r}, is not one the commands write"
    return ("it has none of the files a result is read from (manifest.json, summary.json, timeseries.parquet, "
            "summary.parquet, compare.json, posterior_summary.json, forecast.parquet, pareto.parquet)")


def write(directory: Path, out: Path, lang: str = "en") -> Path:
    """Write the report atomically (a temporary file renamed over ``out``); return its path.

    ``out`` must be absent or a regular file: a symbolic link, a directory, a FIFO or a device there is
    refused (see :func:`~defection.engine.outputs.check_output_file`), never written through or replaced.
    """
    from defection.engine.outputs import atomic_write_bytes, check_output_file

    out = Path(out)
    check_output_file(out, force=True)
    if not out.parent.is_dir():
        raise DefectionError(f"--out {out}: the folder '{out.parent}' does not exist. Create it first.")
    text = build(directory, lang)
    try:
        atomic_write_bytes(out, text.encode("utf-8"))
    except OSError as exc:
        raise DefectionError(f"--out {out}: cannot write the report there ({exc.strerror or exc}). Choose a file "
                             "in a folder you can write to.") from None
    return out
