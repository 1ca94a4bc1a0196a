"""Types, contradicting options and user text on the terminal, checked like everything else (issue 28, item 7).

Schedules against their levers' bounds and the budget: tests/test_support.py. Types at the schema:
tests/test_scenarios.py. Here: what the command line makes of them.
"""
from __future__ import annotations

import io
import json
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from defection.terminal import printable, shown
from common import assert_one_paragraph as refused, run_cli_raw as run_raw

TINY = ["--set", "force.n_officers=200", "--set", "army.n_soldiers=300", "--set", "run.scale=10000"]


# --- TOML types ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("toml, words", [
    ("[run]\ndays = true\n", ["run.days", "not a boolean"]),
    ('[switches]\narmy = "no"\n', ["switches.army", "true or false", "not a string"]),
    ("[switches]\narmy = 0\n", ["switches.army", "true or false", "not a number"]),
])
def test_a_value_of_the_wrong_toml_type_is_refused(toml, words, in_tmp, monkeypatch, capsys):
    (in_tmp / "loose.toml").write_text(toml)
    code, text = run_raw(["run", "loose.toml", "--days", "2", "--out", "o"], monkeypatch, capsys)
    refused(code, text, "loose.toml", *words)
    assert not (in_tmp / "o").exists()


def test_command_line_values_of_the_right_type_still_run(in_tmp, monkeypatch, capsys):
    code, text = run_raw(["run", "--out", "o", *TINY, "--set", "switches.army=false", "--set", "run.days=3"],
                         monkeypatch, capsys)
    assert code == 0, text
    scenario = json.loads((in_tmp / "o" / "manifest.json").read_text())["scenario"]
    assert scenario["switches"]["army"] is False and scenario["run"]["days"] == 3


# --- options that contradict each other ---------------------------------------------------------------------


@pytest.mark.parametrize("args, words", [
    (["sweep", "--vary", "run.days=10:20", "--days", "5"], ["--vary run.days and --days 5", "give one of them"]),
    (["sweep", "--vary", "run.seed=0:100"], ["--vary run.seed would be ignored"]),
    (["compare", "--policy", "long:run.days=30,support.outreach=0.5"], ["--policy long sets run.days"]),
    (["compare", "--policy", "lucky:run.seed=7"], ["--policy lucky sets run.seed", "paired seeds"]),
])
def test_options_that_contradict_each_other_are_refused_in_one_sentence(args, words, in_tmp, monkeypatch, capsys):
    code, text = run_raw([*args, "--out", "o", "--workers", "0"], monkeypatch, capsys)
    refused(code, text, *words)
    message = " ".join(text.split()).removeprefix("error: ")
    assert message.count(". ") == 0 and message.endswith("."), message  # one sentence
    assert not (in_tmp / "o").exists()


# --- user text on the terminal --------------------------------------------------------------------------------

HOSTILE_NAME = "evil\x1b[2J\x1b]0;pwned\x07\x9b31m [/]x [bold]b"


def test_control_characters_in_a_name_are_shown_escaped(in_tmp, monkeypatch, capsys):
    """An ESC in a scenario's name would clear the screen and set the window title; a [/] crashed rich."""
    (in_tmp / "evil.toml").write_text('name = "evil\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m [/]x [bold]b"\n')
    code, text = run_raw(["run", "evil.toml", "--days", "2", "--out", "o", *TINY], monkeypatch, capsys)
    assert code == 0, text
    assert not any(c in text for c in "\x1b\x07\x9b"), repr(text)
    assert r"evil\x1b[2J\x1b]0;pwned\x07\x9b31m [/]x [bold]b" in text


@pytest.mark.parametrize("args", [
    ["run", HOSTILE_NAME],
    ["run", "--days", "2", "--set", HOSTILE_NAME + "=1"],
    ["report", HOSTILE_NAME],
])
def test_control_characters_in_an_error_are_shown_escaped(args, in_tmp, monkeypatch, capsys):
    code, text = run_raw([*args, "--out", "o"], monkeypatch, capsys)
    refused(code, text, r"evil\x1b[2J\x1b]0;pwned\x07\x9b31m [/]x [bold]b")
    assert not any(c in text for c in "\x1b\x07\x9b"), repr(text)


def test_printable_escapes_control_characters_only():
    assert printable("a\x1b[2J\tb\nc\x7f\x9b") == r"a\x1b[2J\x09b\x0ac\x7f\x9b"
    assert printable("line\nbreak", keep="\n") == "line\nbreak"
    burmese = "မြန်မာ\u200d"  # letters and a zero-width joiner: text, not control
    assert printable(burmese) == burmese
    assert shown("x [/] [bold]y\x1b") == r"x \[/] \[bold]y\x1b"


def test_figures_draw_control_characters_escaped():
    """Matplotlib echoes a character it has no glyph for, raw, in a warning on the terminal."""
    from defection.report.figures import plain_text, pyplot

    fig, ax = pyplot().subplots()
    fig.suptitle(HOSTILE_NAME + "\nsecond line")
    ax.plot([0, 1], label="policy\x1b]0;x\x07")
    legend = ax.legend()
    plain_text(fig)
    assert fig._suptitle.get_text() == printable(HOSTILE_NAME) + "\nsecond line"
    assert legend.get_texts()[0].get_text() == r"policy\x1b]0;x\x07"
    pyplot().close(fig)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from(["[/]", "[/x]", "[bold]", "\\[", "x\\"]))
def test_shown_text_holds_no_control_character_and_no_markup(text):
    out = io.StringIO()
    Console(file=out, force_terminal=False, width=200).print(shown(text), soft_wrap=True)  # no MarkupError
    assert not any(unicodedata.category(c) == "Cc" for c in out.getvalue().removesuffix("\n"))
    if "\\" not in text:  # rich may drop or double a user's backslash next to a bracket; it runs nothing
        assert out.getvalue().removesuffix("\n") == printable(text)
