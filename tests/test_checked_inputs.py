"""Types, contradicting options and user text on the terminal, checked like everything else (issue 28, item 7).

Schedules against their levers' bounds and the budget: tests/test_support.py. Types at the schema:
tests/test_scenarios.py. Here: what the command line makes of them.
"""
from __future__ import annotations

import json
import sys

import pytest

from defection import cli
from defection.errors import MESSAGE_LIMIT

TINY = ["--set", "force.n_officers=200", "--set", "army.n_soldiers=300", "--set", "run.scale=10000"]


def run_raw(args, monkeypatch, capsys) -> tuple[int, str]:
    """``defection ARGS`` in-process: the exit code and the output exactly as written (control characters kept)."""
    monkeypatch.setattr(sys, "argv", ["defection", *args])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    captured = capsys.readouterr()
    return exc.value.code or 0, captured.out + captured.err


def refused(code: int, text: str, *words: str) -> None:
    """Exit 2 with one bounded 'error:' paragraph holding ``words``, and no traceback."""
    assert code == 2 and "Traceback" not in text, text
    body = text.strip()
    assert body.count("error:") == 1 and "\n\n" not in body and len(body) <= MESSAGE_LIMIT + 20, body
    folded = " ".join(body.split())
    for word in words:
        assert word in folded, (word, folded)


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


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
