"""The dashboard's behaviour. Bad input gets an inline message naming the field, never a traceback."""
from __future__ import annotations

import base64
import binascii
import math
from typing import Any

from dash import ALL, MATCH, Input, Output, State, ctx, dcc, html, no_update

from defection.dashboard import figures
from defection.i18n import digits, fmt_date, fmt_number, fmt_value, t
from defection.dashboard.jobs import MAX_UPLOAD_BYTES, JobManager, base_scenario
from defection.dashboard.layout import ALL_KEYS, SCENARIO_KEYS, TABS, lever_range, lever_values
from defection.errors import DefectionError

MAX_SEEDS = 50
MAX_DAYS = 3650


def _values_by_key(ids: list[dict], values: list) -> dict[str, Any]:
    return {i["key"]: v for i, v in zip(ids, values)}


def _number_ok(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def ensemble_settings(values: dict[str, Any]) -> tuple[dict[str, Any], int, list[int]]:
    """(scenario overrides, days, seeds) from the lever values; DefectionError names a bad field."""
    for key in ALL_KEYS:
        if not _number_ok(values.get(key)):
            raise DefectionError(f"'{key}' needs a number; it is empty or not a number.")
    overrides = {key: values[key] for key in SCENARIO_KEYS}
    days, n_seeds, first = values["run.days"], values["seeds"], values["first_seed"]
    if int(days) != days or not 1 <= days <= MAX_DAYS:
        raise DefectionError(f"'run.days' must be a whole number from 1 to {MAX_DAYS}; got {days}.")
    if int(n_seeds) != n_seeds or not 1 <= n_seeds <= MAX_SEEDS:
        raise DefectionError(f"'seeds' must be a whole number from 1 to {MAX_SEEDS}; got {n_seeds}.")
    if int(first) != first or first < 0:
        raise DefectionError(f"'first_seed' must be a whole number, 0 or more; got {first}.")
    return overrides, int(days), list(range(int(first), int(first) + int(n_seeds)))


def _message(kind: str, text: str) -> html.Div:
    return html.Div(text, className=f"message-{kind}")


def register(app, manager: JobManager, builtin: list[str]) -> None:
    # ------------------------------------------------------------------------------------------ language
    @app.callback(Output({"type": "t", "key": ALL}, "children"),
                  *[Output(f"tab-{name}", "label") for name in TABS],
                  Output("root", "lang"),
                  Input("lang", "value"), prevent_initial_call=True)
    def translate(lang):
        keys = [o["id"]["key"] for o in ctx.outputs_list[0]]
        return [[t(k, lang) for k in keys], *[t(f"tab.{name}", lang) for name in TABS], lang]

    # ------------------------------------------------------------------------------------------ scenario
    @app.callback(Output("scenario-store", "data"), Output("scenario-message", "children"),
                  Output("scenario-current", "children"),
                  Output({"type": "lever-input", "key": ALL}, "value", allow_duplicate=True),
                  Input("scenario-select", "value"), Input("scenario-upload", "contents"),
                  State("scenario-upload", "filename"), State({"type": "lever-input", "key": ALL}, "id"),
                  State("lang", "value"), prevent_initial_call=True)
    def choose_scenario(name, contents, filename, ids, lang):
        from defection import scenarios

        if ctx.triggered_id == "scenario-upload":
            if not contents:
                return no_update, no_update, no_update, [no_update] * len(ids)
            try:
                text = _decode_upload(contents, filename)
                sc = base_scenario({"toml": text, "filename": filename})
            except DefectionError as exc:
                return (no_update, _message("error", f"{t('scenario.error', lang)}: {exc}"), no_update,
                        [no_update] * len(ids))
            store = {"name": sc.name, "toml": text, "filename": filename}
            current = f"{filename} ({sc.name})"
        else:
            if not isinstance(name, str) or name not in builtin:  # never a path: built-in names only
                return (no_update, _message("error", f"{t('scenario.error', lang)}: unknown scenario "
                                                     f"{repr(name)[:60]}."),
                        no_update, [no_update] * len(ids))
            sc = scenarios.load(name)
            store = {"name": name, "toml": None, "filename": None}
            current = name
        values = lever_values(sc)
        return (store, _message("ok", f"{t('scenario.ok', lang)}: {current}"), current,
                [values[i["key"]] for i in ids])

    # ------------------------------------------------------------------------------------------ levers
    @app.callback(Output({"type": "lever-slider", "key": MATCH}, "value"),
                  Output({"type": "lever-input", "key": MATCH}, "value"),
                  Input({"type": "lever-slider", "key": MATCH}, "value"),
                  Input({"type": "lever-input", "key": MATCH}, "value"), prevent_initial_call=True)
    def sync_lever(slider, box):
        trigger = ctx.triggered_id or {}
        if trigger.get("type") == "lever-slider":
            return no_update, slider
        return (box if _number_ok(box) else no_update), no_update

    @app.callback(Output({"type": "lever-note", "key": MATCH}, "children"),
                  Input({"type": "lever-input", "key": MATCH}, "value"), Input("lang", "value"),
                  State({"type": "lever-input", "key": MATCH}, "id"))
    def lever_note(value, lang, ident):
        key = ident["key"]
        if not _number_ok(value):
            return _message("error", f"{key}: {t('levers.invalid', lang)}")
        lo, hi = lever_range(key)
        if not lo <= value <= hi and key in SCENARIO_KEYS:
            return _message("warn", f"{t('levers.outside', lang)} ({fmt_value(lo, lang)} – {fmt_value(hi, lang)})")
        return ""

    @app.callback(Output("settings-summary", "children"),
                  Input({"type": "lever-input", "key": ALL}, "value"), Input("lang", "value"),
                  Input("scenario-store", "data"), State({"type": "lever-input", "key": ALL}, "id"))
    def settings_summary(values, lang, store, ids):
        store = store if isinstance(store, dict) else {}
        shown = str(store.get("filename") or store.get("name") or "")[:100]
        items = [html.Li([t("scenario.loaded", lang), ": ", html.Strong(shown)])]
        for key, value in _values_by_key(ids, values).items():
            shown = fmt_value(value, lang) if _number_ok(value) else "–"
            items.append(html.Li([t(f"lever.{key}", lang), " ", html.Code(key), " = ", html.Span(shown)]))
        return items

    # ------------------------------------------------------------------------------------------ run
    @app.callback(Output("job-store", "data"), Output("poll", "disabled"), Output("run-message", "children"),
                  Output("compare-message", "children"),
                  Input("run-button", "n_clicks"), Input("compare-run", "n_clicks"),
                  State({"type": "lever-input", "key": ALL}, "value"),
                  State({"type": "lever-input", "key": ALL}, "id"),
                  State("scenario-store", "data"), State("compare-a", "data"), State("compare-b", "data"),
                  State("tab-id", "data"), State("lang", "value"), prevent_initial_call=True)
    def start(_run, _compare, values, ids, store, a, b, tab, lang):
        kind = "compare" if ctx.triggered_id == "compare-run" else "run"
        try:
            overrides, days, seeds = ensemble_settings(_values_by_key(ids, values))
            if kind == "compare":
                if b is None:
                    return no_update, no_update, no_update, _message("error", t("compare.need_b", lang))
                settings = [{"label": "A", "overrides": _client_overrides(a)},
                            {"label": "B", "overrides": _client_overrides(b)}]
            else:
                settings = [{"label": "run", "overrides": overrides}]
            spec = {**_scenario_source(store), "settings": settings, "seeds": seeds, "days": days}
            job_id = manager.submit(spec, owner=tab)  # the server's queue enforces every limit
        except DefectionError as exc:
            msg = _message("error", str(exc))
            return (no_update, no_update, msg, no_update) if kind == "run" else (no_update, no_update, no_update, msg)
        return {"job": job_id, "kind": kind}, False, "", ""

    @app.callback(Output("progress-fill", "style"), Output("run-status", "children"),
                  Output("poll", "disabled", allow_duplicate=True), Output("cancel-button", "disabled"),
                  Output("result-store", "data"), Output("compare-result-store", "data"),
                  Input("poll", "n_intervals"), Input("lang", "value"), State("job-store", "data"),
                  State("tab-id", "data"), prevent_initial_call=True)
    def poll(_n, lang, job, tab):
        job = job if isinstance(job, dict) else {}
        st = manager.status(job.get("job"), tab)
        if st["state"] == "unknown":
            return {"width": "0%"}, t("run.idle", lang), True, True, no_update, no_update
        share = st["done"] / st["total"] if st["total"] else 0.0
        label = t(f"run.{st['state']}", lang)
        text = (f"#{digits(str(st['id']), lang)} · {label}: {fmt_number(st['done'], lang)} / {fmt_number(st['total'], lang)} "
                f"{t('run.days_done', lang)} ({digits(f'{share:.0%}', lang)})")
        active = st["state"] in ("queued", "running")
        if st["state"] == "queued" and st["ahead"]:
            text += f" ({t('run.ahead', lang)}: {fmt_number(st['ahead'], lang)})"
        result = compare = no_update
        if st["state"] == "done":
            text += " " + t("run.see_results", lang)
            if ctx.triggered_id == "lang":
                pass
            elif job.get("kind") == "compare":
                compare = st["id"]
            else:
                result = st["id"]
        if st["state"] == "error":
            text += f": {st['error']}"
        return {"width": f"{share * 100:.1f}%"}, text, not active, not active, result, compare

    @app.callback(Output("run-message", "children", allow_duplicate=True), Input("cancel-button", "n_clicks"),
                  State("job-store", "data"), State("tab-id", "data"), prevent_initial_call=True)
    def cancel(_n, job, tab):
        manager.cancel((job if isinstance(job, dict) else {}).get("job"), tab)
        return ""

    # ------------------------------------------------------------------------------------------ results
    @app.callback(Output("results-body", "children"), Output("force-choice", "style"),
                  Output("force-select", "options"), Output("force-label", "children"),
                  Input("result-store", "data"), Input("lang", "value"), Input("force-select", "value"),
                  State("tab-id", "data"))
    def show_results(job_id, lang, force, tab):
        data = manager.result(job_id, tab)
        if not data:
            return html.P(t("results.none", lang), className="hint"), {"display": "none"}, no_update, no_update
        runs = data["runs"]["run"]
        force = figures.force_choice(force, runs)  # the page's value is checked, never used as sent
        forces = figures.forces_of(runs)
        options = [{"label": figures.text(f"force.{choice}", lang), "value": choice}
                   for choice in (figures.BOTH, *forces)]
        choice = ({"display": "block"} if forces else {"display": "none"}, options,
                  figures.text("results.force", lang))
        return (_results_body(data, runs, force, lang), *choice)

    # ------------------------------------------------------------------------------------------ compare
    @app.callback(Output("compare-a", "data"), Input("set-a", "n_clicks"),
                  State({"type": "lever-input", "key": ALL}, "value"),
                  State({"type": "lever-input", "key": ALL}, "id"), prevent_initial_call=True)
    def set_a(_n, values, ids):
        return _setting(values, ids)

    @app.callback(Output("compare-b", "data"), Input("set-b", "n_clicks"),
                  State({"type": "lever-input", "key": ALL}, "value"),
                  State({"type": "lever-input", "key": ALL}, "id"), prevent_initial_call=True)
    def set_b(_n, values, ids):
        return _setting(values, ids)

    @app.callback(Output("compare-settings", "children"), Input("compare-a", "data"), Input("compare-b", "data"),
                  Input("lang", "value"))
    def show_settings(a, b, lang):
        header = html.Tr([html.Th(t("report.parameter", lang)), html.Th("A"), html.Th("B")])
        rows = [header]
        for key in SCENARIO_KEYS:
            va = (a or {}).get("overrides", {}).get(key)
            vb = (b or {}).get("overrides", {}).get(key)
            cls = "differs" if va != vb and a is not None and b is not None else ""
            rows.append(html.Tr([html.Td([t(f"lever.{key}", lang), " ", html.Code(key)]),
                                 html.Td(fmt_value(va, lang) if va is not None else t("compare.defaults", lang)),
                                 html.Td(fmt_value(vb, lang) if vb is not None else "–")], className=cls))
        return html.Table(rows, className="table compare-settings")

    @app.callback(Output("compare-body", "children"), Input("compare-result-store", "data"), Input("lang", "value"),
                  State("tab-id", "data"))
    def show_compare(job_id, lang, tab):
        data = manager.result(job_id, tab)
        if not data:
            return ""
        a_runs, b_runs = data["runs"]["A"], data["runs"]["B"]
        rows = figures.compare_rows(a_runs, b_runs, lang)
        head = html.Tr([html.Th(t(k, lang)) for k in ("compare.outcome", "compare.a", "compare.b", "compare.diff",
                                                     "compare.interval")])
        body = [html.Tr([html.Td(r["outcome"]), html.Td(r["a"]), html.Td(r["b"]),
                         html.Td(r["diff"], id=f"diff-{r['key']}"), html.Td(r["interval"])]) for r in rows]
        figs = figures.compare_figures(a_runs, b_runs, lang)
        parts = [_job_label(data["job"], lang), html.Table([head] + body, className="table compare-table",
                                                            id="compare-table")]
        if len(a_runs) < 2:
            parts.append(html.P(t("compare.few_seeds", lang), className="hint"))
        parts.append(html.Div([dcc.Graph(id=k, figure=f, config={"displaylogo": False}, className="graph")
                               for k, f in figs.items()], className="graphs"))
        return parts


def _results_body(data: dict, runs: list[dict], force: str, lang: str) -> list:
    """The Results view of a finished job for the chosen force: the headline and every chart."""
    fin = figures.final_summary(runs, figures.final_series(force))
    end = figures.dates(runs)[-1]
    headline = html.Div(className="headline", children=[
        _job_label(data["job"], lang),
        html.Div([t("results.final_defected", lang), " (",
              "" if force == figures.BOTH else f"{figures.text(f'force.{force}', lang)}, ",
              fmt_date(end, lang), "): "]),
        html.Strong(fmt_number(fin["median"], lang), id="final-defected", className="big"),
        html.Span([" · ", t("results.band", lang), ": ",
                   html.Span(fmt_number(fin["lo"], lang), id="final-defected-lo"), " – ",
                   html.Span(fmt_number(fin["hi"], lang), id="final-defected-hi"),
                   f" · {fmt_number(fin['n'], lang)} {t('results.seeds', lang)}"]),
    ])
    figs = figures.results_figures(runs, lang, force)
    graphs = [dcc.Graph(id=key, figure=fig, config={"displaylogo": False}, className="graph")
              for key, fig in figs.items()]
    return [headline, html.P(t("results.note", lang), className="hint"), html.Div(graphs, className="graphs")]


def _job_label(job_id: int, lang: str) -> html.Div:
    """Which run the results come from: the page waits for its own job's label, never a previous run's."""
    return html.Div([t("results.job", lang), " #", digits(str(job_id), lang)], className="results-job",
                    **{"data-job": str(job_id)})


def _scenario_source(store: Any) -> dict[str, Any]:
    """The scenario the browser chose, as a built-in name or uploaded text, never a path: a name
    that is not built-in is refused unread, by :func:`jobs.base_scenario`, before any job starts."""
    store = store if isinstance(store, dict) else {}
    text = store.get("toml")
    if text is not None:
        return {"name": None, "toml": text, "filename": str(store.get("filename") or "scenario")[:100]}
    return {"name": store.get("name"), "toml": None, "filename": None}


def _client_overrides(setting: Any) -> dict[str, Any]:
    """A compare setting from the browser: lever keys with finite numbers only."""
    overrides = (setting if isinstance(setting, dict) else {}).get("overrides")
    if not isinstance(overrides, dict):
        return {}
    bad = [k for k in overrides if k not in SCENARIO_KEYS or not _number_ok(overrides[k])]
    if bad:
        raise DefectionError(f"the comparison's settings name {repr(bad[0])[:60]}, which is not a lever with a "
                             f"number. Set A and B again.")
    return dict(overrides)


def _setting(values, ids) -> dict[str, Any] | Any:
    vals = _values_by_key(ids, values)
    return {"overrides": {k: vals[k] for k in SCENARIO_KEYS if _number_ok(vals.get(k))}}


def _decode_upload(contents: Any, filename: Any) -> str:
    """The uploaded file's text, refused above :data:`jobs.MAX_UPLOAD_BYTES` (the browser's cap is a courtesy)."""
    name = str(filename or "upload")[:100]
    if not name.lower().endswith(".toml"):
        raise DefectionError(f"'{name}' is not a .toml file. Upload a scenario written in TOML.")
    if not isinstance(contents, str):
        raise DefectionError(f"'{name}' could not be read. Upload it again.")
    if len(contents) > MAX_UPLOAD_BYTES * 4 // 3 + 200:  # base64 of the cap, plus the data-URL header
        raise DefectionError(f"'{name}' is larger than {MAX_UPLOAD_BYTES:,} bytes, the limit for an uploaded "
                             f"scenario.")
    try:
        payload = contents.split(",", 1)[1]
        raw = base64.b64decode(payload, validate=False)
    except (IndexError, binascii.Error, ValueError):
        raise DefectionError(f"'{name}' could not be read. Upload it again.") from None
    if len(raw) > MAX_UPLOAD_BYTES:
        raise DefectionError(f"'{name}' is {len(raw):,} bytes; an uploaded scenario may have at most "
                             f"{MAX_UPLOAD_BYTES:,}.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DefectionError(f"'{name}' is not UTF-8 text. Save the scenario as UTF-8 TOML.") from None
