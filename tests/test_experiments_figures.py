"""Names in figures are data: a scenario named like TeX is drawn literally, after the simulation as before."""
from __future__ import annotations

import pytest

from common import run_cli

# Two unescaped dollars make matplotlib parse the text between them as mathtext, where \foo and _^{ are errors.
TEX_NAMES = ("Budget $\\foo$", "cost $_^{$ plan", "$x_^{$")
PNG = b"\x89PNG\r\n\x1a\n"


def scenario_file(path, name: str):
    # a TOML literal string: the name's backslash and dollars are kept as they are
    path.write_text(f"name = '{name}'\n[run]\ndays = 20\nscale = 10000\n[force]\nn_officers = 2000\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("name", TEX_NAMES)
def test_png_bytes_draws_titles_legends_and_labels_literally(name):
    import matplotlib.text

    from defection.report.figures import png_bytes, pyplot

    plt = pyplot()
    fig, ax = plt.subplots()
    ax.plot([1, 2], [10, 1000], label=name)
    ax.set_yscale("log")  # its tick labels are mathtext made by matplotlib: they keep their formatting
    ax.legend()
    ax.set_title(name)
    ax.set_xlabel(name)
    fig.suptitle(name)
    plt.close(fig)
    with pytest.raises(ValueError):  # the hazard: matplotlib's own savefig fails on these names
        fig.savefig(__import__("io").BytesIO(), format="png")
    fig, ax = plt.subplots()
    ax.plot([1, 2], [10, 1000], label=name)
    ax.set_yscale("log")
    ax.legend()
    ax.set_title(name)
    fig.suptitle(name)
    assert png_bytes(fig)[:8] == PNG
    named = [t for t in fig.findobj(matplotlib.text.Text) if t.get_text() == name]
    assert len(named) >= 3 and not any(t.get_parse_math() for t in named)
    ticks = [t for t in ax.yaxis.get_ticklabels() if t.get_text()]
    assert ticks and all(t.get_parse_math() for t in ticks)


def test_run_and_compare_plot_a_tex_like_scenario_name(tmp_path, monkeypatch, capsys):
    path = scenario_file(tmp_path / "tex.toml", TEX_NAMES[0])
    code, text = run_cli(["run", str(path), "--out", str(tmp_path / "run")], monkeypatch, capsys)
    assert code == 0, text
    assert (tmp_path / "run" / "overview.png").read_bytes()[:8] == PNG
    code, text = run_cli(["compare", str(path), "--policy", "more:support.outreach=0.6", "--replicates", "2",
                          "--workers", "0", "--out", str(tmp_path / "cmp")], monkeypatch, capsys)
    assert code == 0, text
    assert (tmp_path / "cmp" / "compare.png").read_bytes()[:8] == PNG


def test_report_overview_and_run_overview_are_one_figure():
    """overview.png (report/overview.py) is the English overview of report/figures.py, not a copy of it."""
    import inspect

    from defection.report import overview

    assert "overview_png" in inspect.getsource(overview) and "subplots" not in inspect.getsource(overview)
