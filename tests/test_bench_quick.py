"""Every benchmark in ``bench/`` runs in CI, in its ``--quick`` mode.

A benchmark that nobody runs rots: an API change breaks it and nobody notices until the day its
numbers are wanted. Each runs here in a subprocess, as a user would run it, at tiny sizes, and
must exit 0 and print its machine-readable ratio line. No timing is asserted (the machine is
shared and its speed drifts); the numbers are not looked at, only that they are there.
About 2 minutes for the whole file on an idle 2-core machine (mostly interpreter, Dask and
Mesa start-up).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
NUMBER = r"-?[0-9.]+(e[-+]?[0-9]+)?"

LAST_LINES = {
    # benchmark: the line it must print (regular expression), with the ratios it exists for
    "run_default.py": rf"^ratio_to_baseline={NUMBER} seconds={NUMBER} bytes_per_agent={NUMBER}$",
    "ensemble.py": rf"^efficiency={NUMBER} cpu_efficiency={NUMBER} ratio_to_baseline={NUMBER}$",
    "calibrate.py": rf"^ratio_to_baseline={NUMBER} minutes={NUMBER} sims_per_s={NUMBER}$",
    "epstein_vs_mesa.py": rf"^ratio_40={NUMBER} ratio_100={NUMBER}$",
    "optimize.py": (rf"^evaluations_per_s={NUMBER} ratio_to_baseline={NUMBER} minutes={NUMBER} "
                    rf"hypervolume_ratio={NUMBER} evaluations_saved={NUMBER}$"),
    "scale.py": (rf"^k100_wall_s={NUMBER} k100_cpu_s={NUMBER} k100_bytes_per_agent={NUMBER} "
                 rf"cost_ratio_k100_k1000_wall={NUMBER} cost_ratio_k100_k1000_cpu={NUMBER} "
                 rf"ks_p_defected={NUMBER} ks_p_civilians_killed={NUMBER}$"),
}


def test_every_benchmark_is_checked_here():
    assert {p.name for p in BENCH.glob("*.py")} == set(LAST_LINES)


# Each of these takes 10 s to 35 s alone (Dask, Mesa, several runs); run_default is the fast run's check that bench/
# still imports and runs.
SLOW_BENCHMARKS = {"ensemble.py", "calibrate.py", "epstein_vs_mesa.py", "optimize.py", "scale.py"}


@pytest.mark.parametrize("script", [pytest.param(name, marks=pytest.mark.slow) if name in SLOW_BENCHMARKS else name
                                    for name in sorted(LAST_LINES)])
def test_benchmark_runs_in_quick_mode(script, tmp_path):
    extra = [str(tmp_path / "calibration")] if script == "calibrate.py" else []
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    done = subprocess.run([sys.executable, str(BENCH / script), "--quick", *extra], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{script} --quick exited {done.returncode}:\n{done.stderr[-4000:]}"
    lines = done.stdout.strip().splitlines()
    assert lines and re.match(LAST_LINES[script], lines[-1]), f"{script} --quick printed:\n{done.stdout[-3000:]}"
