"""The page: one screen, levers on the left and results on the right. Every label is a translatable span.

The support levers and the switches are generated from the scenario schema (its ``support`` and
``switches`` sections), so a lever or switch added there appears here without a change to this file.
"""
from __future__ import annotations

import math
from typing import Any

from dash import dcc, html

from defection.i18n import LANG_NAMES, TEXT, t
from defection.dashboard.jobs import MAX_UPLOAD_BYTES

# Levers beyond the support section: (group label key, parameter keys), hand-picked as the questions users bring.
EXTRA_LEVER_GROUPS: list[tuple[str, list[str]]] = [
    ("levers.community", ["community.intensity"]),
    ("levers.regime", ["regime.family_pressure", "regime.prosecution_years", "regime.torture_risk",
                       "regime.p_detect"]),
    ("levers.force", ["force.paramilitary_share"]),
]
# Slider spans for levers whose schema documents no plausible range and whose bounds are too wide to slide
# over (the number box takes any valid value). Only the slider's ends: nothing here shapes the model.
SLIDER_SPANS: dict[str, tuple[float, float]] = {"support.budget_kyat_month": (0.0, 2_000_000_000.0)}
RUN_FIELDS: list[tuple[str, tuple[float, float]]] = [("run.days", (30, 730)), ("seeds", (1, 20)),
                                                     ("first_seed", (0, 1000)), ("parameter_draws", (0, 16))]
DEFAULT_SEEDS = 3


def _section_fields(section: str, kinds: tuple[type, ...]) -> list[str]:
    """Keys (``section.name``) of a schema section's fields whose type is one of ``kinds`` (bool is not a number)."""
    from defection.scenarios.schema import Scenario

    model = Scenario.model_fields[section].annotation
    assert model is not None  # every section of the schema is an annotated model
    return [f"{section}.{name}" for name, field in model.model_fields.items()
            if field.annotation in kinds]


def support_keys() -> list[str]:
    """Every numeric field of the schema's support section (capacities, costs, budget and allocation)."""
    return _section_fields("support", (int, float))


def switch_keys() -> list[str]:
    """Every switch of the schema's switches section."""
    return _section_fields("switches", (bool,))


def lever_groups() -> list[tuple[str, list[str]]]:
    return [("levers.support", support_keys())] + EXTRA_LEVER_GROUPS


SCENARIO_KEYS = [key for _, keys in lever_groups() for key in keys]
SWITCH_KEYS = switch_keys()
RUN_KEYS = [key for key, _ in RUN_FIELDS]
ALL_KEYS = SCENARIO_KEYS + RUN_KEYS  # the number boxes, in page order
INTEGER_KEYS = set(RUN_KEYS)


def T(key: str, lang: str = "en", tag=html.Span, **kwargs) -> Any:
    """A label that the language switch rewrites."""
    return tag(t(key, lang), id={"type": "t", "key": key}, **kwargs)


def _field(key: str):
    from defection.scenarios.schema import parameters

    return parameters().get(key)


def _bound(field, name: str) -> float | None:
    for item in getattr(field, "metadata", []) or []:
        value = getattr(item, name, None)
        if value is not None:
            return float(value)
    return None


def lever_range(key: str) -> tuple[float, float]:
    """The slider's span: the documented plausible range, else the schema's bounds if narrow enough to
    slide over, else :data:`SLIDER_SPANS`, else zero to four times the default."""
    from defection.scenarios.schema import plausible_range

    run = dict(RUN_FIELDS)
    if key in run:
        return run[key]
    if key in SLIDER_SPANS:
        return SLIDER_SPANS[key]
    documented = plausible_range(key)
    if documented and documented[1] > documented[0]:
        return documented
    field = _field(key)
    lo, hi = _bound(field, "ge"), _bound(field, "le")
    lo = 0.0 if lo is None else lo
    if hi is not None and hi - lo <= 1000:
        return lo, hi
    default = float(field.default) if field is not None and isinstance(field.default, (int, float)) else 1.0
    return lo, max(lo + 1.0, 4 * abs(default))


def slider_step(key: str) -> float:
    """A step of about 1/200 of the span, rounded to 1, 2 or 5 times a power of ten (whole numbers for counts)."""
    lo, hi = lever_range(key)
    raw = (hi - lo) / 200
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(1, round(step)) if key in INTEGER_KEYS else float(f"{step:.12g}")


def lever_label(key: str, lang: str = "en") -> Any:
    """The lever's translated label, or (for a lever the translation table does not know yet) its schema doc."""
    if f"lever.{key}" in TEXT:
        return T(f"lever.{key}", lang)
    field = _field(key)
    return html.Span((field.description if field is not None and field.description else key).split(";")[0])


def scenario_value(scenario, key: str):
    node = scenario
    for part in key.split("."):
        node = getattr(node, part)
    return node


def lever_values(scenario) -> dict[str, Any]:
    """Lever and switch values of a scenario, plus the ensemble's defaults."""
    values = {key: scenario_value(scenario, key) for key in SCENARIO_KEYS + SWITCH_KEYS}
    values.update({"run.days": scenario.run.days, "seeds": DEFAULT_SEEDS, "first_seed": scenario.run.seed,
                   "parameter_draws": 0})
    return values


def plain_number(value: float) -> str:
    """A range end as typed: 200000, 0.002 (no grouping, no rounding, no exponent for ordinary sizes)."""
    if float(value) == int(value):
        return str(int(value))
    return f"{value:.10f}".rstrip("0").rstrip(".")


def _lever(key: str, value) -> html.Div:
    lo, hi = lever_range(key)
    integer = key in INTEGER_KEYS
    return html.Div(className="lever", **{"data-key": key}, children=[  # type: ignore[arg-type]  # dash's hints omit data-* attributes
        html.Label([lever_label(key), html.Code(key if "." in key else "", className="key")]),
        html.Div(className="lever-row", children=[
            html.Span(plain_number(lo), className="range-min", title="min"),
            dcc.Slider(id={"type": "lever-slider", "key": key}, min=lo, max=hi, step=slider_step(key),
                       value=min(max(value, lo), hi), marks=None, tooltip={"always_visible": False},
                       updatemode="mouseup", className="lever-slider"),
            html.Span(plain_number(hi), className="range-max", title="max"),
            dcc.Input(id={"type": "lever-input", "key": key}, type="number", value=value, debounce=False,
                      min=0 if integer or lo >= 0 else None, step=1 if integer else "any",
                      className="lever-input", name=key,
                      inputMode="decimal"),  # type: ignore[arg-type]  # valid HTML; dash's hints list fewer modes
        ]),
        html.Div(id={"type": "lever-note", "key": key}, className="lever-note"),
    ])


def _switch(key: str, value: bool) -> html.Div:
    return html.Div(className="switch", **{"data-key": key}, children=[  # type: ignore[arg-type]  # dash's hints omit data-* attributes
        dcc.Checklist(id={"type": "switch", "key": key}, options=[{"label": lever_label(key), "value": "on"}],
                      value=["on"] if value else [], className="switch-box"),
        html.Code(key, className="key"),
    ])


def levers_panel(names: list[str], default: str, values: dict[str, Any]) -> html.Div:
    """The left column: scenario, levers, switches, run settings, and the Run button with its progress."""
    groups = [html.Details(open=group == "levers.support", className="group", children=[
        html.Summary(T(group)), *[_lever(k, values[k]) for k in keys]]) for group, keys in lever_groups()]
    groups.append(html.Details(className="group", children=[
        html.Summary(T("levers.switches")), html.P(T("levers.switches_intro"), className="hint"),
        *[_switch(k, values[k]) for k in SWITCH_KEYS]]))
    return html.Div(className="levers-panel", children=[
        scenario_box(names, default),
        html.Fieldset([html.Legend(T("levers.run"))] + [_lever(k, values[k]) for k in RUN_KEYS]),
        run_box(),
        html.P(T("levers.intro"), className="hint"),
        *groups,
    ])


def scenario_box(names: list[str], default: str) -> html.Div:
    return html.Div(className="scenario-box", children=[
        html.Label(T("scenario.builtin"), htmlFor="scenario-select"),
        dcc.Dropdown(id="scenario-select", options=[{"label": n, "value": n} for n in names], value=default,
                     clearable=False, searchable=False, className="scenario-select"),
        dcc.Upload(id="scenario-upload", children=html.Div(T("scenario.drop")), accept=".toml,text/plain",
                   multiple=False, max_size=MAX_UPLOAD_BYTES, className="upload"),
        html.Div(id="scenario-message", className="message", role="status"),
        html.Div([T("scenario.loaded"), ": ", html.Strong(default, id="scenario-current")], className="current"),
    ])


def run_box() -> html.Div:
    return html.Div(className="run-box", children=[
        html.Div(className="buttons", children=[
            html.Button(T("run.button"), id="run-button", n_clicks=0, className="primary"),
            html.Button(T("run.cancel"), id="cancel-button", n_clicks=0, disabled=True),
        ]),
        html.Div(id="run-message", className="message", role="alert"),
        html.Div(className="progress", children=html.Div(id="progress-fill", className="progress-fill",
                                                         style={"width": "0%"}),
                 role="progressbar"),
        html.Div(t("run.idle"), id="run-status", className="run-status", role="status"),
        html.Details(className="settings", children=[
            html.Summary(T("levers.current")),
            html.Ul(id="settings-summary", className="settings-summary"),
        ]),
    ])


def policy_panel(optimize_ids: list[str]) -> html.Details:
    """The "Policy design" panel: an optimisation found under --runs, a monthly budget and a target drop."""
    return html.Details(className="group policy-panel", id="policy-panel",
                        style={} if optimize_ids else {"display": "none"}, children=[
        html.Summary(T("policy.title")),
        html.P(T("policy.intro"), className="hint"),
        html.P([html.Strong(T("term.capacity_drop")), ": ", T("def.capacity_drop")], className="hint"),
        html.P([html.Strong(T("term.p10")), ": ", T("def.p10")], className="hint"),
        dcc.Dropdown(id="policy-select", options=[{"label": i, "value": i} for i in optimize_ids],
                     value=optimize_ids[0] if optimize_ids else None, clearable=False),
        html.Div(className="lever-row policy-inputs", children=[
            html.Label(T("policy.budget"), htmlFor="policy-budget"),
            dcc.Input(id="policy-budget", type="number", value=10_000_000_000, min=0, step="any",
                      className="lever-input"),
            html.Label(T("policy.target"), htmlFor="policy-target"),
            dcc.Input(id="policy-target", type="number", value=0.10, min=0, max=1, step="any", className="lever-input"),
        ]),
        html.Div(id="policy-answer", className="message", role="status"),
        dcc.Graph(id="policy-figure", config={"displaylogo": False}, className="graph"),
    ])


def results_panel(saved_ids: list[str], optimize_ids: list[str] | None = None) -> html.Div:
    """The right column: the run's label and settings, downloads, the charts (live while a run goes), the map
    placeholder, the comparison and the saved runs."""
    from defection.dashboard.figures import BOTH

    return html.Div(className="results-panel", children=[
        html.Div(id="live", style={"display": "none"}, children=[
            dcc.Graph(id="fig-live", config={"displaylogo": False}, className="graph")]),
        html.Div(id="results-body", children=html.P(t("results.none"), className="hint")),
        html.Div(id="force-choice", className="force-choice", style={"display": "none"}, children=[
            html.Label(id="force-label", htmlFor="force-select"),
            dcc.RadioItems(id="force-select", options=[{"label": BOTH, "value": BOTH}], value=BOTH, inline=True,
                           className="force-select"),
        ]),
        html.Div(id="downloads", className="buttons downloads", style={"display": "none"}, children=[
            html.Button(T("download.parquet"), id="download-parquet", n_clicks=0),
            html.Button(T("download.csv"), id="download-csv", n_clicks=0),
            html.Button(T("download.png"), id="download-png", n_clicks=0),
            html.Button(T("download.manifest"), id="download-manifest", n_clicks=0),
        ]),
        dcc.Download(id="download"),
        html.Div(id="results-graphs"),
        html.Div(id="map-box", className="map-box", style={"display": "none"}, children=[
            dcc.RadioItems(id="map-metric", options=[{"label": T(f"out.{m}"), "value": m} for m in MAP_METRICS],
                           value=MAP_METRICS[0], inline=True, className="force-select"),
            dcc.Graph(id="region-map", config=map_config(),  # type: ignore[arg-type]  # a plain dict of Config's keys
                      className="graph")]),
        html.Details(className="group compare-panel", id="compare-panel", children=[
            html.Summary(T("compare.title")), compare_view()]),
        html.Details(className="group saved-panel", id="saved-panel",
                     style={} if saved_ids else {"display": "none"}, children=[
            html.Summary(T("saved.title")),
            html.P(T("saved.intro"), className="hint"),
            dcc.Dropdown(id="saved-select", options=[{"label": i, "value": i} for i in saved_ids],
                         value=saved_ids[0] if saved_ids else None, clearable=False, className="saved-select"),
            html.Div(className="buttons", children=[html.Button(T("saved.load"), id="saved-load", n_clicks=0)]),
            html.Div(id="saved-message", className="message", role="alert"),
        ]),
        policy_panel(optimize_ids or []),
    ])


MAP_METRICS = ("defected", "civilians_killed")


def map_config() -> dict[str, Any]:
    """The map's Plotly config: the map module's own, which keeps Plotly from fetching a world map from its CDN."""
    import importlib.util

    if importlib.util.find_spec("defection.dashboard.regions_map") is None:
        return {"displaylogo": False}
    from defection.dashboard.regions_map import GRAPH_CONFIG

    return dict(GRAPH_CONFIG)


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


def layout(names: list[str], default: str, values: dict[str, Any], tab_id: str | None = None,
           saved_ids: list[str] | None = None, optimize_ids: list[str] | None = None) -> html.Div:
    """The page. ``tab_id`` keys this page's jobs in the server's queue; it is kept in the browser tab's
    session storage with the current job, so a reload re-attaches to the job and its results."""
    import uuid

    tab_id = tab_id or uuid.uuid4().hex
    return html.Div(id="root", lang="en", className="root", children=[
        html.Header(className="header", children=[
            html.Div([html.H1(T("app.title")), html.P(T("app.subtitle"), className="subtitle")]),
            html.Div(className="lang", children=[
                html.Label(T("lang.label"), htmlFor="lang"),
                dcc.RadioItems(id="lang", options=[{"label": html.Span(v, lang=k), "value": k}
                                                   for k, v in LANG_NAMES.items()],
                               value="en", inline=True, className="lang-switch"),
            ]),
        ]),
        html.Main(className="screen", children=[levers_panel(names, default, values),
                                                results_panel(saved_ids or [], optimize_ids)]),
        dcc.Store(id="scenario-store", data={"name": default, "toml": None, "filename": None}),
        dcc.Store(id="tab-id", data=tab_id, storage_type="session"),
        dcc.Store(id="job-store", data={"job": None, "kind": None}, storage_type="session"),
        dcc.Store(id="result-store", data=None, storage_type="session"),
        dcc.Store(id="live-store", data=None),
        dcc.Store(id="compare-result-store", data=None),
        dcc.Store(id="compare-a", data=None),
        dcc.Store(id="compare-b", data=None),
        dcc.Interval(id="poll", interval=400, disabled=True),
    ])
