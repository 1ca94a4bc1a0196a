"""No user text is ever read as rich markup (issue 28, item 2).

Every command's error paths are driven with text that holds ``[``, ``]``, ``[/]``, ``[/x]``, ``[bold]``, an
emoji code and control characters, in every place a user can put text (a scenario name, a path, an override, an
option's value): each ends with exit 0 or 2, one paragraph or a result, never a traceback, and no control
character reaches the terminal. A run into a directory so named, or of a scenario so named, succeeds and shows the
name as typed. The commands run in this process through ``cli.main`` (what the ``defection`` script calls: it turns
a refusal into the paragraph and exit 2; typer's ``CliRunner`` would call the typer app under it, and see the
refusal as an exception). Hypothesis is derandomized and keeps no database, so every run tries the same strings.
"""
from __future__ import annotations

import io
import itertools
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from common import invoke
from defection import cli
from defection.terminal import TextConsole, line, printable, styled

TINY = ["--set", "run.scale=10000", "--set", "force.n_officers=200", "--set", "army.n_soldiers=300"]

# Pieces of hostile text: markup that crashed rich ([/], [/x]) or restyled what followed ([bold]), an emoji code,
# terminal control sequences (clear screen, window title, a C1 CSI), line breaks, Burmese letters, and the
# separators the options parse (= : , . /). No NUL: a command line cannot carry one.
PIECES = ["[", "]", "[/]", "[/x]", "[bold]", "[/bold]", "[red]x[/]", "\\[", "\\", ":smile:", "\x1b[2J",
          "\x1b]0;pwned\x07", "\x9b31m", "\n", "\t", "\r", "\x7f", "a", "b1", " ", "မြန်", "=", ":", ",", ".", "/"]
HOSTILE = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join)
# A file name: no '/', not '.' or '..' (those would name another directory)
NAMES = st.lists(st.sampled_from([p for p in PIECES if "/" not in p or p == "[/]" or p == "[/x]"]), min_size=1,
                 max_size=6).map("".join).filter(lambda s: "/" not in s and s not in (".", ".."))

FAST = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """The directory the commands run in (their default `runs/` is made there), and a finished run in it."""
    root = tmp_path_factory.mktemp("user-text")
    code, text = invoke(["run", "--days", "1", *TINY, "--out", str(root / "a-run")], root)
    assert code == 0, text
    return root


_unique = itertools.count()


def assert_shown_not_obeyed(code: int, text: str, args: list[str]) -> None:
    assert code in (0, 2), (args, code, text)
    assert "Traceback" not in text, (args, text)
    raw = [c for c in text if unicodedata.category(c) == "Cc" and c != "\n"]
    assert not raw, (args, raw, text)


def folded(text: str) -> str:
    return "".join(text.split())


# Each command's places for user text; W is the hostile text. Every other option keeps the job tiny, and a path
# that must not exist starts in a directory that does not, so that no string can start a long job or the server.
TEMPLATES: dict[str, list[str]] = {
    "run scenario": ["run", "W", "--days", "1"],
    "run --set key": ["run", "--days", "1", "--set", "W=1"],
    "run --set item": ["run", "--days", "1", "--set", "W"],
    "run --days": ["run", "--days", "W"],
    "run --record": ["run", "--days", "1", *TINY, "--record", "W"],
    "run --from": ["run", "--from", "missing/W"],
    "run unknown option": ["run", "--W"],
    "unknown command": ["W"],
    "sweep --vary": ["sweep", "--vary", "W", "--days", "1", "--workers", "0"],
    "sweep --vary range": ["sweep", "--vary", "support.outreach=W", "--days", "1", "--workers", "0"],
    "sweep --design": ["sweep", "--vary", "support.outreach", "--design", "W", "--days", "1", "--workers", "0"],
    "sweep --model": ["sweep", "--vary", "support.outreach", "--model", "W", "--days", "1", "--workers", "0"],
    "sweep scenario": ["sweep", "W", "--vary", "support.outreach", "--days", "1", "--workers", "0"],
    "sweep --scheduler": ["sweep", "--vary", "support.outreach", "--days", "1", "--scheduler", "W"],
    "compare --policy": ["compare", "--policy", "W", "--days", "1", "--replicates", "2", "--workers", "0", *TINY],
    "compare --preset": ["compare", "--preset", "W", "--days", "1", "--workers", "0"],
    "compare scenario": ["compare", "W", "--policy", "p:support.outreach=0.5", "--days", "1", "--workers", "0"],
    "sensitivity": ["sensitivity", "missing/W"],
    "discover": ["discover", "missing/W"],
    "discover --outcome": ["discover", ".", "--outcome", "W"],
    "calibrate --data": ["calibrate", "--data", "missing/W", "--out", "cal", *TINY],
    "calibrate --fit": ["calibrate", "--fit", "W", "--out", "cal", *TINY],
    "calibrate scenario": ["calibrate", "W", "--out", "cal"],
    "forecast": ["forecast", "missing/W"],
    "forecast --until": ["forecast", ".", "--until", "W"],
    "optimize --budget": ["optimize", "--budget-kyat-month", "W", "--out", "opt", "--workers", "0"],
    "optimize --objective": ["optimize", "--budget-kyat-month", "1e7", "--objective", "W", "--out", "opt"],
    "optimize --constraint": ["optimize", "--budget-kyat-month", "1e7", "--constraint", "W", "--out", "opt"],
    "optimize --target": ["optimize", "--budget-kyat-month", "1e7", "--target", "W", "--out", "opt"],
    "optimize --statistic": ["optimize", "--budget-kyat-month", "1e7", "--statistic", "W", "--out", "opt"],
    "optimize --uncertain": ["optimize", "--budget-kyat-month", "1e7", "--uncertain", "W", "--out", "opt"],
    "optimize scenario": ["optimize", "W", "--budget-kyat-month", "1e7", "--out", "opt"],
    "export-ema --vary": ["export-ema", "--vary", "W", "--out", "ema.py"],
    "export-ema --lever": ["export-ema", "--lever", "W", "--out", "ema.py"],
    "export-ema scenario": ["export-ema", "W", "--out", "ema.py"],
    "report": ["report", "missing/W"],
    "report --lang": ["report", "a-run", "--lang", "W", "--out", "r.html"],
    "serve --host": ["serve", "--host", "xW"],
    "serve --runs": ["serve", "--runs", "missing/W"],
}


@pytest.mark.parametrize("where", TEMPLATES)
@FAST
@given(text=HOSTILE)
def test_hostile_text_in_every_place_gives_exit_0_or_2_and_no_traceback(workdir, where, text):
    args = [arg.replace("W", text) for arg in TEMPLATES[where]]
    code, out = invoke(args, workdir)
    assert_shown_not_obeyed(code, out, args)


ONE_RUN_EACH = settings(max_examples=4, deadline=None, derandomize=True, database=None,  # a run is 1-2 s
                        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@ONE_RUN_EACH
@given(name=NAMES)
@example(name="br[/]acket").via("the issue")
@example(name="[bold]x[/x] :smile:\x1b]0;t\x07")
def test_a_run_into_a_directory_named_with_markup_succeeds_and_shows_the_name(workdir, name):
    """`defection run --out 'out/br[/]acket'` crashed after the run; the path is valid, so the run succeeds."""
    out = workdir / f"out-{next(_unique)}" / name
    code, text = invoke(["run", "--days", "1", *TINY, "--out", str(out)], workdir)
    assert_shown_not_obeyed(code, text, [str(out)])
    assert code == 0, text
    assert (out / "manifest.json").is_file()
    assert folded(f"results in {printable(out)}") in folded(text), text


@ONE_RUN_EACH
@given(name=HOSTILE)
@example(name="[/]x").via("the issue")
@example(name="[bold]b\x1b[2J\x9b31m")
def test_a_scenario_named_with_markup_runs_and_its_name_is_shown_as_typed(workdir, name):
    """`--set 'name=[/]x'` crashed; `[bold]` in a name restyled the rest of the output."""
    out = workdir / f"named-{next(_unique)}"
    code, text = invoke(["run", "--days", "1", *TINY, "--set", f"name={name}", "--out", str(out)], workdir)
    assert_shown_not_obeyed(code, text, [name])
    if code == 0:  # a name TOML cannot read as text (e.g. '[' starts an array) is refused: exit 2, a paragraph
        held = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["scenario"]["name"]
        assert held == name.strip()  # as typed, less the spaces around it
        assert folded(printable(held)) in folded(text), text


@pytest.mark.parametrize("args, code", [
    (["run", "--days", "5", "--out", "issue/br[/]acket", *TINY], 0),
    (["run", "--days", "1", "--set", "name=[/]x", "--out", "issue-name", *TINY], 0),
    (["run", "--days", "1", "--set", "bogus[/]=1"], 2),
    (["report", "no[/]dir"], 2),
    (["run", "nosuch[/]"], 2),
])
def test_the_issues_examples(args, code, workdir):
    got, text = invoke(args, workdir)
    assert_shown_not_obeyed(got, text, args)
    assert got == code and "[/]" in text, text
    assert ("error:" in text) == (code == 2), text


def test_the_text_console_reads_no_markup_emoji_or_control_character():
    buffer = io.StringIO()
    console = TextConsole(file=buffer, width=200)
    console.print("a [/] b [bold]c[/bold] :smile: \x1b[2J\x07", markup=True)  # markup=True is ignored
    console.print(line(styled("error:", "bold red"), " ", "x [/x] \x1b]0;t\x07"))
    assert buffer.getvalue() == "a [/] b [bold]c[/bold] :smile: \\x1b[2J\\x07\nerror: x [/x] \\x1b]0;t\\x07\n"


def test_the_cli_prints_only_through_the_text_console():
    """A new call site cannot bring markup back: the CLI makes no other console and no markup text."""
    source = Path(cli.__file__).read_text(encoding="utf-8")
    for banned in (" Console(", "(Console(", "markup=True", "from_markup", "rich.markup", "TextColumn(", "[bold",
                   "[/]"):
        assert banned not in source, banned
