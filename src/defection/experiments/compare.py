"""``defection compare``: policies as ensembles, with paired differences against a named baseline.

The baseline (the first policy, the reference of every difference) is named for what it is
(:mod:`defection.vocabulary`, docs/glossary.md): ``scenario-programmes``, the scenario as given with
its own support programmes, unless a preset defines it, as ``diis-policy`` does with
``no-programmes`` (every support lever at zero). Replicate r of every policy uses the same seed (common
random numbers), so a policy's effect is measured as the paired difference policy − baseline on the
last day, seed by seed; its interval is much tighter than that of two independent ensembles.

The table gives, for each policy and outcome, the ensemble mean and its 90% interval (5th–95th
percentile across replicates), and the mean paired difference from the baseline with a 90%
confidence interval (Student t): Monte Carlo noise at fixed parameters. With ``parameter_draws=N``
(``--parameter-draws``) every policy runs on the same N draws of what the data cannot identify, each
with the same ``replicates`` seeds, and an effect's interval is where it lies, with 90% probability,
at a parameter setting drawn as these were, with the shares of its variance that come from the
parameters and from the seeds (:func:`defection.experiments.uncertainty.decompose`). Cost per
additional defection is the mean extra programme cost divided by the mean extra defections (both
paired), when the policy adds defections.

Outcomes count both forces; each force's defections, quiet resisters and coercive capacity on the
last day (as a share of day 0) are outcomes of their own (``defected_police``, ``defected_army``,
...), left empty for a model that does not record them.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from defection.engine.outputs import write_json, write_parquet
from defection.errors import DefectionError, ScenarioError, nearest
from defection.experiments import models, runner
from defection.experiments.executor import execute
from defection.experiments.plan import Plan, Progress
from defection.experiments.size import Gate, plural, work_of
from defection.experiments.small_designs import undecided_effects
from defection.experiments.uncertainty import by_draw, check_parameter_draws, decompose, spread_shares
from defection.experiments.draws import parameter_draws as draw_parameters
from defection.vocabulary import BASELINES, FORMER_BASELINE, NO_PROGRAMMES, SCENARIO_PROGRAMMES, capacity_weights

# The reference a comparison adds when neither a preset nor the user gives one: the scenario as given.
BASELINE = SCENARIO_PROGRAMMES
# Per-force outcomes (defections, quiet resisters, coercive capacity at the end as a share of day 0) come
# after the totals; a sweep summary without them (a one-force model) leaves their rows empty.
FORCE_OUTCOMES = tuple(f"{outcome}_{force}" for force in ("police", "army")
                       for outcome in ("defected", "quiet_resisters", "coercive_capacity_end_share"))
OUTCOMES = ("defected", "defected_civilian", "defected_paramilitary", "coercive_capacity_min_share",
            "civilians_killed", "programme_cost", "day_capacity_below_half", "coercive_capacity_end_share",
            *FORCE_OUTCOMES)
SERIES = ("defected", "coercive_capacity", "civilians_killed", "programme_cost")
# With per-force series, the figure shows each force's defections and coercive capacity beside the totals.
SERIES_BY_FORCE = ("defected", "defected_police", "defected_army", "civilians_killed",
                   "coercive_capacity", "coercive_capacity_police", "coercive_capacity_army", "programme_cost")

# The question of the DIIS / Nyan Corridor report (Kyed & Nyan Corridor, DIIS 2021): do protection and
# alternative livelihoods, at scale, produce numerous desertions? Its baseline is *no programmes* (and no
# outreach); "both" is the scenario's default capacities (the NUG's scale: 20 protected and 60 enrolled
# families a month).
PRESETS: dict[str, list[tuple[str, str, str]]] = {
    "diis-policy": [
        (NO_PROGRAMMES, "support.protection_capacity=0,support.livelihood_capacity=0,support.outreach=0",
         "no programmes: no protection or livelihood programme, no outreach"),
        ("protection-only", "support.protection_capacity=20,support.livelihood_capacity=0",
         "protection for 20 families a month, no livelihoods"),
        ("livelihoods-only", "support.protection_capacity=0,support.livelihood_capacity=60",
         "stipends for 60 new families a month, no protection"),
        ("both", "support.protection_capacity=20,support.livelihood_capacity=60",
         "both, at the scenario's default capacities"),
        ("both-5x", "support.protection_capacity=100,support.livelihood_capacity=300",
         "both at 5x capacity"),
    ],
}

# Former names of presets, still accepted with a one-line note. "seed-policy" read as the random seed.
PRESET_ALIASES: dict[str, str] = {"seed-policy": "diis-policy"}


def preset_name(preset: str) -> tuple[str, str | None]:
    """The current name of ``preset`` and, for a former name, a one-line note saying so (else None).

    Raises :class:`~defection.errors.DefectionError` for a name that is neither a preset nor a former one.
    """
    if preset in PRESETS:
        return preset, None
    if preset in PRESET_ALIASES:
        new = PRESET_ALIASES[preset]
        return new, f"note: --preset {preset} is now called {new} (the DIIS / Nyan Corridor report's question); " \
                    "the old name will be removed in a later version."
    hit = nearest(preset, [*PRESETS, *PRESET_ALIASES])
    hint = ""
    if hit in PRESET_ALIASES:
        hint = f" Did you mean '{PRESET_ALIASES[hit]}' (formerly '{hit}')?"
    elif hit:
        hint = f" Did you mean '{hit}'?"
    raise DefectionError(f"--preset '{preset}' is not a preset.{hint} Presets: {', '.join(PRESETS)}.")


_SPLIT = re.compile(r",(?=\s*[A-Za-z_][\w.]*\s*=)")  # commas that start a new key=value (lists keep theirs)


def parse_policy(spec: str) -> tuple[str, dict[str, str]]:
    """``NAME:key=val,key=val`` -> (name, {key: raw value})."""
    name, sep, rest = str(spec).partition(":")
    name = name.strip()
    if not sep or not name:
        raise DefectionError(f"--policy '{spec}' needs the form NAME:key=value,key=value, e.g. "
                             f"big-support:support.protection_capacity=100,support.livelihood_capacity=300.")
    if not re.fullmatch(r"[A-Za-z0-9][\w.+-]*", name):
        raise DefectionError(f"--policy '{spec}': the name '{name}' may use letters, digits, '-', '_', '.' and '+'.")
    settings: dict[str, str] = {}
    for item in (p.strip() for p in _SPLIT.split(rest) if p.strip()):
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise DefectionError(f"--policy {name}: '{item}' needs the form key=value.")
        settings[key.strip()] = value.strip()
    return name, settings


def _refuse_run_settings(entries: list[tuple[str, dict[str, str], str]]) -> None:
    """A policy changes the programmes, not the run: every policy runs the same days on the same paired seeds,
    or its "effect" would compare different things (a policy's run.seed was ignored, its run.days meaningless)."""
    for name, settings, _ in entries:
        run_keys = [key for key in settings if key == "run" or key.startswith("run.")]
        if run_keys:
            raise DefectionError(f"--policy {name} sets {run_keys[0]}, but every policy of a comparison runs the "
                                 "same days on the same paired seeds; set run.* for all of them with --days, --seed "
                                 "or --set instead.")


def _check_baseline_names(entries: list[tuple[str, dict[str, str], str]], preset: str | None) -> None:
    """The baselines' names say what they are, so a policy may not take one (nor the former, ambiguous name)."""
    given = entries if preset is None else entries[len(PRESETS[preset_name(preset)[0]]):]
    for name, _, _ in given:
        if name == FORMER_BASELINE:
            raise DefectionError(f"--policy {name}: the reference is now named for what it is: "
                                 f"'{SCENARIO_PROGRAMMES}' (the scenario as given, added for you) or "
                                 f"'{NO_PROGRAMMES}' (every support programme at zero, as in --preset diis-policy). "
                                 "To change the reference, change the scenario for every policy with --set.")
        if name in BASELINES:
            raise DefectionError(f"--policy {name}: this name belongs to a baseline (docs/glossary.md); give the "
                                 "policy another name.")


def plan_compare(scenario: Any = "myanmar-2021", policies: list[str] | tuple[str, ...] = (), *,
                 preset: str | None = None, replicates: int = 20, seed: int = 0, days: int | None = None,
                 overrides: list[str] | dict[str, Any] | None = None, chunk: int | None = None,
                 timeseries: bool = True, gate: Gate | None = None, parameter_draws: int = 0,
                 posterior: str | Path | None = None) -> Plan:
    """Validate a comparison's specification and return its :class:`Plan` (nothing is run). ``gate`` (a
    :class:`~defection.experiments.size.SizeGate`) is told its size before the plan is made, and may refuse it.
    ``parameter_draws`` and ``posterior`` are :func:`compare`'s."""
    from defection import api, scenarios

    n_draws = check_parameter_draws(parameter_draws)
    if posterior is not None and not n_draws:
        raise DefectionError("--posterior draws parameters only with --parameter-draws N (N at least 2).")
    if replicates < 2:
        raise DefectionError(f"--replicates {replicates}: an ensemble needs at least 2 runs per policy for intervals.")
    if seed < 0:
        raise DefectionError(f"--seed {seed}: seeds are non-negative integers.")
    if chunk is not None and chunk < 1:
        raise DefectionError(f"--chunk {chunk}: a chunk needs at least 1 run.")
    entries: list[tuple[str, dict[str, str], str]] = []
    if preset is not None:
        # the spec keeps the name as given, so that a comparison begun as seed-policy still resumes
        current, note = preset_name(preset)
        if note:
            warnings.warn(note, FutureWarning, stacklevel=2)
        for name, text, doc in PRESETS[current]:
            entries.append((name, parse_policy(f"{name}:{text}")[1], doc))
    for text in policies:
        name, settings = parse_policy(text)
        entries.append((name, settings, ""))
    _refuse_run_settings(entries)
    _check_baseline_names(entries, preset)
    if not entries or entries[0][0] not in BASELINES:
        entries.insert(0, (BASELINE, {}, "the scenario's programmes: the scenario as given"))
    names = [n for n, _, _ in entries]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DefectionError(f"--policy {dupes[0]} is given twice. Give each policy a distinct name.")
    if len(entries) < 2:
        raise DefectionError("nothing to compare: give at least one --policy NAME:key=value (or --preset diis-policy).")
    base_sc = api.resolve(scenario, overrides, days=days)
    base = base_sc.model_dump(mode="json")
    for name, settings, _ in entries:
        try:
            scenarios.from_dict(base, [f"{k}={v}" for k, v in settings.items()], origin=f"policy '{name}'",
                               override_label="")
        except ScenarioError as exc:
            raise DefectionError(f"--policy {name}: {exc}") from None
    runs = replicates * max(n_draws, 1)
    draws, how = draw_parameters(base, n_draws, seed, posterior) if n_draws else ([], {})
    if gate is not None:
        what = (f"{len(entries)} policies x {plural(n_draws, 'parameter draw')} x {plural(replicates, 'paired seed')}"
                if n_draws else f"{len(entries)} policies x {plural(replicates, 'paired seed')}")
        gate(work_of("compare", len(entries) * runs, what, base_sc,
                     knob="--replicates or --parameter-draws" if n_draws else "--replicates"))
    spec: dict[str, Any] = {"policies": [{"name": n, "overrides": s, "description": d} for n, s, d in entries],
                            "preset": preset}
    if n_draws:
        spec["uncertainty"] = {"parameter_draws": n_draws, "seeds_per_draw": replicates, **how}
    sim = models.get("defection")
    return Plan(kind="compare", model="defection", base=base, points=[dict(s) for _, s, _ in entries],
                labels={"policy": (pa.string(), names)}, replicates=runs, seed=seed, seed_by="replicate",
                chunk=chunk or sim.default_chunk, timeseries=timeseries, spec=spec, draws=draws,
                per_draw=replicates if n_draws else 0)


def compare(scenario: Any = "myanmar-2021", policies: list[str] | tuple[str, ...] = (), *, out: str | Path | None,
            preset: str | None = None, replicates: int = 20, seed: int = 0, days: int | None = None,
            overrides: list[str] | dict[str, Any] | None = None, chunk: int | None = None, scheduler: Any = None,
            workers: int | None = None, force: bool = False, plot: bool = True,
            progress: Progress | None = None, gate: Gate | None = None, parameter_draws: int = 0,
            posterior: str | Path | None = None) -> dict[str, Any]:
    """Run each policy as an ensemble (paired seeds) and write compare.parquet, compare.json, compare.png.

    The first policy is the baseline: ``scenario-programmes`` (the scenario as given, with its own
    support programmes) or, with ``preset="diis-policy"``, ``no-programmes``. Every other one is
    compared with it run by run on the last day, on the same seeds (and parameter draws): common
    random numbers.

    Parameters
    ----------
    scenario : str, pathlib.Path or Scenario, optional
        A built-in scenario's name, a scenario file, or a scenario object (default ``"myanmar-2021"``).
    policies : list of str
        Each ``NAME:key=value,key=value``, e.g.
        ``"big-support:support.protection_capacity=100,support.livelihood_capacity=300"``.
    out : str or pathlib.Path or None
        The results directory; None for ``runs/compare-<hash>``. A directory holding the same
        comparison is resumed.
    preset : str, optional
        A named set of policies, run before ``policies`` (``"diis-policy"``).
    replicates : int, optional
        Runs of each policy, at least 2 (default 20).
    seed : int, optional
        The seed of the runs' seeds (default 0).
    days : int, optional
        Days to simulate; the scenario's ``run.days`` by default.
    overrides : list of str or dict, optional
        Changes to the scenario for every policy: ``"section.key=value"`` strings or a dict.
    chunk : int, optional
        Runs per task (part of the plan, so a resume needs the same value).
    scheduler : str or distributed.Client, optional
        A Dask scheduler's address (``tcp://HOST:PORT``) or client; by default an embedded
        LocalCluster of ``workers`` processes.
    workers : int, optional
        Worker processes of the embedded cluster (default: the machine's cores); 0 runs in this
        process without Dask. Results are the same whatever the executor or worker count.
    force : bool, optional
        Replace a non-empty ``out`` that holds something else (default False).
    plot : bool, optional
        Keep the daily series and draw compare.png (default True).
    progress : callable, optional
        ``progress(done, total, failed)``, called as runs finish.
    gate : callable, optional
        Told the comparison's size (a :class:`~defection.experiments.size.Work`) before it starts; it may refuse
        it by raising (the command line's :class:`~defection.experiments.size.SizeGate`).
    parameter_draws : int, optional
        0 (default): every run has the scenario's values, and intervals are over seeds only. N (at least 2):
        every policy runs on the same N draws of what the data cannot identify, each with the same
        ``replicates`` seeds (N x ``replicates`` runs a policy); effects' intervals then include the
        parameters, with the share of their variance from each source
        (:func:`defection.experiments.uncertainty.decompose`).
    posterior : str or pathlib.Path, optional
        With ``parameter_draws``: a ``defection calibrate`` directory whose posterior the draws come from;
        without it, a Latin hypercube over the plausible ranges of the parameters ``optimize`` draws.

    Returns
    -------
    dict
        ``"baseline"`` (the baseline policy's name), ``"replicates"`` (seeds per parameter draw),
        ``"parameter_draws"`` (0, or N), ``"policies"`` (per policy: its overrides, mean cost, extra
        defections and cost per extra defection), ``"rows"`` and ``"table"`` (per policy and outcome: mean,
        5-95% range, paired difference from the baseline with its 90% interval and, with parameter draws,
        ``diff_parameter_share`` and ``diff_seed_share``) and ``"outcome"`` (the runs' :class:`Outcome`).
    """
    runner.check_connection(scheduler, workers)  # before the size is said: a bad address is the problem to name
    plan = plan_compare(scenario, policies, preset=preset, replicates=replicates, seed=seed, days=days,
                        overrides=overrides, chunk=chunk, timeseries=plot, gate=gate, parameter_draws=parameter_draws,
                        posterior=posterior)
    outcome = execute(plan, None if out is None else Path(out), force=force, scheduler=scheduler, workers=workers,
                      progress=progress)
    result = analyse(plan, outcome.summary)
    result["outcome"] = outcome
    out = outcome.out
    write_parquet(out / "compare.parquet", result["table"])
    write_json(out / "compare.json", {k: v for k, v in result.items() if k not in ("table", "outcome")})
    if plot and (out / "timeseries").exists():
        figure(plan, out, out / "compare.png")
    return result


EFFECT_LEVEL = 0.90  # the paired effects' confidence level


def paired_interval(differences: np.ndarray, level: float = 0.90) -> tuple[float | None, float | None]:
    """Student-t confidence interval of the mean of paired differences (``scipy.stats.t.interval``).

    None for fewer than 2 pairs; a point when every difference is the same (scipy gives NaN for a
    zero scale, but the mean is then known exactly).
    """
    from scipy import stats

    n = len(differences)
    if n < 2:
        return None, None
    mean = float(differences.mean())
    sem = float(stats.sem(differences))
    if sem == 0.0:
        return mean, mean
    lo, hi = stats.t.interval(level, df=n - 1, loc=mean, scale=sem)
    return float(lo), float(hi)


def analyse(plan: Plan, summary: pa.Table) -> dict[str, Any]:
    """Per policy and outcome: mean, 90% ensemble interval, paired difference from the baseline (90% interval: over
    seeds only, or with parameter draws, :func:`defection.experiments.uncertainty.decompose`)."""
    names = plan.labels["policy"][1]
    R = plan.replicates  # runs of each policy: seeds, or parameter draws x seeds
    n_draws = len(getattr(plan, "draws", None) or [])
    data: dict[str, np.ndarray] = {}  # outcome -> (policies, replicates)
    points = summary.column("point").to_numpy()
    reps = summary.column("replicate").to_numpy()
    days = float(plan.base["run"]["days"])
    never = np.zeros((len(names), R), bool)  # runs whose capacity never fell below half
    for o in OUTCOMES:
        if o not in summary.column_names:  # an outcome this model does not record: no values
            data[o] = np.full((len(names), R), np.nan)
            continue
        col = summary.column(o).to_numpy(zero_copy_only=False).astype(float)
        if o == "day_capacity_below_half":
            never[points, reps] = np.isnan(col)
            col = np.where(np.isnan(col), days, col)  # censored at the last day
        grid = np.full((len(names), R), np.nan)
        grid[points, reps] = col
        data[o] = grid
    rows: list[dict[str, Any]] = []
    policies: list[dict[str, Any]] = []
    effects: list[dict[str, Any]] = []  # each policy's paired differences, for the small-design warning
    for i, name in enumerate(names):
        for o in OUTCOMES:
            v = data[o][i]
            ok = ~np.isnan(v)
            d = data[o][i] - data[o][0]
            dok = d[~np.isnan(d)]
            extra: dict[str, Any] = {}
            if n_draws:  # the interval includes the parameters; its variance is split between them and the seeds
                split = decompose(by_draw(d, n_draws)) if len(dok) else {}
                diff_lo, diff_hi = split.get("lo"), split.get("hi")
                spread = spread_shares(by_draw(v, n_draws)) if ok.any() else (None, None)
                extra = {"diff_parameter_share": split.get("parameter_share"),
                         "diff_seed_share": split.get("seed_share"),
                         "parameter_share": spread[0], "seed_share": spread[1]}
            else:
                diff_lo, diff_hi = paired_interval(dok, EFFECT_LEVEL)
            if i > 0:
                effects.append({"policy": name, "outcome": o, "differences": dok, "lo": diff_lo, "hi": diff_hi})
            censored = int(never[i][ok].sum()) if o == "day_capacity_below_half" else 0
            rows.append({"policy": name, "outcome": o, "n": int(ok.sum()), "censored": censored,
                         "mean": float(v[ok].mean()) if ok.any() else None,
                         "p05": float(np.percentile(v[ok], 5)) if ok.any() else None,
                         "p95": float(np.percentile(v[ok], 95)) if ok.any() else None,
                         "diff_mean": float(dok.mean()) if len(dok) else None,
                         "diff_lo": diff_lo, "diff_hi": diff_hi, **extra})
        dd = data["defected"][i] - data["defected"][0]
        dc = data["programme_cost"][i] - data["programme_cost"][0]
        both = ~np.isnan(dd) & ~np.isnan(dc)
        extra_def = float(dd[both].mean()) if both.any() else float("nan")
        extra_cost = float(dc[both].mean()) if both.any() else float("nan")
        policies.append({
            "policy": name,
            "overrides": plan.points[i],
            "description": plan.spec["policies"][i]["description"],
            "cost_mean": float(np.nanmean(data["programme_cost"][i])),
            "extra_defections": extra_def,
            "extra_cost": extra_cost,
            "cost_per_additional_defection": (extra_cost / extra_def) if i > 0 and extra_def > 0 else None,
        })
    table = pa.Table.from_pylist(rows)
    # the replicates a seeds-only effect would need; with parameter draws more seeds cannot close the interval
    warning = None if n_draws else undecided_effects(effects, R, EFFECT_LEVEL)
    result: dict[str, Any] = {"baseline": names[0], "replicates": R // n_draws if n_draws else R,
                              "parameter_draws": n_draws, "policies": policies, "rows": rows, "table": table,
                              "design_warnings": [warning] if warning else [], "end_date": _end_date(plan.base),
                              "capacity_weights": capacity_weights(plan.base)}
    if n_draws:
        result["uncertainty"] = plan.spec.get("uncertainty", {})
    return result


def _end_date(base: dict[str, Any]) -> str | None:
    """The comparison's last simulated day, on which its effects are measured (ISO), if the scenario says."""
    import datetime as dt

    run = base.get("run") if isinstance(base, dict) else None
    if not isinstance(run, dict):
        return None
    try:
        return (dt.date.fromisoformat(str(run["start"])) + dt.timedelta(days=int(run["days"]) - 1)).isoformat()
    except (TypeError, KeyError, ValueError):
        return None


def _series(out: Path, columns: list[str]) -> pa.Table:
    return pq.read_table(out / "timeseries", columns=["run", "day", "date", *columns]).sort_by([("run", "ascending"),
                                                                                               ("day", "ascending")])


def figure(plan: Plan, out: Path, path: Path) -> None:
    """Mean and 5–95% band over time of each policy, for the key series."""
    from defection.report.figures import pyplot, write_png

    plt = pyplot()
    first = next((out / "timeseries").rglob("*.parquet"), None)
    if first is None:
        return
    series = SERIES_BY_FORCE if set(SERIES_BY_FORCE) <= set(pq.read_schema(first).names) else SERIES
    ts = _series(out, list(series))
    runs = ts.column("run").to_numpy()
    days = int(plan.base["run"]["days"])
    dates = ts.column("date").to_numpy()[:days]
    names = plan.labels["policy"][1]
    fig, axes = plt.subplots(2, len(series) // 2, figsize=(5.5 * len(series) // 2, 7), sharex=True,
                             squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, s in zip(axes.ravel(), series):
        values = ts.column(s).to_numpy().astype(float)
        for i, name in enumerate(names):
            mine = np.isin(runs, np.arange(i * plan.replicates, (i + 1) * plan.replicates))
            block = values[mine]
            if block.size == 0 or block.size % days:
                continue
            block = block.reshape(-1, days)
            lo, hi = np.percentile(block, [5, 95], axis=0)
            c = colors[i % len(colors)]
            ax.fill_between(dates, lo, hi, color=c, alpha=0.18, lw=0)
            ax.plot(dates, block.mean(axis=0), color=c, lw=1.4, label=name)
        ax.set_title(s.replace("_", " "), fontsize=10)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"{plan.base.get('name', '')}: {plan.replicates} paired runs per policy (mean, 5–95% band)",
                 fontsize=11)
    fig.autofmt_xdate()
    write_png(fig, path, tight=True)
