"""A fuzzer over every command line (issue 28, item 9).

Hypothesis builds command lines for every command of ``defection --help``: its arguments and options, with values
that are valid (kept tiny, so that a job that runs ends in a second or two), on a boundary (0, 1, -1), absurd
(huge, NaN, infinite, words, Burmese letters, markup, control characters), and files and directories made from
tampered copies of real outputs (a run, a classic run, two sweeps, a comparison, a calibration, a forecast, built
once per module): a manifest that is a list, garbage, empty, of another kind, missing, a FIFO or a link to
``/etc/passwd``; a Parquet file garbled or truncated; a user's file added. Each command line must end with exit 0,
2 or 3, print no traceback, and leave each ``--out`` it names either absent or complete: a results directory that
its command's layout owns (``existing_results``: its manifest says so and it holds only the names the command
writes), an output file that is a non-empty regular file, and no staging sibling (``.NAME.tmp-…``) anywhere.

``dashboard``/``serve`` is driven only with a host that is not a loopback address or a port out of range, so that
it is always refused and never starts a server. The commands run in this process through ``cli.main`` (as in
``tests/test_user_text.py``); hypothesis is derandomized and keeps no database, so every run tries the same
command lines. CI runs 200 of them; the ``slow`` version runs 1,200.
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common import invoke
from defection.engine.outputs import RUN_LAYOUT, existing_results
from defection.errors import OutputError

TINY = ["--set", "run.scale=20000", "--set", "force.n_officers=300", "--set", "army.n_soldiers=300"]
FIT = "crackdown.deaths_per_1000_active=0.0003:0.004"

# -- values ----------------------------------------------------------------------------------------------------------

HOSTILE = ["", " ", "abc", "1e3", "1.5", "nan", "NaN", "inf", "-inf", "0x10", "မြန်", "[/]", "[bold]x", ":smile:",
           "\x1b[2J", "a\nb", "--", "-", "=", "1,000", "١٢"]
BOUNDARY_INTS = ["0", "1", "-1", "-0", "2"]
HUGE_INTS = ["1000000000", str(2**63), str(2**64), "9" * 40, "-" + "9" * 30]
BOUNDARY_FLOATS = ["0", "0.0", "1", "-1", "0.5", "1e-300", "1e308", "-0.0", "2"]


def ints(valid: list[str]) -> st.SearchStrategy[str]:
    """An integer option's value: a small valid one most often, else a boundary, a huge one or a word."""
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), st.sampled_from(BOUNDARY_INTS),
                     st.sampled_from(HUGE_INTS), st.sampled_from(HOSTILE))


def floats(valid: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), st.sampled_from(BOUNDARY_FLOATS),
                     st.sampled_from(HUGE_INTS), st.sampled_from(HOSTILE))


def words(valid: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), st.sampled_from(HOSTILE))


# Overrides: the job stays tiny whatever is chosen (TINY comes last, so its sizes win; a valid size here is small)
SETS = ["run.scale=50000", "force.n_officers=200", "support.outreach=0.5", "support.protection=0.2",
        "switches.army=false", "name=[/]x", "run.seed=3",
        # refused
        "run.scale=0", "run.scale=-5", "run.scale=nan", "run.scale=1e9", "force.n_officers=-1",
        "force.n_officers=1000000000000", "run.days=0", "run.days=true", "run.days=20001", "bogus.key=1", "bogus",
        "noequals", "=1", "support.outreach=2", "support.outreach=inf", "run.start=2021-13-01", "[/]=1",
        "support.schedule=[1]", "run=1"]

# Names of the files and directories in the corpus (made by the `corpus` fixture); "fresh:" is a new path
SOURCES = ["run", "classic", "sobol", "lhs", "compare", "cal", "forecast"]
DAMAGES = ["intact", "manifest-list", "manifest-garbage", "manifest-empty", "manifest-kind", "manifest-missing",
           "manifest-nan", "manifest-fifo", "manifest-link", "parquet-garbage", "parquet-truncated", "user-file"]
DIRS = [f"{source}-{damage}" for source in SOURCES for damage in DAMAGES]
ODD_PATHS = ["missing/nowhere", "a-file.txt", "a-file.txt/below", "/proc/self/nothing", "/dev/null", "fifo",
             "link-to-passwd", "[x]dir", "."]
FILES = ["scenario.toml", "scenario-bad.toml", "scenario-empty.toml", "obs.csv", "obs-bad.csv", "obs-empty.csv",
         "manifest-run.json", "manifest-list.json"]


def dirs(prefer: list[str] | None = None) -> st.SearchStrategy[str]:
    """A directory argument: a (tampered) copy of a real output, the kind the command reads most often."""
    preferred = [d for d in DIRS if any(d.startswith(p + "-") for p in prefer or [])] or DIRS
    intact = [f"{p}-intact" for p in prefer or SOURCES]  # in the order given: the first is the one tried most
    return st.one_of(st.sampled_from(intact), st.sampled_from(preferred), st.sampled_from(DIRS),
                     st.sampled_from(ODD_PATHS + FILES))


def outs() -> st.SearchStrategy[str]:
    """An --out: a new path most often, else an existing output, a file, a FIFO, a link, a path below a file."""
    return st.one_of(st.just("fresh"), st.just("fresh"), st.just("fresh"), st.just("fresh/nested/deeper"),
                     st.sampled_from(DIRS), st.sampled_from(ODD_PATHS + FILES))


SCENARIOS = ["myanmar-2021", "myanmar-2021", "scenario.toml", "scenario-bad.toml", "scenario-empty.toml",
             "no-such-scenario", "[/]", "obs.csv", "a-file.txt", "fifo", "/dev/null", "missing/x.toml"]

# -- each command: its positional arguments and options, each option with its values -------------------------------

Spec = dict[str, st.SearchStrategy[str] | None]  # None: a flag without a value

RUN: Spec = {"--days": ints(["1", "2", "3"]), "--seed": ints(["0", "1", "7"]), "--scale": ints(["20000", "50000"]),
             "--steps": ints(["1", "3"]), "--out": outs(), "--set": words(SETS), "--force": None, "--profile": None,
             "--record": words(["regions"]), "--from": st.sampled_from([f"{d}/manifest.json" for d in DIRS]
                                                                       + FILES + ODD_PATHS)}
COMMON_EXPERIMENT: Spec = {"--seed": ints(["0", "1"]), "--days": ints(["1", "2", "3"]), "--out": outs(),
                           "--workers": st.sampled_from(["0", "0", "0", "-1", "x"]),
                           "--chunk": ints(["1", "4"]), "--set": words(SETS), "--force": None, "--yes": None,
                           "--scheduler": st.sampled_from(["bogus", "", "host:1", "[/]"])}
COMMANDS: dict[str, tuple[st.SearchStrategy[list[str]], Spec, list[str]]] = {
    # name: (positional arguments, options, what is always added: tiny sizes, no worker processes)
    "run": (st.lists(st.sampled_from(SCENARIOS), max_size=1), RUN, ["--days", "3"]),
    "classic": (st.sampled_from([["epstein"], ["granovetter-network"]]),
                {"--steps": ints(["0", "1", "3"]), "--seed": ints(["0", "2"]), "--out": outs(), "--force": None,
                 "--days": ints(["3"]), "--scale": ints(["2"]),
                 "--set": words(["bogus=1", "width=x", "=", "[/]=2"])}, ["--steps", "3"]),
    "sweep": (st.lists(st.sampled_from(SCENARIOS), max_size=1), {
        **COMMON_EXPERIMENT,
        "--vary": words(["support.outreach", "support.outreach=0:1", "x1", "x2", "x3", "run.days", "run.seed",
                         "bogus.key", "support.outreach=1:0", "support.outreach=nan:1", "x1=-1:1"]),
        "--design": words(["lhs", "sobol", "morris", "grid"]), "--samples": ints(["2", "3", "4"]),
        "--replicates": ints(["1", "2"]), "--model": words(["defection", "ishigami", "ishigami"]),
        "--no-timeseries": None, "--timeseries": None},
        ["--workers", "0", "--vary", "support.outreach=0:1", "--samples", "2", "--days", "3"]),
    "compare": (st.lists(st.sampled_from(SCENARIOS), max_size=1), {
        **COMMON_EXPERIMENT,
        "--policy": words(["p:support.outreach=0.5", "q:support.protection=0.2,support.outreach=0.1", "p:",
                           ":x=1", "p:run.days=3", "p:bogus=1", "status quo:support.outreach=0.5", "p"]),
        "--preset": words(["diis-policy"]), "--replicates": ints(["1", "2"])},
        ["--workers", "0", "--policy", "p:support.outreach=0.5", "--replicates", "2", "--days", "3"]),
    "sensitivity": (st.lists(dirs(["sobol", "lhs"]), min_size=1, max_size=1), {
        "--output": words(["y", "defected", "civilians_killed"]), "-o": words(["y"]),
        "--conf": floats(["0.95", "0.5"]), "--seed": ints(["0", "3"])}, ["--output", "y"]),
    "discover": (st.lists(dirs(["lhs", "sobol"]), min_size=1, max_size=1), {
        "--outcome": words(["y", "defected"]), "--above": floats(["5", "0"]), "--below": floats(["1", "-5"]),
        "--threshold": floats(["0.8", "0.5"]), "--peel-alpha": floats(["0.05", "0.1"])},
        ["--outcome", "y", "--above", "5"]),
    "calibrate": (st.lists(st.sampled_from(SCENARIOS), max_size=1), {
        "--data": st.one_of(st.sampled_from(["obs.csv", "obs.csv", "obs-bad.csv", "obs-empty.csv",
                                             "myanmar-2021-early", "nosuch"]), st.sampled_from(ODD_PATHS)),
        "--fit": words([FIT, "crackdown.deaths_per_1000_active", "bogus.key=0:1", f"{FIT}0", "x=1:0"]),
        "--population": ints(["2"]), "--generations": ints(["1"]), "--out": outs(), "--seed": ints(["0", "1"]),
        "--workers": st.sampled_from(["1", "1", "0", "-1"]), "--set": words(SETS), "--yes": None},
        ["--population", "2", "--generations", "1", "--workers", "1", "--data", "obs.csv", "--fit", FIT]),
    "forecast": (st.lists(dirs(["cal"]), min_size=1, max_size=1), {
        "--until": words(["2021-02-04", "2021-02-03", "2021-01-01", "9999-12-31", "2100-12-31", "2021-02-30"]),
        "--draws": ints(["1", "2"]), "--out": outs(), "--seed": ints(["0", "5"]), "--force": None, "--yes": None},
        ["--draws", "2", "--until", "2021-02-04"]),
    "optimize": (st.lists(st.sampled_from(SCENARIOS), max_size=1), {
        "--budget-kyat-month": words(["2e7", "2e7:6e7", "0", "-1", "1e30", "6e7:2e7", "nan:1", "1e7"]),
        "--out": outs(), "--objective": words(["capacity_drop:max", "cost:min", "bogus:max", "capacity_drop:up"]),
        "--constraint": words(["capacity_drop>=0.0", "cost<=1e12", "capacity_drop>=nan", "bogus>=1", "x"]),
        "--statistic": words(["mean", "p10", "probability"]), "--probability": floats(["0.9", "0.5"]),
        "--draws": ints(["1", "2"]), "--min-draws": ints(["1"]), "--target": words(["capacity_drop=-1", "x=1"]),
        "--posterior": dirs(["cal"]), "--uncertain": words(["support.outreach_effect", "bogus", "x=1:0"]),
        "--candidates": ints(["2"]), "--population": ints(["2"]), "--seed": ints(["0"]), "--days": ints(["3"]),
        "--max-ramp-months": ints(["0", "2"]), "--max-delay-months": ints(["0", "1"]),
        "--workers": st.sampled_from(["0", "0", "-1"]), "--set": words(SETS), "--force": None, "--yes": None},
        ["--budget-kyat-month", "2e7", "--draws", "1", "--min-draws", "1", "--candidates", "2", "--population", "2",
         "--days", "3", "--workers", "0", "--out", "fresh"]),
    "report": (st.lists(dirs(SOURCES), min_size=1, max_size=1), {
        "--out": st.one_of(st.just("fresh.html"), st.just("fresh.html"), st.sampled_from(ODD_PATHS + FILES)),
        "--lang": words(["en", "my"]), "--force": None}, ["--out", "fresh.html"]),
    "export-ema": (st.lists(st.sampled_from(SCENARIOS), max_size=1), {
        "--vary": words(["support.outreach", "support.outreach=0:1", "bogus", "x=1:0", "run.days"]),
        "--lever": words(["support.protection", "support.outreach=0:1", "bogus"]), "--days": ints(["3"]),
        "--out": st.one_of(st.just("fresh.py"), st.just("fresh.py"), st.sampled_from(ODD_PATHS + FILES)),
        "--set": words(SETS), "--force": None}, ["--out", "fresh.py"]),
    # never started: the host is never a loopback address, or the port is out of range
    "serve": (st.just([]), {"--host": st.sampled_from(["0.0.0.0", "example.org", "192.168.1.1", "[/]", "", "::"]),
                            "--port": st.sampled_from(["0", "-1", "65536", "99999999", "x"]),
                            "--runs": dirs()}, ["--host", "0.0.0.0"]),
}
# Each command twice, but calibrate once: a valid calibration is the longest command line (some 2 s)
WEIGHTED = [name for name in sorted(COMMANDS) for _ in range(1 if name == "calibrate" else 2)]
MODEL_COMMANDS = {"run", "sweep", "compare", "calibrate", "optimize", "export-ema"}
# Options whose value names a path in the corpus (the others are passed as they are)
PATH_OPTIONS = {"--out", "--from", "--data", "--posterior", "--runs"}


@st.composite
def command_lines(draw) -> list[str]:
    """One command line: a command, its positional arguments, a few options (each may repeat), the defaults that
    keep it tiny (given first, so that a drawn value wins), and for the model's commands TINY last."""
    if draw(st.integers(0, 30)) == 0:  # the group itself: no command, an unknown one, --version, --help
        return draw(st.sampled_from([[], ["--version"], ["--help"], ["nosuch"], ["[/]"], ["run", "--help"],
                                     ["run", "--nosuch"], ["sweep", "--vary"]]))
    name = draw(st.sampled_from(WEIGHTED))
    positional, spec, defaults = COMMANDS[name]
    args = ["run" if name == "classic" else name, *draw(positional), *defaults]
    for option in draw(st.lists(st.sampled_from(sorted(spec)), max_size=5)):
        values = spec[option]
        args += [option] if values is None else [option, draw(values)]
    if name in MODEL_COMMANDS and not (name == "run" and args[1:2] and args[1] in ("epstein", "granovetter-network")):
        args += TINY
    return args


# -- the corpus: real outputs, and tampered copies of them -------------------------------------------------------------

_unique = itertools.count()


def _tamper(directory: Path, damage: str) -> None:
    manifest = directory / ("job.json" if not (directory / "manifest.json").exists() else "manifest.json")
    parquets = sorted(directory.rglob("*.parquet"))
    if damage == "manifest-list":
        manifest.write_text("[1, 2, 3]")
    elif damage == "manifest-garbage":
        manifest.write_bytes(bytes(range(256)) * 4)
    elif damage == "manifest-empty":
        manifest.write_text("")
    elif damage == "manifest-kind":
        record = json.loads(manifest.read_text())
        record["kind"] = {"run": "sweep"}.get(record.get("kind"), "run")
        manifest.write_text(json.dumps(record))
    elif damage == "manifest-missing":
        manifest.unlink()
    elif damage == "manifest-nan":
        manifest.write_text(manifest.read_text().replace('"seed": 0', '"seed": NaN').replace("1", "-1", 1))
    elif damage == "manifest-fifo":
        manifest.unlink()
        os.mkfifo(manifest)
    elif damage == "manifest-link":
        manifest.unlink()
        manifest.symlink_to("/etc/passwd")
    elif damage == "parquet-garbage" and parquets:
        parquets[0].write_bytes(b"PAR1" + bytes(range(200)) + b"PAR1")
    elif damage == "parquet-truncated" and parquets:
        data = parquets[-1].read_bytes()
        parquets[-1].write_bytes(data[: len(data) // 2])
    elif damage == "user-file":
        (directory / "my-notes.txt").write_text("mine")


@pytest.fixture(scope="module")
def quick_calibrations():
    """A calibration that runs simulates 4 posterior draws for its fit figure, not 40: the same code, a tenth of
    the time (a valid calibrate is the fuzzer's longest command line)."""
    import functools

    from defection.experiments import calibration

    real = calibration.calibrate
    calibration.calibrate = functools.partial(real, predictive_draws=4)
    yield
    calibration.calibrate = real


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, quick_calibrations) -> Path:
    """A working directory holding real outputs of each kind, tampered copies of them, and odd files."""
    import pyarrow as pa

    from defection import api
    from defection.engine.outputs import write_json, write_parquet

    root = tmp_path_factory.mktemp("fuzz")
    src = root / "_sources"
    src.mkdir()
    made = {
        "run": ["run", "--days", "3", *TINY, "--out", str(src / "run")],
        "classic": ["run", "epstein", "--steps", "3", "--out", str(src / "classic")],
        "sobol": ["sweep", "--model", "ishigami", "--design", "sobol", "--samples", "8", "--vary", "x1", "--vary",
                  "x2", "--vary", "x3", "--workers", "0", "--out", str(src / "sobol")],
        "lhs": ["sweep", "--model", "ishigami", "--samples", "32", "--vary", "x1", "--vary", "x2", "--vary", "x3",
                "--workers", "0", "--out", str(src / "lhs")],
        "compare": ["compare", "--days", "3", "--replicates", "2", "--workers", "0", "--policy",
                    "p:support.outreach=0.5", *TINY, "--out", str(src / "compare")],
    }
    for name, args in made.items():
        code, text = invoke(args, root)
        assert code == 0, (name, text)
    cal = src / "cal"  # the files a finished calibration holds that forecast and optimize read (no ABC-SMC run)
    cal.mkdir()
    sc = api.resolve("myanmar-2021", ["run.scale=20000", "force.n_officers=300", "army.n_soldiers=300"])
    obs = {"series": "civilians_killed", "date": "2021-02-03", "day": 2, "value": 3.0, "lower_bound": False}
    fit = {"key": "crackdown.deaths_per_1000_active", "lo": 0.0003, "hi": 0.004, "integer": False}
    write_json(cal / "manifest.json", {"kind": "calibration", "package": "defection", "seed": 0,
                                       "scenario": sc.model_dump(mode="json"), "fits": [fit], "observations": [obs]})
    write_parquet(cal / "posterior.parquet", pa.table({fit["key"]: [0.001, 0.002, 0.003], "weight": [0.2, 0.3, 0.5]}))
    code, text = invoke(["forecast", str(cal), "--draws", "2", "--until", "2021-02-04", "--out",
                         str(src / "forecast")], root)
    assert code == 0, text
    for source in SOURCES:
        for damage in DAMAGES:
            copy = root / f"{source}-{damage}"
            shutil.copytree(src / source, copy, symlinks=True)
            _tamper(copy, damage)
    (root / "a-file.txt").write_text("a user's file\n")
    os.mkfifo(root / "fifo")
    (root / "link-to-passwd").symlink_to("/etc/passwd")
    (root / "[x]dir").mkdir()
    (root / "scenario.toml").write_text('name = "tiny"\n[run]\ndays = 2\nscale = 20000\n[force]\nn_officers = 300\n')
    (root / "scenario-bad.toml").write_text('[run\ndays = "x"\n')
    (root / "scenario-empty.toml").write_text("")
    (root / "obs.csv").write_text("date,series,value,bound\n2021-02-03,civilians_killed,3,point\n")
    (root / "obs-bad.csv").write_text("date,series,value,bound\n2021-02-31,civilians_killed,-nan,maybe\n")
    (root / "obs-empty.csv").write_text("")
    shutil.copy(src / "run" / "manifest.json", root / "manifest-run.json")
    (root / "manifest-list.json").write_text("[]")
    return root


# -- the checks ------------------------------------------------------------------------------------------------------

def _layout(args: list[str]):
    from defection.experiments.calibration import CALIBRATION_LAYOUT, FORECAST_LAYOUT
    from defection.experiments.optimize import _layout as optimize_layout
    from defection.experiments.store import EXPERIMENT_LAYOUT

    return {"run": RUN_LAYOUT, "sweep": EXPERIMENT_LAYOUT, "compare": EXPERIMENT_LAYOUT,
            "calibrate": CALIBRATION_LAYOUT, "forecast": FORECAST_LAYOUT,
            "optimize": optimize_layout()}.get(args[0] if args else "")


def check_outputs(args: list[str], code: int, text: str, fresh: list[Path]) -> None:
    """Each new --out is absent or complete, and no staging sibling is left beside it."""
    for out in fresh:
        left = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.tmp-")] \
            if out.parent.is_dir() else []
        assert not left, (args, left, text)
        if not os.path.lexists(out):
            continue
        if out.suffix in (".html", ".py"):
            assert out.is_file() and out.stat().st_size > 0 and code == 0, (args, code, text)
            continue
        layout = _layout(args)
        assert layout is not None, (args, sorted(os.listdir(out)))
        try:
            owned = existing_results(out, layout)
        except OutputError as exc:
            raise AssertionError((args, code, str(exc), text)) from None
        assert owned, (args, code, sorted(os.listdir(out)), text)
        if code == 0 and args[0] in ("run", "forecast"):
            assert (out / "manifest.json").is_file(), (args, text)


class Hung(BaseException):
    """Raised by the alarm: a BaseException, so that no handler of the CLI turns it into an exit code."""


def run_one(corpus: Path, args: list[str]) -> None:
    fresh: list[Path] = []
    concrete = []
    for k, arg in enumerate(args):
        if k and args[k - 1] in ("--out",) and arg.startswith("fresh"):
            new = corpus / "outs" / f"{next(_unique)}-{arg}"
            fresh.append(new)
            arg = str(new)
        concrete.append(arg)
    (corpus / "outs").mkdir(exist_ok=True)

    def hung(*_):
        raise Hung(f"{concrete} ran for more than 120 s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    import time
    t0 = time.perf_counter()
    try:
        code, text = invoke(concrete, corpus)
    finally:
        if os.environ.get("FUZZ_LOG"):
            with open(os.environ["FUZZ_LOG"], "a") as log:
                log.write(f"{time.perf_counter() - t0:.2f} {code} {concrete!r}\n")
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert code in (0, 2, 3), (concrete, code, text)
    assert "Traceback" not in text, (concrete, text)
    check_outputs(concrete[:1] if concrete[:1] != ["run"] else ["run"], code, text, fresh)


FUZZ = dict(deadline=None, derandomize=True, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                   HealthCheck.data_too_large, HealthCheck.filter_too_much])


@settings(max_examples=200, **FUZZ)
@given(args=command_lines())
def test_every_command_line_exits_0_2_or_3_without_a_traceback_or_a_partial_output(corpus, args):
    run_one(corpus, args)


@pytest.mark.slow  # 1,200 command lines, some of them real (tiny) runs: several minutes
@settings(max_examples=1200, **FUZZ)
@given(args=command_lines())
def test_many_more_command_lines(corpus, args):
    run_one(corpus, args)
