"""The dashboard's behaviour. Bad input gets an inline message naming the field, never a traceback."""
from __future__ import annotations

import base64
import binascii
import math
from typing import Any

from dash import ALL, MATCH, Input, Output, State, ctx, dcc, html, no_update

from defection.dashboard import figures, sessions
from defection.dashboard.sessions import owner
from defection.i18n import digits, fmt_date, fmt_number, fmt_value, t
from defection.dashboard.jobs import MAX_UPLOAD_BYTES, JobManager, base_scenario
from defection.dashboard.layout import (ALL_KEYS, SCENARIO_KEYS, SWITCH_KEYS, lever_range, lever_values,
                                        plain_number)
from defection.errors import DefectionError

MAX_SEEDS = 50
MAX_DAYS = 3650


def _values_by_key(ids: list[dict], values: list) -> dict[str, Any]:
    return {i["key"]: v for i, v in zip(ids, values)}


def _number_ok(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def switch_values(ids: list[dict] | None, values: list | None) -> dict[str, bool]:
    """The switches' states from their checklists (ticked: on); a switch the page did not send is left out."""
    out = {}
    for ident, value in zip(ids or [], values or []):
        key = ident.get("key") if isinstance(ident, dict) else None
        if key in SWITCH_KEYS and isinstance(value, list):
            out[key] = "on" in value
    return out


def ensemble_settings(values: dict[str, Any], switches: dict[str, bool] | None = None
                      ) -> tuple[dict[str, Any], int, list[int]]:
    """(scenario overrides, days, seeds) from the lever values and switches; DefectionError names a bad field."""
    for key in ALL_KEYS:
        if not _number_ok(values.get(key)):
            raise DefectionError(f"'{key}' needs a number; it is empty or not a number.")
    overrides = {key: values[key] for key in SCENARIO_KEYS}
    overrides.update({key: bool(v) for key, v in (switches or {}).items() if key in SWITCH_KEYS})
    days, n_seeds, first = values["run.days"], values["seeds"], values["first_seed"]
    if int(days) != days or not 1 <= days <= MAX_DAYS:
        raise DefectionError(f"'run.days' must be a whole number from 1 to {MAX_DAYS}; got {days}.")
    if int(n_seeds) != n_seeds or not 1 <= n_seeds <= MAX_SEEDS:
        raise DefectionError(f"'seeds' must be a whole number from 1 to {MAX_SEEDS}; got {n_seeds}.")
    if int(first) != first or first < 0:
        raise DefectionError(f"'first_seed' must be a whole number, 0 or more; got {first}.")
    draws = parameter_draws_setting(values)
    return overrides, int(days), list(range(int(first), int(first) + int(n_seeds) * max(draws, 1)))


def parameter_draws_setting(values: dict[str, Any]) -> int:
    """The lever ``parameter_draws``: 0 (seeds only) or 2 to :data:`~defection.dashboard.jobs.MAX_PARAMETER_DRAWS`
    draws of what the data cannot identify, each run with every seed (the seeds then count per draw)."""
    from defection.dashboard.jobs import MAX_PARAMETER_DRAWS

    draws = values.get("parameter_draws", 0)
    if not _number_ok(draws) or int(draws) != draws or not (draws == 0 or 2 <= draws <= MAX_PARAMETER_DRAWS):
        raise DefectionError(f"'parameter_draws' must be 0 (seeds only) or a whole number from 2 to "
                             f"{MAX_PARAMETER_DRAWS}; got {draws}.")
    return int(draws)


def _message(kind: str, text: str) -> html.Div:
    return html.Div(text, className=f"message-{kind}")


LEVER_IDS = State({"type": "lever-input", "key": ALL}, "id")
LEVER_VALUES = State({"type": "lever-input", "key": ALL}, "value")
SWITCH_IDS = State({"type": "switch", "key": ALL}, "id")
SWITCH_VALUES = State({"type": "switch", "key": ALL}, "value")


def register(app, manager: JobManager, builtin: list[str], saved=None) -> None:
    """Every callback of the page; ``saved`` (a :class:`saved.SavedRuns`) offers the run directories the
    server found under ``--runs``."""
    from defection.dashboard.saved import SavedRuns

    saved = saved or SavedRuns(None)

    def result_data(ref: Any, tab: Any) -> dict[str, Any] | None:
        """The results a reference from the page names: this tab's finished job (an int), or a saved run
        ({"saved": id}) that the server listed itself. Anything else: None."""
        if isinstance(ref, dict) and "saved" in ref:
            try:
                return saved.load(ref.get("saved"))
            except DefectionError:
                return None
        return manager.result(ref, owner(tab))

    _register_language(app)
    _register_scenario(app, builtin)
    _register_levers(app)
    _register_run(app, manager)
    _register_results(app, result_data)
    _register_downloads(app, result_data)
    _register_saved(app, saved)
    _register_compare(app, manager)
    _register_map(app, result_data)
    _register_policy(app, saved)


def _register_policy(app, saved) -> None:
    from defection.dashboard import policy

    @app.callback(Output("policy-figure", "figure"), Output("policy-answer", "children"),
                  Input("policy-select", "value"), Input("policy-budget", "value"), Input("policy-target", "value"),
                  Input("lang", "value"), prevent_initial_call=True)
    def design(run_id, budget, target, lang):
        """The optimisation's candidates against the budget and target; only an id the server listed is read."""
        if not (_number_ok(budget) and _number_ok(target)):
            return no_update, _message("error", t("levers.invalid", lang))
        try:
            rows = policy.rows_of(saved.trials(run_id))
        except DefectionError as exc:
            return {}, _message("error", str(exc))
        best = policy.best_within(rows, float(budget), float(target))
        if best is None:
            answer = _message("warn", t("policy.none", lang))
        else:
            shares = ", ".join(f"{k.removeprefix('share_')} {fmt_number(v * 100, lang)}%" for k, v in best.items()
                               if k.startswith("share_") and isinstance(v, (int, float)))
            answer = _message("ok", f"{t('policy.best', lang)}: #{best.get('trial')} · "
                                    f"{fmt_number(best['budget_kyat_month'], lang)} kyat/month · "
                                    f"{fmt_number(best['capacity_drop'] * 100, lang, 1)}% · {shares}")
        return policy.policy_figure(rows, float(budget), float(target), lang), answer


def _register_language(app) -> None:
    @app.callback(Output({"type": "t", "key": ALL}, "children"), Output("root", "lang"),
                  Input("lang", "value"), prevent_initial_call=True)
    def translate(lang):
        keys = [o["id"]["key"] for o in ctx.outputs_list[0]]
        return [t(k, lang) for k in keys], lang


def _register_scenario(app, builtin: list[str]) -> None:
    @app.callback(Output("scenario-store", "data"), Output("scenario-message", "children"),
                  Output("scenario-current", "children"),
                  Output({"type": "lever-input", "key": ALL}, "value", allow_duplicate=True),
                  Output({"type": "switch", "key": ALL}, "value", allow_duplicate=True),
                  Input("scenario-select", "value"), Input("scenario-upload", "contents"),
                  State("scenario-upload", "filename"), LEVER_IDS, SWITCH_IDS,
                  State("lang", "value"), prevent_initial_call=True)
    def choose_scenario(name, contents, filename, ids, switch_ids, lang):
        from defection import scenarios

        unchanged = [no_update] * len(ids), [no_update] * len(switch_ids or [])
        if ctx.triggered_id == "scenario-upload":
            if not contents:
                return no_update, no_update, no_update, *unchanged
            try:
                text = _decode_upload(contents, filename)
                sc = base_scenario({"toml": text, "filename": filename})
            except DefectionError as exc:
                return no_update, _message("error", f"{t('scenario.error', lang)}: {exc}"), no_update, *unchanged
            store = {"name": sc.name, "toml": text, "filename": filename}
            current = f"{filename} ({sc.name})"
        else:
            if not isinstance(name, str) or name not in builtin:  # never a path: built-in names only
                return (no_update, _message("error", f"{t('scenario.error', lang)}: unknown scenario "
                                                     f"{repr(name)[:60]}."), no_update, *unchanged)
            sc = scenarios.load(name)
            store = {"name": name, "toml": None, "filename": None}
            current = name
        values = lever_values(sc)
        return (store, _message("ok", f"{t('scenario.ok', lang)}: {current}"), current,
                [values[i["key"]] for i in ids], [["on"] if values[i["key"]] else [] for i in switch_ids or []])


def _register_levers(app) -> None:
    @app.callback(Output({"type": "lever-slider", "key": MATCH}, "value"),
                  Output({"type": "lever-input", "key": MATCH}, "value"),
                  Input({"type": "lever-slider", "key": MATCH}, "value"),
                  Input({"type": "lever-input", "key": MATCH}, "value"), prevent_initial_call=True)
    def sync_lever(slider, box):
        """The box holds the exact value; the slider follows it (clamped to its span) and, when dragged, sets it."""
        trigger = ctx.triggered_id or {}
        if trigger.get("type") == "lever-slider":
            return no_update, slider
        if not _number_ok(box):
            return no_update, no_update
        lo, hi = lever_range(trigger.get("key"))
        return min(max(box, lo), hi), no_update

    @app.callback(Output({"type": "lever-note", "key": MATCH}, "children"),
                  Input({"type": "lever-input", "key": MATCH}, "value"), Input("lang", "value"),
                  State({"type": "lever-input", "key": MATCH}, "id"))
    def lever_note(value, lang, ident):
        key = ident["key"]
        if not _number_ok(value):
            return _message("error", f"{key}: {t('levers.invalid', lang)}")
        lo, hi = lever_range(key)
        if not lo <= value <= hi and key in SCENARIO_KEYS:
            return _message("warn", f"{t('levers.outside', lang)} ({plain_number(lo)} – {plain_number(hi)})")
        return ""

    @app.callback(Output("settings-summary", "children"),
                  Input({"type": "lever-input", "key": ALL}, "value"),
                  Input({"type": "switch", "key": ALL}, "value"), Input("lang", "value"),
                  Input("scenario-store", "data"), LEVER_IDS, SWITCH_IDS)
    def settings_summary(values, switches, lang, store, ids, switch_ids):
        store = store if isinstance(store, dict) else {}
        shown = str(store.get("filename") or store.get("name") or "")[:100]
        try:
            base = lever_values(base_scenario(_scenario_source(store)))
        except DefectionError:
            base = {}
        chosen = {**_values_by_key(ids, values), **switch_values(switch_ids, switches)}
        return [html.Li([t("scenario.loaded", lang), ": ", html.Strong(shown)])] + settings_items(chosen, base, lang)


def settings_items(chosen: dict[str, Any], base: dict[str, Any], lang: str) -> list:
    """One line per setting that differs from the scenario (and always days and seeds): ``key = value``."""
    items = []
    for key, value in chosen.items():
        if key in base and base[key] == value and key not in ("run.days", "seeds"):
            continue
        shown = fmt_value(value, lang) if _number_ok(value) or isinstance(value, bool) else "–"
        items.append(html.Li([html.Code(key), " = ", html.Span(shown)]))
    return items


def _register_run(app, manager: JobManager) -> None:
    @app.callback(Output("job-store", "data"), Output("run-message", "children"),
                  Output("compare-message", "children"),
                  Output("results-body", "children", allow_duplicate=True),
                  Output("results-graphs", "children", allow_duplicate=True),
                  Output("result-store", "data", allow_duplicate=True),
                  Input("run-button", "n_clicks"), Input("compare-run", "n_clicks"),
                  LEVER_VALUES, LEVER_IDS, SWITCH_VALUES, SWITCH_IDS,
                  State("scenario-store", "data"), State("compare-a", "data"), State("compare-b", "data"),
                  State("tab-id", "data"), State("lang", "value"), prevent_initial_call=True)
    def start(_run, _compare, values, ids, switches, switch_ids, store, a, b, tab, lang):
        kind = "compare" if ctx.triggered_id == "compare-run" else "run"
        keep = (no_update,) * 3
        try:
            overrides, days, seeds = ensemble_settings(_values_by_key(ids, values), switch_values(switch_ids, switches))
            if kind == "compare":
                if b is None:
                    return no_update, no_update, _message("error", t("compare.need_b", lang)), *keep
                settings = [{"label": "A", "overrides": _client_overrides(a)},
                            {"label": "B", "overrides": _client_overrides(b)}]
            else:
                settings = [{"label": "run", "overrides": overrides}]
            spec = {**_scenario_source(store), "settings": settings, "seeds": seeds, "days": days,
                    "parameter_draws": parameter_draws_setting(_values_by_key(ids, values))}
            job_id = manager.submit(spec, owner=owner(tab), session=sessions.current())  # the queue enforces limits
        except DefectionError as exc:
            msg = _message("error", str(exc))
            return (no_update, msg, no_update, *keep) if kind == "run" else (no_update, no_update, msg, *keep)
        if kind == "compare":
            return {"job": job_id, "kind": kind}, "", "", *keep
        # the previous run's results leave the view at once: it shows this run's label until its results come
        waiting = html.Div([_job_label(job_id, lang), html.P(t("results.running", lang), className="hint")])
        return {"job": job_id, "kind": kind}, "", "", waiting, [], None

    @app.callback(Output("poll", "disabled"), Input("job-store", "data"))
    def reattach(job):
        """On load (a reload keeps the job in the tab's session) and on each new job: poll its state."""
        return not (isinstance(job, dict) and job.get("job") is not None)

    @app.callback(Output("progress-fill", "style"), Output("run-status", "children"),
                  Output("poll", "disabled", allow_duplicate=True), Output("cancel-button", "disabled"),
                  Output("result-store", "data"), Output("compare-result-store", "data"),
                  Output("live", "style"), Output("live-store", "data"),
                  Output("results-body", "children", allow_duplicate=True),
                  Input("poll", "n_intervals"), Input("lang", "value"), State("job-store", "data"),
                  State("tab-id", "data"), State("live-store", "data"), State("result-store", "data"),
                  prevent_initial_call=True)
    def poll(_n, lang, job, tab, drawn, shown):
        """The job's state, kept cheap (the page asks every 0.4 s): the live chart is drawn by :func:`draw_live`
        when the days done change."""
        job = job if isinstance(job, dict) else {}
        st = manager.status(job.get("job"), owner(tab))
        hidden = {"display": "none"}
        if st["state"] == "unknown":
            return {"width": "0%"}, t("run.idle", lang), True, True, no_update, no_update, hidden, None, no_update
        share = st["done"] / st["total"] if st["total"] else 0.0
        label = t(f"run.{st['state']}", lang)
        text = (f"#{digits(str(st['id']), lang)} · {label}: {fmt_number(st['done'], lang)} / "
                f"{fmt_number(st['total'], lang)} {t('run.days_done', lang)} ({digits(f'{share:.0%}', lang)})")
        active = st["state"] in ("queued", "running")
        if st["state"] == "queued" and st["ahead"]:
            text += f" ({t('run.ahead', lang)}: {fmt_number(st['ahead'], lang)})"
        if st["state"] == "error":
            text += f": {st['error']}"
        result = compare = no_update
        if st["state"] == "done":
            if job.get("kind") == "compare":
                compare = st["id"]
            elif shown != st["id"]:
                result = st["id"]
        live_style, stamp = hidden, None
        if st["state"] == "running" and job.get("kind") == "run" and st["done"]:
            live_style, stamp = {"display": "block"}, [st["id"], st["done"]]
        ended = no_update  # a run that ended without results says so where its results would be
        if st["state"] in ("cancelled", "error") and job.get("kind") == "run":
            ended = html.Div([_job_label(st["id"], lang), html.P(text, className="hint")])
        return ({"width": f"{share * 100:.1f}%"}, text, not active, not active, result, compare, live_style,
                stamp if stamp != drawn else no_update, ended)

    @app.callback(Output("fig-live", "figure"), Input("live-store", "data"), Input("lang", "value"),
                  State("tab-id", "data"), prevent_initial_call=True)
    def draw_live(stamp, lang, tab):
        """The running job's median and band so far (a dict figure: cheap to build)."""
        live = manager.live(stamp[0], owner(tab)) if isinstance(stamp, list) and stamp else None
        return figures.live_figure(live, lang) if live is not None else no_update

    @app.callback(Output("run-message", "children", allow_duplicate=True), Input("cancel-button", "n_clicks"),
                  State("job-store", "data"), State("tab-id", "data"), prevent_initial_call=True)
    def cancel(_n, job, tab):
        manager.cancel((job if isinstance(job, dict) else {}).get("job"), owner(tab))
        return ""


def _register_results(app, result_data) -> None:
    @app.callback(Output("results-body", "children"), Output("results-graphs", "children"),
                  Output("force-choice", "style"), Output("force-select", "options"),
                  Output("force-label", "children"), Output("downloads", "style"),
                  Input("result-store", "data"), Input("lang", "value"), Input("force-select", "value"),
                  State("tab-id", "data"), State("job-store", "data"))
    def show_results(ref, lang, force, tab, job):
        data = result_data(ref, tab)
        hidden = {"display": "none"}
        if not data:
            running = isinstance(job, dict) and job.get("kind") == "run" and job.get("job") is not None
            if running:  # a run started (or a reload during it): its label until its results come
                return (html.Div([_job_label(job["job"], lang), html.P(t("results.running", lang), className="hint")]),
                        [], hidden, no_update, no_update, hidden)
            return html.P(t("results.none", lang), className="hint"), [], hidden, no_update, no_update, hidden
        runs = next(iter(data["runs"].values()))
        force = figures.force_choice(force, runs)  # the page's value is checked, never used as sent
        forces = figures.forces_of(runs)
        options = [{"label": figures.text(f"force.{choice}", lang), "value": choice}
                   for choice in (figures.BOTH, *forces)]
        body, graphs = _results_body(data, runs, force, lang)
        return (body, graphs, {"display": "block"} if forces else hidden, options,
                figures.text("results.force", lang), {"display": "flex"})


def _register_downloads(app, result_data) -> None:
    from defection.dashboard import export

    @app.callback(Output("download", "data"),
                  Input("download-parquet", "n_clicks"), Input("download-csv", "n_clicks"),
                  Input("download-png", "n_clicks"), Input("download-manifest", "n_clicks"),
                  State("result-store", "data"), State("tab-id", "data"), State("lang", "value"),
                  prevent_initial_call=True)
    def download(_p, _c, _g, _m, ref, tab, lang):
        data = result_data(ref, tab)
        if not data or not ctx.triggered_id or not any(data.get("tables", {}).values()):
            return no_update  # an older job's daily tables are no longer kept
        stem = f"defection-{str(data['job']).replace(':', '-')}"
        kind = ctx.triggered_id.removeprefix("download-")
        makers = {"parquet": (export.parquet_bytes, "timeseries.parquet"), "csv": (export.csv_bytes, "timeseries.csv"),
                  "png": (lambda d: export.png_bytes(d, lang), "defections.png"),
                  "manifest": (export.manifest_bytes, "manifest.json")}
        make, name = makers[kind]
        return dcc.send_bytes(make(data), f"{stem}-{name}")


def _register_saved(app, saved) -> None:
    @app.callback(Output("saved-message", "children"), Output("result-store", "data", allow_duplicate=True),
                  Output("job-store", "data", allow_duplicate=True),
                  Input("saved-load", "n_clicks"), State("saved-select", "value"), State("lang", "value"),
                  prevent_initial_call=True)
    def load_saved(_n, run_id, lang):
        try:
            saved.load(run_id)  # only an id the server listed itself; read now, so a bad run says so here
        except DefectionError as exc:
            return _message("error", str(exc)), no_update, no_update
        return "", {"saved": run_id}, {"job": None, "kind": None}


def _register_map(app, result_data) -> None:
    """The map of states and regions (``regions_map``, built separately): the median over seeds, animated."""
    import importlib.util

    if importlib.util.find_spec("defection.dashboard.regions_map") is None:
        return

    @app.callback(Output("region-map", "figure"), Output("map-box", "style"),
                  Input("result-store", "data"), Input("lang", "value"), Input("map-metric", "value"),
                  State("tab-id", "data"))
    def show_map(ref, lang, metric, tab):
        from defection.dashboard.regions_map import MapError, available_metrics, median_regions, region_map_figure

        data = result_data(ref, tab)
        tables = [table for table in next(iter((data or {}).get("regions", {}).values()), []) if table is not None]
        if not tables:
            return no_update, {"display": "none"}
        frames = median_regions(tables) if len(tables) > 1 else tables[0]
        metrics = available_metrics(frames)
        metric = metric if metric in metrics else metrics[0]  # the page's value is checked, never used as sent
        step = {"step_days": 1} if data and data.get("map_step_days") == 1 else {}  # a job's map: weekly already
        try:
            return region_map_figure(frames, lang=lang, metric=metric, **step), {"display": "block"}
        except MapError:
            return no_update, {"display": "none"}


def _register_compare(app, manager: JobManager) -> None:
    @app.callback(Output("compare-a", "data"), Input("set-a", "n_clicks"), LEVER_VALUES, LEVER_IDS,
                  SWITCH_VALUES, SWITCH_IDS, prevent_initial_call=True)
    def set_a(_n, values, ids, switches, switch_ids):
        return _setting(values, ids, switches, switch_ids)

    @app.callback(Output("compare-b", "data"), Input("set-b", "n_clicks"), LEVER_VALUES, LEVER_IDS,
                  SWITCH_VALUES, SWITCH_IDS, prevent_initial_call=True)
    def set_b(_n, values, ids, switches, switch_ids):
        return _setting(values, ids, switches, switch_ids)

    @app.callback(Output("compare-settings", "children"), Input("compare-a", "data"), Input("compare-b", "data"),
                  Input("lang", "value"))
    def show_settings(a, b, lang):
        header = html.Tr([html.Th(t("report.parameter", lang)), html.Th("A"), html.Th("B")])
        rows = [header]
        for key in SCENARIO_KEYS + SWITCH_KEYS:
            va = (a or {}).get("overrides", {}).get(key)
            vb = (b or {}).get("overrides", {}).get(key)
            if a is not None and b is not None and va == vb:
                continue  # only what differs between A and B
            rows.append(html.Tr([html.Td([html.Code(key)]),
                                 html.Td(fmt_value(va, lang) if va is not None else t("compare.defaults", lang)),
                                 html.Td(fmt_value(vb, lang) if vb is not None else "–")], className="differs"))
        return html.Table(rows, className="table compare-settings")

    @app.callback(Output("compare-body", "children"), Input("compare-result-store", "data"), Input("lang", "value"),
                  State("tab-id", "data"))
    def show_compare(job_id, lang, tab):
        data = manager.result(job_id, owner(tab))
        if not data:
            return ""
        a_runs, b_runs = data["runs"]["A"], data["runs"]["B"]
        draws = int(data.get("parameter_draws") or 0)
        rows = figures.compare_rows(a_runs, b_runs, lang, draws)
        keys = ("compare.outcome", "compare.a", "compare.b", "compare.diff", "compare.interval")
        head = html.Tr([html.Th(t(k, lang)) for k in keys] + ([html.Th(t("shares.header", lang))] if draws else []))
        body = [html.Tr([html.Td(r["outcome"]), html.Td(r["a"]), html.Td(r["b"]),
                         html.Td(r["diff"], id=f"diff-{r['key']}"), html.Td(r["interval"])]
                        + ([html.Td(r["shares"])] if draws else [])) for r in rows]
        figs = figures.compare_figures(a_runs, b_runs, lang)
        parts = [_job_label(data["job"], lang), html.Table([head] + body, className="table compare-table",
                                                            id="compare-table")]
        parts.append(html.P(compare_note(data, draws, lang), className="hint", id="compare-note"))
        if len(a_runs) < 2:
            parts.append(html.P(t("compare.few_seeds", lang), className="hint"))
        parts.append(html.Div([dcc.Graph(id=k, figure=f, config={"displaylogo": False}, className="graph")
                               for k, f in figs.items()], className="graphs"))
        return parts


def compare_note(data: dict, draws: int, lang: str) -> str:
    """Under the comparison table: the baseline (A) and the day, what the intervals include, and what coercive
    capacity counts with the scenario's weights (docs/glossary.md)."""
    from defection.vocabulary import capacity_weights_text

    runs = data.get("runs", {}).get("A") or []
    per = len(runs) // draws if draws else len(runs)
    sentences = [t("compare.note_baseline", lang).format(
        end=fmt_date(figures.dates(runs)[-1], lang) if runs else "–",
        runs=(t("vocab.runs_draws", lang).format(n=fmt_number(draws, lang), r=fmt_number(per, lang)) if draws
              else t("vocab.runs_seeds", lang).format(r=fmt_number(per, lang))))]
    sentences.append(t("compare.note_draws", lang) if draws else t("vocab.seeds_only", lang))
    scenario = (data.get("manifest") or {}).get("scenario") or {}
    sentences.append(t("vocab.capacity_shown", lang) + " " + capacity_weights_text(scenario, lang))
    return " ".join(sentences)


def _results_body(data: dict, runs: list[dict], force: str, lang: str) -> tuple[list, list]:
    """The results of a finished job (or a saved run) for the chosen force: its label and settings, the headline,
    and every chart."""
    fin = figures.final_summary(runs, figures.final_series(force))
    end = figures.dates(runs)[-1]
    headline = html.Div(className="headline", children=[
        html.Div([t("results.final_defected", lang), " (",
                  "" if force == figures.BOTH else f"{figures.text(f'force.{force}', lang)}, ",
                  fmt_date(end, lang), "): "]),
        html.Strong(fmt_number(fin["median"], lang), id="final-defected", className="big"),
        html.Span([" · ", t("results.band", lang), ": ",
                   html.Span(fmt_number(fin["lo"], lang), id="final-defected-lo"), " – ",
                   html.Span(fmt_number(fin["hi"], lang), id="final-defected-hi"),
                   f" · {_runs_text(data, fin['n'], lang)}"]),
    ])
    figs = figures.results_figures(runs, lang, force)
    graphs = [dcc.Graph(id=key, figure=fig, config={"displaylogo": False}, className="graph")
              for key, fig in figs.items()]
    from defection.vocabulary import capacity_weights_text

    scenario = (data.get("manifest") or {}).get("scenario") or {}
    body = [_run_card(data, lang), headline, html.P(t("results.note", lang), className="hint"),
            html.P(capacity_weights_text(scenario, lang), className="hint", id="capacity-weights")]
    return body, [html.Div(graphs, className="graphs")]


def _runs_text(data: dict, n: float, lang: str) -> str:
    """"3 seeds", or with parameter draws "4 parameter draws x 3 paired seeds each"."""
    draws = int(data.get("parameter_draws") or 0)
    if draws:
        return t("vocab.runs_draws", lang).format(n=fmt_number(draws, lang), r=fmt_number(int(n) // draws, lang))
    return f"{fmt_number(n, lang)} {t('results.seeds', lang)}"


def _run_card(data: dict, lang: str) -> html.Div:
    """Which run the results come from, and its settings: scenario, seeds, days, every lever it changed, and
    the manifest that reproduces it."""
    import json

    seeds = data.get("seeds") or []
    changed: dict[str, Any] = next(iter((data.get("changed") or {}).values()), {})
    facts = [html.Li([t("scenario.loaded", lang), ": ", html.Strong(str(data.get("scenario") or "")[:100])]),
             html.Li([html.Code("seeds"), " = ", digits(", ".join(str(s) for s in seeds[:8]) +
                                                        (" …" if len(seeds) > 8 else ""), lang),
                      f" ({fmt_number(len(seeds), lang)})"]),
             html.Li([html.Code("run.days"), " = ", fmt_number(data.get("days"), lang)])]
    facts += [html.Li([html.Code(k), " = ", html.Span(fmt_value(v, lang))]) for k, v in changed.items()]
    if not changed:
        facts.append(html.Li(t("results.as_scenario", lang), className="hint"))
    manifest = json.dumps(data.get("manifest") or {}, indent=1, default=str)
    return html.Div(className="run-card", children=[
        _job_label(data["job"], lang),
        html.Ul(facts, className="run-settings", id="run-settings"),
        html.Details([html.Summary(t("results.manifest", lang)), html.Pre(manifest[:200_000], className="manifest")]),
    ])


def _job_label(job_id: Any, lang: str) -> html.Div:
    """Which run the results come from: the page waits for its own job's label, never a previous run's."""
    text = str(job_id)
    shown: list[Any]
    if text.startswith("saved:"):
        shown = [t("results.saved", lang), " ", html.Strong(text.removeprefix("saved:"))]
    else:
        shown = [t("results.job", lang), " #", digits(text, lang)]
    return html.Div(shown, className="results-job", id="results-job", **{"data-job": text})  # type: ignore[arg-type]  # dash's hints omit data-* attributes


def _scenario_source(store: Any) -> dict[str, Any]:
    """The scenario the browser chose, as a built-in name or uploaded text, never a path: a name
    that is not built-in is refused unread, by :func:`jobs.base_scenario`, before any job starts."""
    store = store if isinstance(store, dict) else {}
    text = store.get("toml")
    if text is not None:
        return {"name": None, "toml": text, "filename": str(store.get("filename") or "scenario")[:100]}
    return {"name": store.get("name"), "toml": None, "filename": None}


def _client_overrides(setting: Any) -> dict[str, Any]:
    """A compare setting from the browser: lever keys with finite numbers, switch keys with booleans, only."""
    overrides = (setting if isinstance(setting, dict) else {}).get("overrides")
    if not isinstance(overrides, dict):
        return {}
    bad = [k for k in overrides if not ((k in SCENARIO_KEYS and _number_ok(overrides[k])) or
                                        (k in SWITCH_KEYS and isinstance(overrides[k], bool)))]
    if bad:
        raise DefectionError(f"the comparison's settings name {repr(bad[0])[:60]}, which is not a lever with a "
                             f"number. Set A and B again.")
    return dict(overrides)


def _setting(values, ids, switches=None, switch_ids=None) -> dict[str, Any] | Any:
    vals = _values_by_key(ids, values)
    overrides = {k: vals[k] for k in SCENARIO_KEYS if _number_ok(vals.get(k))}
    overrides.update(switch_values(switch_ids, switches))
    return {"overrides": overrides}


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
