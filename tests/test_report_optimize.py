"""``defection report`` on a ``defection optimize`` directory reads like a brief: the question and the problem
posed, the best candidates of the Pareto set with the numbers of pareto.parquet, both figures captioned (drawn
again in Burmese), caveats; it reads no file through a symbolic link, and simulates nothing.

The optimisation is a tiny one on :class:`~defection.experiments.optimize.ToyEvaluator` (nothing simulated), so
that candidates differ (the real model on a 30-day scenario moves capacity by nothing the report could tell
apart) and the fixture takes seconds; the report reads only the files, whichever evaluator wrote them.
"""
from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from test_report import assert_all_burmese, before_appendix, section, visible

from defection import i18n
from defection.currency import usd
from defection.engine.outputs import write_parquet
from defection.experiments import optimize as opt
from defection.report.html import build
from defection.scenarios.schema import Scenario

TARGET = 0.02  # the capacity drop the candidates must reach (some do, some do not)


class ForcesToy(opt.ToyEvaluator):
    """The toy model, with defections per force and civilians killed as the real model reports them."""

    name = "toy-forces"

    def __call__(self, base, overrides, seed):
        out = super().__call__(base, overrides, seed)
        out |= {"defected_police": 0.7 * out["defected"], "defected_army": 0.3 * out["defected"],
                "civilians_killed": 50.0 - 10.0 * out["defected"] / 1000.0}
        return out


@pytest.fixture(scope="module")
def opt_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("optimize") / "opt"
    problem = opt.plan_optimize(Scenario(), "2e7:8e7", objectives=["capacity_drop", "cost"],
                                constraints=[f"capacity_drop>={TARGET}"], draws=4, candidates=16, population=8,
                                seed=5, evaluator=ForcesToy(), max_ramp_months=3)
    opt.optimize(problem, out, workers=0)
    return out


def candidates_table(text: str) -> dict[str, list[str]]:
    """The key numbers' candidate table: {row label: cells}, and "" -> the column headers."""
    html = section(text, "key-numbers")
    rows = {}
    head = re.search(r"<thead>(.*?)</thead>", html, re.DOTALL).group(1)
    rows[""] = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<th>(.*?)</th>", head)][1:]
    for tr in re.findall(r"<tr>(.*?)</tr>", html.split("<tbody>")[1], re.DOTALL):
        cells = [htmllib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        rows[cells[0]] = cells[1:]
    return rows


def band(row: dict, metric: str, unit: str, scale: float = 1.0, suffix: str = "") -> str:
    """What the report must show: the mean with its unit and the 10-90% range, computed here independently."""
    f = lambda v: f"{v * scale:,.1f}{suffix}".replace("-", "−")  # the report's minus sign
    return f"{f(row[metric + '_mean'])}{unit} [{f(row[metric + '_p10'])} – {f(row[metric + '_p90'])}]"


def test_the_first_screen_shows_the_question_the_problem_and_the_pareto_candidates_numbers(opt_dir: Path):
    text = build(opt_dir, "en")
    first = visible(text.split('<h2 id="figures">')[0])
    assert "least monthly budget that meets the target" in first
    assert f"drop in combined coercive capacity at the end ≥ {TARGET * 100:.1f}%" in first
    assert (f"Budget: chosen by the search, from 20.0 million kyat ({usd(20e6)}) to 80.0 million kyat ({usd(80e6)}) "
            "a month") in first
    assert "1,778 kyat per US dollar, the Central Bank of Myanmar's reference rate on 30 Dec 2021" in first
    assert "Robust statistic: the pessimistic end" in first and "(0 to 3)" in first
    assert "each run on the same 4 draws" in first

    front = {r["trial"]: r for r in pq.read_table(opt_dir / "pareto.parquet").to_pylist()}
    trials = pq.read_table(opt_dir / "trials.parquet").to_pylist()
    feasible = [r for r in trials if r["feasible"]]
    assert front and feasible and len(feasible) < len(trials)  # the target splits the candidates
    cheapest = min(feasible, key=lambda r: (r["planned_kyat_month"], r["trial"]))
    lead = visible(re.search(r'<p class="lead">(.*?)</p>', text, re.DOTALL).group(1))
    assert (f"{len(feasible)} of {len(trials)} candidates meet the target. The least monthly budget that does is "
            f"{cheapest['budget_kyat_month'] / 1e6:,.1f} million kyat ({usd(cheapest['budget_kyat_month'])}) "
            f"(candidate {cheapest['trial']})") in lead
    assert f"by {cheapest['capacity_drop_mean'] * 100:.1f}% at the end" in lead

    table = candidates_table(text)
    shown = [int(h.removeprefix("candidate ")) for h in table[""]]
    assert shown and set(shown) <= set(front) | {cheapest["trial"]}
    assert cheapest["trial"] in shown
    rows = {r["trial"]: r for r in trials}
    for k, trial in enumerate(shown):
        r = rows[trial]
        cell = {label: cells[k] for label, cells in table.items() if label}
        assert cell["Monthly budget, million kyat"] == f"{r['budget_kyat_month'] / 1e6:,.1f}"
        levers = ("outreach", "protection", "livelihood")  # the schema's order, shown as outreach / ... / stipends
        assert cell["Share of the budget: outreach / protection / stipends"] == \
            " / ".join(f"{r['share_' + lever] * 100:.1f}%" for lever in levers)
        assert cell["Months to full share: outreach / protection / stipends"] == \
            " / ".join(str(r[f"ramp_{lever}"]) for lever in levers)
        assert cell["Programmes open"] == i18n.fmt_date(r["start_start"])
        assert cell["Money spent over the horizon, million kyat"] == band(r, "cost", "", 1e-6)
        assert cell["Monthly budget, US$"] == usd(r["budget_kyat_month"])
        assert cell["Money spent over the horizon, US$"] == \
            f"{usd(r['cost_mean'])} [{usd(r['cost_p10'])} – {usd(r['cost_p90'])}]"
        assert cell["Drop in coercive capacity at the end"] == band(r, "capacity_drop", "", 100, "%")
        assert cell["Extra defections, police"] == band(r, "defections_police", " officers")
        assert cell["Extra defections, army"] == band(r, "defections_army", " officers")
        assert cell["Extra civilians killed"] == band(r, "civilians_killed", " people")
        assert cell["Probability of meeting the target"] == f"{r['target_probability'] * 100:.1f}%"
        assert cell["Regret: mean; worst draw"] == (f"{r['regret_capacity_drop_mean'] * 100:.1f} points; "
                          f"{r['regret_capacity_drop_max'] * 100:.1f} points")
    # the numbers differ between candidates, so a row taken from the wrong candidate would fail above
    assert len({rows[t]["budget_kyat_month"] for t in shown}) == len(shown)


def test_both_figures_are_captioned_and_caveats_name_the_draws(opt_dir: Path):
    text = build(opt_dir, "en")
    figures = section(text, "figures")
    assert len(re.findall(r"<img ", figures)) == 2
    assert figures.index("pareto.png") < figures.index("dose_response.png")
    assert i18n.t("fig.caption.pareto", "en") in htmllib.unescape(figures)
    assert i18n.t("fig.caption.dose_response", "en") in htmllib.unescape(figures)
    caveats = visible(section(text, "caveats"))
    assert "judged on 4 draws" in caveats and "decision.w_peer" in caveats and "Latin hypercube" in caveats
    assert "not a proven optimum" in caveats
    # the tables are summarised in the collapsed appendix, not on the first screen
    assert "trials.parquet" in text.split('<h2 id="appendix">')[1] and "<details" in text
    assert "Findings" not in before_appendix(text)  # no simulated history: no findings table


def test_burmese_report_has_no_english_label_and_draws_its_own_figures(opt_dir: Path):
    text = build(opt_dir, "my")
    assert_all_burmese(text)
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert len(images) == 2  # the front and the dose-response, drawn again with Burmese labels
    import base64

    own = {p.read_bytes() for p in opt_dir.glob("*.png")}
    assert not own & {base64.b64decode(i) for i in images}
    front = pq.read_table(opt_dir / "pareto.parquet").to_pylist()
    cheapest = min((r for r in pq.read_table(opt_dir / "trials.parquet").to_pylist() if r["feasible"]),
                   key=lambda r: (r["planned_kyat_month"], r["trial"]))
    assert i18n.fmt_number(cheapest["budget_kyat_month"] / 1e6, "my", 1) + " ကျပ်သန်း" in text
    assert front and i18n.t("opt.row.target_probability", "my") in text


def test_a_symlinked_table_or_figure_is_not_read(opt_dir: Path, tmp_path: Path):
    out = tmp_path / "opt"
    shutil.copytree(opt_dir, out)
    doctored = pq.read_table(out / "pareto.parquet")
    budget = doctored.column("budget_kyat_month").to_pylist()
    doctored = doctored.set_column(doctored.column_names.index("budget_kyat_month"), "budget_kyat_month",
                                   [[987_654_321.0] * len(budget)])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_parquet(elsewhere / "pareto.parquet", doctored)
    shutil.copy(out / "pareto.png", elsewhere / "secret.png")
    (out / "pareto.parquet").unlink()
    (out / "pareto.parquet").symlink_to(elsewhere / "pareto.parquet")
    (out / "pareto.png").unlink()
    (out / "pareto.png").symlink_to(elsewhere / "secret.png")
    text = build(out, "en")
    assert "987.7" not in text and "987,654,321" not in text  # the linked table's numbers never appear
    links = visible(re.search(r'<p class="note links">(.*?)</p>', text, re.DOTALL).group(1))
    assert "pareto.parquet" in links and "pareto.png" in links
    assert len(re.findall(r"<img ", section(text, "figures"))) == 1  # only dose_response.png, a regular file
    # without the front, only the cheapest feasible candidate of trials.parquet (a regular file) is shown
    assert len(candidates_table(text)[""]) == 1


def test_the_report_runs_no_simulation_and_does_not_import_the_dashboard(opt_dir: Path):
    # a simulation would go through Simulation (the engine's loop); building one raises here
    code = ("import sys\nfrom pathlib import Path\nimport defection.engine.loop as loop\n"
            "def refuse(*a, **k):\n    raise AssertionError('the report ran a simulation')\n"
            "loop.Simulation.__init__ = refuse\n"
            "from defection.report.html import build\n"
            f"build(Path({str(opt_dir)!r}), 'en'); build(Path({str(opt_dir)!r}), 'my')\n"
            "print(sorted(m for m in sys.modules if m.startswith(('defection.dashboard', 'dash', 'optuna', "
            "'distributed'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[]", done.stdout
