"""Helpers shared by the tests: cached ensembles, paired intervals, an in-process CLI runner.

A module of its own, not conftest.py: tests/browser has a conftest too, and ``from conftest
import`` would find whichever is first on sys.path.
"""
from __future__ import annotations

import contextlib
import functools
import io
import os
import signal
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import t as t_dist

from defection import api, cli
from defection.errors import MESSAGE_LIMIT

SEEDS = tuple(range(10))
# The regime's adaptation switched off, every part of it (the findings' F5 and tipping tests)
ADAPTATION_OFF = ("switches.regime_adaptation=false", "switches.oversight=false", "switches.confinement=false",
                  "switches.extortion_growth=false", "switches.promotions=false", "switches.allowances=false")


@functools.lru_cache(maxsize=None)
def ensemble(overrides: tuple[str, ...] = (), seeds: tuple[int, ...] = SEEDS) -> tuple:
    """Results of the default scenario with ``overrides``, one per seed (cached for the session)."""
    return tuple(api.run("myanmar-2021", seed=s, overrides=list(overrides)) for s in seeds)


def final(results, name: str) -> np.ndarray:
    """Day-334 value of a series, shape (seeds,)."""
    return np.array([r.series(name)[-1] for r in results], dtype=float)


def paired_interval(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of b - a and its t-interval (Student's t with len(a) - 1 degrees of freedom)."""
    d = np.asarray(b, float) - np.asarray(a, float)
    half = t_dist.ppf(0.5 + confidence / 2, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return d.mean(), d.mean() - half, d.mean() + half


def run_cli(args, monkeypatch, capsys) -> tuple[int, str]:
    """Run ``defection ARGS`` in-process; return its exit code and its output, white space folded
    (rich wraps long messages to the terminal's width)."""
    monkeypatch.setattr(sys, "argv", ["defection", *args])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    captured = capsys.readouterr()
    return exc.value.code or 0, " ".join((captured.out + captured.err).split())


def default_sigint() -> None:
    """For ``subprocess.Popen(preexec_fn=...)``: give the child the default SIGINT disposition.

    A shell starts a background job (``cmd &`` without job control, as a CI script may) with SIGINT
    ignored, children inherit that, and Python then never raises KeyboardInterrupt: a test sending
    SIGINT would see the child finish as if nothing happened.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_cli_raw(args, monkeypatch, capsys) -> tuple[int, str]:
    """Run ``defection ARGS`` in-process; return the exit code and the raw output (stdout + stderr)."""
    monkeypatch.setattr(sys, "argv", ["defection", *map(str, args)])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    captured = capsys.readouterr()
    return exc.value.code or 0, captured.out + captured.err


def assert_one_paragraph(code: int, text: str, *words: str) -> None:
    """Exit code 2, no traceback, one 'error:' paragraph of bounded length, holding ``words``."""
    assert code == 2, text
    assert "Traceback" not in text
    body = text.strip()
    assert body.count("error:") == 1 and "\n\n" not in body, body
    assert len(body) <= MESSAGE_LIMIT + 20, len(body)
    folded = " ".join(body.split())
    for word in words:
        assert word in folded, (word, folded)


def invoke(args: list[str], cwd: Path) -> tuple[int, str]:
    """``defection ARGS`` in this process, from ``cwd``: its exit code and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    argv, here = sys.argv, os.getcwd()
    sys.argv = ["defection", *args]
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main()
                code = 0
            except SystemExit as exc:  # anything else escapes: a traceback fails the test
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
        os.chdir(here)
    return code, out.getvalue() + err.getvalue()
