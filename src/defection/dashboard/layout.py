"""The page: scenario, levers, run, results and compare views. Every label is a translatable span."""
from __future__ import annotations

from typing import Any

from dash import dcc, html

from defection.i18n import LANG_NAMES, t
from defection.dashboard.jobs import MAX_UPLOAD_BYTES

# (group label key, [(parameter key, step, slider range if the scenario documents none)])
LEVER_GROUPS: list[tuple[str, list[tuple[str, float, tuple[float, float] | None]]]] = [
    ("levers.support", [("support.protection_capacity", 1, None), ("support.stipend_kyat", 10000, None),
                        ("support.outreach", 0.01, None)]),
    ("levers.community", [("community.intensity", 0.0001, None)]),
    ("levers.regime", [("regime.family_pressure", 0.1, None), ("regime.prosecution_years", 0.5, None),
                       ("regime.torture_risk", 0.01, None), ("regime.p_detect", 0.01, None)]),
    ("levers.force", [("force.paramilitary_share", 0.01, None)]),
]
RUN_FIELDS: list[tuple[str, float, tuple[float, float]]] = [
    ("run.days", 1, (30, 730)), ("seeds", 1, (1, 20)), ("first_seed", 1, (0, 1000)),
]
SCENARIO_KEYS = [key for _, items in LEVER_GROUPS for key, _, _ in items]
ALL_KEYS = SCENARIO_KEYS + [key for key, _, _ in RUN_FIELDS]
DEFAULT_SEEDS = 3
TABS = ("scenario", "levers", "run", "results", "compare")


def T(key: str, lang: str = "en", tag=html.Span, **kwargs) -> Any:
    """A label that the language switch rewrites."""
    return tag(t(key, lang), id={"type": "t", "key": key}, **kwargs)


def lever_range(key: str) -> tuple[float, float]:
    from defection.scenarios.schema import plausible_range

    for _, items in LEVER_GROUPS:
        for k, _, fallback in items:
            if k == key:
                return plausible_range(key) or fallback or (0.0, 1.0)
    for k, _, rng in RUN_FIELDS:
        if k == key:
            return rng
    raise KeyError(key)


def lever_step(key: str) -> float:
    for _, items in LEVER_GROUPS:
        for k, step, _ in items:
            if k == key:
                return step
    return dict((k, s) for k, s, _ in RUN_FIELDS)[key]


def scenario_value(scenario, key: str):
    node = scenario
    for part in key.split("."):
        node = getattr(node, part)
    return node


def lever_values(scenario) -> dict[str, Any]:
    """Lever values of a scenario, plus the ensemble's defaults."""
    values = {key: scenario_value(scenario, key) for key in SCENARIO_KEYS}
    values.update({"run.days": scenario.run.days, "seeds": DEFAULT_SEEDS, "first_seed": scenario.run.seed})
    return values


def _lever(key: str, value, label_key: str) -> html.Div:
    lo, hi = lever_range(key)
    step = lever_step(key)
    integer = key in ("run.days", "seeds", "first_seed")
    return html.Div(className="lever", children=[
        html.Label([T(label_key), html.Code(key if "." in key else "", className="key")]),
        html.Div(className="lever-row", children=[
            dcc.Slider(id={"type": "lever-slider", "key": key}, min=lo, max=hi, step=step, value=value,
                       marks=None, tooltip={"always_visible": False}, allow_direct_input=False,
                       updatemode="mouseup", className="lever-slider"),
            dcc.Input(id={"type": "lever-input", "key": key}, type="number", value=value, debounce=False,
                      min=0 if integer or lo >= 0 else None, step="any" if not integer else 1,
                      className="lever-input", name=key),
        ]),
        html.Div(id={"type": "lever-note", "key": key}, className="lever-note"),
    ])


def levers_view(values: dict[str, Any]) -> html.Div:
    groups = []
    for group_key, items in LEVER_GROUPS:
        groups.append(html.Fieldset([html.Legend(T(group_key))] +
                                    [_lever(k, values[k], f"lever.{k}") for k, _, _ in items]))
    groups.append(html.Fieldset([html.Legend(T("levers.run"))] +
                                [_lever(k, values[k], f"lever.{k}") for k, _, _ in RUN_FIELDS]))
    return html.Div([html.P(T("levers.intro"), className="hint"), html.Div(groups, className="lever-grid")])


def scenario_view(names: list[str], default: str) -> html.Div:
    return html.Div([
        html.Label(T("scenario.builtin"), htmlFor="scenario-select"),
        dcc.Dropdown(id="scenario-select", options=[{"label": n, "value": n} for n in names], value=default,
                     clearable=False, searchable=False, className="scenario-select"),
        html.P(T("scenario.upload"), className="hint"),
        dcc.Upload(id="scenario-upload", children=html.Div(T("scenario.drop")), accept=".toml,text/plain",
                   multiple=False, max_size=MAX_UPLOAD_BYTES, className="upload"),
        html.Div(id="scenario-message", className="message", role="status"),
        html.Div([T("scenario.loaded"), ": ", html.Strong(default, id="scenario-current")], className="current"),
    ])


def run_view() -> html.Div:
    return html.Div([
        html.H3(T("levers.current")),
        html.Ul(id="settings-summary", className="settings-summary"),
        html.Div(className="buttons", children=[
            html.Button(T("run.button"), id="run-button", n_clicks=0, className="primary"),
            html.Button(T("run.cancel"), id="cancel-button", n_clicks=0, disabled=True),
        ]),
        html.Div(id="run-message", className="message", role="alert"),
        html.Div(className="progress", children=html.Div(id="progress-fill", className="progress-fill",
                                                         style={"width": "0%"}),
                 role="progressbar"),
        html.Div(t("run.idle"), id="run-status", className="run-status", role="status"),
    ])


def results_view() -> html.Div:
    """The Results tab: the force selector (shown once a run records both forces) above the results."""
    from defection.dashboard.figures import BOTH

    return html.Div([
        html.Div(id="force-choice", className="force-choice", style={"display": "none"}, children=[
            html.Label(id="force-label", htmlFor="force-select"),
            dcc.RadioItems(id="force-select", options=[{"label": BOTH, "value": BOTH}], value=BOTH, inline=True,
                           className="force-select"),
        ]),
        html.Div(id="results-body", children=html.P(t("results.none"), className="hint")),
    ])


def compare_view() -> html.Div:
    return html.Div([
        html.P(T("compare.intro"), className="hint"),
        html.Div(className="buttons", children=[
            html.Button(T("compare.set_a"), id="set-a", n_clicks=0),
            html.Button(T("compare.set_b"), id="set-b", n_clicks=0),
            html.Button(T("compare.run"), id="compare-run", n_clicks=0, className="primary"),
        ]),
        html.Div(id="compare-settings"),
        html.Div(id="compare-message", className="message", role="alert"),
        html.Div(id="compare-body"),
    ])


def layout(names: list[str], default: str, values: dict[str, Any], tab_id: str | None = None) -> html.Div:
    """The page; ``tab_id`` keys this page's jobs in the server's queue (a new one per page load)."""
    import uuid

    tab_id = tab_id or uuid.uuid4().hex
    return html.Div(id="root", lang="en", className="root", children=[
        html.Header(className="header", children=[
            html.Div([html.H1(T("app.title")), html.P(T("app.subtitle"), className="subtitle")]),
            html.Div(className="lang", children=[
                html.Label(T("lang.label"), htmlFor="lang"),
                dcc.RadioItems(id="lang", options=[{"label": html.Span(v, lang=k), "value": k} for k, v in LANG_NAMES.items()],
                               value="en", inline=True, className="lang-switch"),
            ]),
        ]),
        dcc.Tabs(id="tabs", value="scenario", className="tabs", children=[
            dcc.Tab(id="tab-scenario", label=t("tab.scenario"), value="scenario",
                    children=scenario_view(names, default)),
            dcc.Tab(id="tab-levers", label=t("tab.levers"), value="levers", children=levers_view(values)),
            dcc.Tab(id="tab-run", label=t("tab.run"), value="run", children=run_view()),
            dcc.Tab(id="tab-results", label=t("tab.results"), value="results", children=results_view()),
            dcc.Tab(id="tab-compare", label=t("tab.compare"), value="compare", children=compare_view()),
        ]),
        dcc.Store(id="scenario-store", data={"name": default, "toml": None, "filename": None}),
        dcc.Store(id="tab-id", data=tab_id),
        dcc.Store(id="job-store", data={"job": None, "kind": None}),
        dcc.Store(id="result-store", data=None),
        dcc.Store(id="compare-result-store", data=None),
        dcc.Store(id="compare-a", data=None),
        dcc.Store(id="compare-b", data=None),
        dcc.Interval(id="poll", interval=400, disabled=True),
    ])
