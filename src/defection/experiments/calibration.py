"""Calibration to observed series with ABC-SMC (pyabc); its SQLite history is the record.

The distance compares log-scaled cumulative series at each observed date:

    d(x, x0) = sqrt( sum_i w_i * r_i^2 ),   r_i = log1p(sim_i) - log1p(obs_i)

and for an observation that is a lower bound ("at least 600") only a shortfall counts:
r_i = min(0, log1p(sim_i) - log1p(obs_i)); for an upper bound ("at most 50") only an excess does:
r_i = max(0, log1p(sim_i) - log1p(obs_i)). Each series gets total weight 1, shared among its
dates, so a series with many points does not drown one with few.

Generations run one at a time, each from a fresh ABCSMC loaded from the history: a calibration
killed between generations resumes from the history with the same command and ends with the same
posterior. The history is the user's record: it is never deleted or rewritten by anything but
pyabc's own next generation. A history that cannot be resumed (in use by another process, not a
pyabc database, written by an incompatible pyabc, or for another problem) is left as it is and
refused with the reason.

Randomness comes from named children of ``SeedSequence(seed)`` (:func:`stream`), passed explicitly
as generators. pyabc itself takes no generator: it draws from NumPy's legacy global one, so
:func:`pyabc_random_state` sets that state from the calibration's stream for the length of one
generation and restores it afterwards. The model's own seed for a particle is a hash of its
parameter values, so any sampler gives a particle the same simulation.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import math
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from defection import api, data, scenarios
from defection.engine.outputs import Layout, absolute_target, existing_results, manifest, write_json, write_parquet
from defection.engine.readback import (ObservedRow, open_regular, read_calibration_manifest, read_job, read_observations,
                                      read_posterior)
from defection.errors import DefectionError, did_you_mean
from defection.experiments.design import DesignError, Vary, parse_varies
from defection.experiments.models import DefectionModel
from defection.experiments.size import Gate, plural, work_of
from defection.experiments.small_designs import epsilon_still_falling
from defection.scenarios.schema import Scenario

# Observed series name -> model series name. The model's ``defected`` counts both forces, so police
# defections are compared with the police's own series, and a count of soldiers and police together
# (``security_defected``) with ``defected``.
SERIES = {
    "police_defected": "defected_police",
    "army_defected": "defected_army",
    "security_defected": "defected",
    "civilians_killed": "civilians_killed",
    "civilians_arrested": "civilians_arrested",
    "civilians_detained": "civilians_detained",
}

# Observed series kept in a data set for context (the civil disobedience movement around the forces)
# that the model does not produce: left out of a calibration, like a regional count.
CONTEXT_SERIES = frozenset({"civil_servants_cdm", "teachers_suspended", "university_staff_suspended"})


# Fitted when no --fit is given: the values tuned by eye to AAPP in the built-in scenario.
DEFAULT_FITS = (
    "crackdown.deaths_per_1000_active", "crackdown.arrests_per_1000_active", "crackdown.jail_days_mean",
    "civilians.fear_per_death", "regime.escalation_gain", "decision.defect_threshold",
)


# A fitted parameter is a varied one with a uniform prior on [lo, hi].
Fit = Vary


@dataclass(frozen=True)
class Observation:
    series: str  # model series name
    date: str
    day: int
    value: float
    lower_bound: bool  # "at least value": only a shortfall counts
    upper_bound: bool = False  # "at most value": only an excess counts

    @property
    def stat(self) -> str:
        return f"{self.series}@{self.date}"


def parse_fits(specs: list[str]) -> list[Fit]:
    """``key=lo:hi`` (or ``key`` alone, for its documented plausible range) -> fits, with clean errors.

    The same rules as a sweep's ``--vary`` (one parser for both); messages name ``--fit``.
    """
    try:
        return parse_varies(list(specs), DefectionModel())
    except DesignError as exc:
        raise DefectionError(str(exc).replace("--vary", "--fit")) from None


def load_observations(source: str, start: dt.date, days: int | None = None) -> list[Observation]:
    """National observations from a shipped data set name or a CSV path, as model series and days.

    The file is read and each of its values checked by :func:`~defection.engine.readback.read_observations`
    (a date, a count that is a finite number of 0 or more, a bound word: point, lower or upper). A row whose
    ``scope`` is not "national" (the Kayah State count of police defections) is left out: a regional count is
    not comparable with a national series. So is a row of one of the
    :data:`CONTEXT_SERIES`, which the model does not produce.

    Raises DefectionError for an unknown data set, a bad value (naming its row and column), an unknown series,
    an observation outside the simulated period (before ``start`` or on/after day ``days`` when given), or two
    national observations of one series on one date (they would be one statistic).
    """
    out = []
    seen: set[str] = set()
    for r in _read_rows(source):
        if r.scope != "national" or r.series in CONTEXT_SERIES:
            continue  # regional counts and context series are not comparable with national series
        where = f"data '{source}', row {r.row} (line {r.line})"
        if r.series not in SERIES:
            raise DefectionError(f"{where}, column 'series': '{r.series}' is not one the model produces."
                                 f"{did_you_mean(r.series, SERIES)} Known: {', '.join(SERIES)}.")
        day = (r.date - start).days
        if day < 0 or (days is not None and day >= days):
            period = f"{start} to {start + dt.timedelta(days=days - 1)}" if days else f"starting {start}"
            raise DefectionError(f"{where}: the observation of {r.series} on {r.date} is outside the simulated "
                                 f"period ({period}). Change run.start or the days, or drop that row.")
        o = Observation(SERIES[r.series], r.date.isoformat(), day, r.value, r.bound == "lower", r.bound == "upper")
        if o.stat in seen:
            raise DefectionError(f"{where}: two national observations of {r.series} on {r.date}. Keep one, or "
                                 "give the other a regional scope.")
        seen.add(o.stat)
        out.append(o)
    if not out:
        raise DefectionError(f"data '{source}' has no national observations to calibrate against.")
    return sorted(out, key=lambda o: (o.series, o.day))


def _read_rows(source: str) -> list[ObservedRow]:
    if source in data.DATASETS:
        return read_observations(data.path(source), f"data set {source}")
    path = Path(source)
    if not os.path.lexists(path):
        raise DefectionError(f"--data '{source}': no such data set or file.{did_you_mean(source, data.DATASETS)} "
                             f"Shipped data sets: {', '.join(data.DATASETS)}; or give a CSV path.")
    return read_observations(path, f"--data {source}")


def distance_weights(obs: list[Observation]) -> dict[str, float]:
    counts: dict[str, int] = {}
    for o in obs:
        counts[o.series] = counts.get(o.series, 0) + 1
    return {o.stat: 1.0 / counts[o.series] for o in obs}


def make_distance(obs: list[Observation]) -> Callable[[dict, dict], float]:
    weights = distance_weights(obs)
    lower = {o.stat: o.lower_bound for o in obs}
    upper = {o.stat: o.upper_bound for o in obs}

    def distance(x: dict, x0: dict) -> float:
        total = 0.0
        for stat, w in weights.items():
            r = math.log1p(max(0.0, float(x[stat]))) - math.log1p(float(x0[stat]))
            if lower[stat]:
                r = min(0.0, r)
            elif upper[stat]:
                r = max(0.0, r)
            total += w * r * r
        return math.sqrt(total)

    return distance


def particle_seed(params: dict[str, float], base_seed: int) -> int:
    """A model seed that is a pure function of a particle (so any sampler gives the same draw)."""
    text = json.dumps({k: float(params[k]) for k in sorted(params)}, sort_keys=True) + f"|{base_seed}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:7], "little")


def overrides_for(params: dict[str, float], fits: list[Fit]) -> list[str]:
    return [f"{f.key}={int(round(float(params[f.key]))) if f.integer else float(params[f.key])}" for f in fits]


@dataclass
class Simulator:
    """The model as pyabc sees it: parameters in, a dict of observed-date statistics out."""

    scenario: Scenario
    fits: list[Fit]
    obs: list[Observation]
    base_seed: int
    single_thread: bool = False

    @property
    def days(self) -> int:
        return max(o.day for o in self.obs) + 1

    def __call__(self, params: dict) -> dict[str, float]:
        # api.run picks its own thread count, so a worker process is held to one thread here
        result = api.run(self.scenario, seed=particle_seed(params, self.base_seed), days=self.days,
                         overrides=overrides_for(params, self.fits), threads=1 if self.single_thread else None)
        return {o.stat: float(result.series(o.series)[o.day]) for o in self.obs}


def observed_stats(obs: list[Observation]) -> dict[str, float]:
    return {o.stat: o.value for o in obs}


# The independent random streams of a calibration or forecast: children of SeedSequence(seed), by position.
STREAMS = ("abc-generation", "posterior-draws", "predictive-runs")


def stream(seed: int, name: str, *index: int) -> np.random.SeedSequence:
    """The seed sequence of stream ``name`` (one of :data:`STREAMS`), e.g. ``stream(seed, "abc-generation", t)``."""
    return np.random.SeedSequence(int(seed), spawn_key=(STREAMS.index(name), *index))


def generator(seed: int, name: str, *index: int) -> np.random.Generator:
    """A generator on stream ``name`` of ``seed`` (see :func:`stream`)."""
    return np.random.Generator(np.random.PCG64(stream(seed, name, *index)))


@contextlib.contextmanager
def pyabc_random_state(seq: np.random.SeedSequence) -> Iterator[None]:
    """NumPy's legacy global state, which pyabc draws from, set from ``seq`` inside the block and restored after."""
    saved = np.random.get_state()
    np.random.set_state(np.random.RandomState(np.random.MT19937(seq)).get_state())
    try:
        yield
    finally:
        np.random.set_state(saved)


@dataclass
class Job:
    """What a calibration directory was asked to do; a resumed run must ask the same."""

    scenario: dict
    data: str
    fits: list[dict]
    population: int
    generations: int
    seed: int


@contextlib.contextmanager
def sampler(workers: int, scheduler: str | None) -> Iterator[Any]:
    """The pyabc sampler of a whole calibration; a Dask client opened for it is closed on leaving."""
    import pyabc

    if not scheduler:
        yield pyabc.sampler.SingleCoreSampler() if workers <= 1 else \
            pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
        return
    from distributed import Client

    try:
        client = Client(scheduler, timeout=10)
    except (OSError, TimeoutError) as exc:
        raise DefectionError(f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({exc}).") from None
    with client:
        yield pyabc.sampler.DaskDistributedSampler(dask_client=client, batch_size=20)


LOCK_NAME = ".calibrate.lock"  # held while a calibration writes its directory
# What a calibration's directory holds; its job.json (checked against the command by _check_job) says
# which calibration it is. pyabc's SQLite may leave a journal beside history.db.
CALIBRATION_LAYOUT = Layout("defection calibrate", (), r"job\.json|history\.db(?:-journal|-wal|-shm)?|"
                            r"calibrate\.log|posterior\.parquet|posterior_summary\.json|fit\.png|pairs\.png|"
                            r"manifest\.json|\.calibrate\.lock", manifest="job.json")
FORECAST_LAYOUT = Layout("defection forecast", ("forecast",), r"forecast\.parquet|forecast\.png|manifest\.json")

LOG_NAME = "calibrate.log"  # pyabc's log of the calibration, appended to by each (resumed) run
Finishing = Callable[[str, int, int | None], None]  # (what is being done, done, total or None)
# Simulations ABC-SMC makes per particle kept, rejected ones included: 1,844 for the default 150 particles x 5
# generations (docs/calibration.md); what a calibration's size is estimated with before it starts
SIMULATIONS_PER_PARTICLE = 2.5


@contextlib.contextmanager
def pyabc_log_to(path: Path) -> Iterator[None]:
    """Write pyabc's log (loggers ``ABC``, ``ABC.Sampler``, ``ABC.History``, ...) to ``path`` only, at INFO.

    Importing pyabc gives its ``ABC`` logger a handler on stderr at INFO (setting a level before the import is
    undone by it): its lines would tear through a progress bar, yet they are worth keeping to judge a fit. The
    logger's handlers, level and propagation are restored on leaving."""
    import pyabc  # noqa: F401 - imported first, so that its own set-up is the one replaced here

    logger = logging.getLogger("ABC")
    saved_handlers, saved_level, saved_propagate = logger.handlers[:], logger.level, logger.propagate
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
    logger.handlers, logger.propagate = [handler], False
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        handler.close()
        logger.handlers, logger.propagate = saved_handlers, saved_propagate
        logger.setLevel(saved_level)
PYABC_TABLES = {"version", "abc_smc", "populations", "models", "particles", "parameters", "samples",
                "summary_statistics"}


def calibrate(scenario: str | Path | Scenario, data_source: str, fit_specs: list[str], population: int,
              generations: int, out: Path, seed: int = 0, workers: int | None = None, scheduler: str | None = None,
              overrides: list[str] | None = None, predictive_draws: int = 40,
              progress: Callable[[int, float], None] | None = None,
              finishing: Finishing | None = None, gate: Gate | None = None) -> dict[str, Any]:
    """Run (or resume) ABC-SMC and write posterior.parquet, posterior_summary.json and the figures.

    Parameters
    ----------
    scenario : str, pathlib.Path or Scenario
        A built-in scenario's name, a scenario file, or a scenario object.
    data_source : str
        The observations: a shipped data set's name or a CSV file.
    fit_specs : list of str
        The parameters fitted, each ``section.key=lo:hi`` (a uniform prior) or ``section.key``
        alone (its documented plausible range).
    population : int
        Particles per generation, at least 2.
    generations : int
        ABC-SMC generations, at least 1.
    out : pathlib.Path
        The results directory; one holding the same calibration is resumed.
    seed : int, optional
        The calibration's seed (default 0).
    workers : int, optional
        Worker processes (default: the machine's cores).
    scheduler : str, optional
        A Dask scheduler's address (``tcp://HOST:PORT``), instead of local processes.
    overrides : list of str, optional
        Changes to the scenario, ``"section.key=value"``.
    predictive_draws : int, optional
        Posterior draws simulated for the fit figure (default 40).
    progress : callable, optional
        ``progress(generation, epsilon)``, called after each generation.
    finishing : callable, optional
        ``finishing(what, done, total)``, called after the last generation as the results are written:
        what is being done, in words, and for the posterior draws simulated for the fit figure, how many
        of how many (``total`` is None for a step not counted). pyabc's log goes to ``calibrate.log`` in
        ``out`` (:func:`pyabc_log_to`), not to the terminal.
    gate : callable, optional
        Told the calibration's size (a :class:`~defection.experiments.size.Work`: its simulations, estimated)
        before anything is written; it may refuse it by raising (the command line's ``SizeGate``).

    Returns
    -------
    dict
        The posterior summary (as posterior_summary.json): generations, simulations, the last
        epsilon, and per parameter its posterior statistics.
    """
    from filelock import FileLock, Timeout

    if population < 2 or generations < 1:
        raise DefectionError(f"--population must be at least 2 and --generations at least 1 "
                             f"(got {population} and {generations}).")
    if workers is not None and workers < 0:
        raise DefectionError(f"--workers {workers}: give a number of local processes, 1 or more.")
    sc = api.resolve(scenario, overrides)
    fits = parse_fits(list(fit_specs) or list(DEFAULT_FITS))
    obs = load_observations(data_source, sc.run.start)
    if gate is not None:
        sims = round(population * generations * SIMULATIONS_PER_PARTICLE) + predictive_draws
        gate(work_of("calibrate", sims, f"{population:,} particles x {generations:,} generations, about "
                     f"{SIMULATIONS_PER_PARTICLE} simulations a particle, and {predictive_draws} for the fit figure",
                     sc, days=max((o.day for o in obs), default=sc.run.days) + 15,
                     knob="--population or --generations"))
    job = Job(sc.model_dump(mode="json"), data_source, [asdict(f) for f in fits], population, generations, seed)
    out = Path(out)
    existing_results(absolute_target(out), CALIBRATION_LAYOUT)  # a link, a file or another directory is refused
    if os.path.lexists(out / "job.json"):
        read_job(out / "job.json")  # a damaged one is named before anything, even the lock, is written there
    out.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(out / LOCK_NAME, timeout=0):
            _check_job(out, job)
            workers = workers if workers is not None else (os.cpu_count() or 1)
            simulator = Simulator(sc, fits, obs, seed, single_thread=workers > 1 and not scheduler)
            with pyabc_log_to(out / LOG_NAME):
                run_id = _run_generations(out, simulator, fits, obs, population, generations, seed, workers,
                                          scheduler, progress)
                return finish(out, sc, fits, obs, seed, predictive_draws, run_id=run_id, finishing=finishing)
    except Timeout:
        raise DefectionError(f"--out {out}: another `defection calibrate` is writing this directory (it holds "
                             f"{out / LOCK_NAME}). Wait for it to finish, or choose another --out.") from None


def _check_job(out: Path, job: Job) -> None:
    """Write job.json for a new calibration; refuse a directory that holds a different one."""
    job_path = out / "job.json"
    wanted = json.loads(json.dumps(asdict(job), default=str))
    if os.path.lexists(job_path):
        previous = read_job(job_path)  # a damaged or special file: the reason, and the directory is left as it is
        if previous.model_dump(exclude={"versions"}) != wanted:
            raise DefectionError(f"{out} holds a different calibration (see its job.json). Use a new --out "
                                 "directory to start another, or the same command as before to resume.")
    elif (out / "history.db").exists():
        raise DefectionError(f"{out / 'history.db'} has no job.json beside it, so what it calibrates is unknown; "
                             f"it was left as it is. Use a new --out directory.")
    else:
        write_json(job_path, {**wanted, "versions": _versions()})


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    from pyabc.storage.version import __db_version__

    return {"pyabc": md.version("pyabc"), "pyabc_database": str(__db_version__)}


def _run_generations(out: Path, simulator: Simulator, fits: list[Fit], obs: list[Observation], population: int,
                     generations: int, seed: int, workers: int, scheduler: str | None,
                     progress: Callable[[int, float], None] | None) -> int:
    """Run the generations not yet in ``out/history.db``, one ABCSMC each; return the history's run id."""
    import pyabc

    db_path = out / "history.db"
    run_id, done = read_history(db_path)
    prior = pyabc.Distribution(**{f.key: pyabc.RV("uniform", f.lo, f.hi - f.lo) for f in fits})
    db = f"sqlite:///{db_path}"
    with sampler(workers, scheduler) as abc_sampler:
        for t in range(done, generations):
            with pyabc_random_state(stream(seed, "abc-generation", t)):
                abc = pyabc.ABCSMC(simulator, prior, make_distance(obs), population_size=population,
                                   sampler=abc_sampler)
                if t == 0:  # a new run; one killed before its first generation stays in the history, unused
                    history = _new_run(abc, db, db_path, observed_stats(obs))
                else:
                    assert run_id is not None  # from the history (done > 0) or the generation before
                    history = _load(abc, db_path, run_id)
                run_id = history.id
                history = abc.run(max_nr_populations=1)
            if progress is not None:
                progress(t + 1, float(history.get_all_populations()["epsilon"].iloc[-1]))
    assert run_id is not None  # generations >= 1, so a run was made or resumed
    return run_id


def _new_run(abc, db: str, db_path: Path, observed: dict[str, float]):
    """``abc.new``: a new run in the history. A history.db that this call created and could not finish (its
    schema half written, as on a full disk) holds nothing and is removed, so the same command starts afresh;
    one that was there before is never touched here."""
    fresh = not os.path.lexists(db_path)
    try:
        return abc.new(db, observed)
    except BaseException:
        if fresh:
            for leftover in (db_path, db_path.with_name(db_path.name + "-journal")):
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
        raise


def _load(abc, db_path: Path, run_id: int):
    try:
        return abc.load(f"sqlite:///{db_path}", run_id)
    except Exception as exc:  # noqa: BLE001 - whatever pyabc raises, the record is kept and the reason given
        raise DefectionError(f"{db_path} cannot be resumed by pyabc {_versions()['pyabc']} ({type(exc).__name__}: "
                             f"{exc}); it was left as it is. Install the pyabc version in job.json, or start "
                             f"again with a new --out directory.") from None


def read_history(db_path: Path) -> tuple[int | None, int]:
    """(run id, generations done) of the newest run in a pyabc history; (None, 0) if there is no file.

    Read with SQLite directly, read-only, so that a file that is not a complete pyabc history is
    never touched by pyabc (which would add its tables). Raises DefectionError with the reason for a
    history that cannot be resumed; the file is left as it is.
    """
    if not os.path.lexists(db_path):
        return None, 0
    kept = "it was left as it is. Move it away or choose a new --out directory to start another calibration"
    with open_regular(db_path) as fh:  # a FIFO or a device there is refused unopened
        if fh.read(16) != b"SQLite format 3\x00":
            raise DefectionError(f"{db_path} is not an SQLite database (damaged, or not written by `defection "
                                 f"calibrate`); {kept}.")
    try:
        with contextlib.closing(sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=2)) as con:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not PYABC_TABLES <= tables:
                raise DefectionError(f"{db_path} is not a pyabc history (it lacks the table(s) "
                                     f"{', '.join(sorted(PYABC_TABLES - tables))}); {kept}.")
            version = con.execute("SELECT version_num FROM version").fetchone()
            run = con.execute("SELECT MAX(id) FROM abc_smc").fetchone()[0]
            last_t = None if run is None else \
                con.execute("SELECT MAX(t) FROM populations WHERE abc_smc_id = ?", (run,)).fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise DefectionError(f"{db_path} cannot be read now: another process is writing it (it was left as it "
                                 f"is). Wait for that process to finish, then run the same command to resume.") from None
        raise DefectionError(f"{db_path} cannot be read (SQLite: {exc}); {kept}.") from None
    except sqlite3.DatabaseError as exc:
        raise DefectionError(f"{db_path} is damaged (SQLite: {exc}); {kept}.") from None
    from pyabc.storage.version import __db_version__

    if version is None or str(version[0]) != str(__db_version__):
        found = "no version" if version is None else f"version {version[0]}"
        raise DefectionError(f"{db_path} is a pyabc history of database {found}, and the installed pyabc "
                             f"{_versions()['pyabc']} reads version {__db_version__}. Migrate it with pyabc's "
                             f"`abc-migrate`, or install the pyabc version recorded in job.json; {kept}.")
    if run is None:
        return None, 0
    return int(run), (int(last_t) + 1 if last_t is not None and last_t >= 0 else 0)


def posterior_table(history, fits: list[Fit]) -> pa.Table:
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    cols = {f.key: frame[f.key].to_numpy(dtype=float) for f in fits}
    cols["weight"] = np.asarray(weights, dtype=float)
    return pa.table(cols)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs) -> np.ndarray:
    order = np.argsort(values)
    v, w = values[order], weights[order]
    cdf = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(qs, cdf, v)


def summarize_posterior(table: pa.Table, fits: list[Fit]) -> dict[str, dict[str, float]]:
    w = table.column("weight").to_numpy()
    out = {}
    for f in fits:
        q05, q50, q95 = weighted_quantiles(table.column(f.key).to_numpy(), w, [0.05, 0.5, 0.95])
        out[f.key] = {"median": float(q50), "q05": float(q05), "q95": float(q95), "prior_lo": f.lo, "prior_hi": f.hi}
    return out


def finish(out: Path, sc: Scenario, fits: list[Fit], obs: list[Observation], seed: int,
           predictive_draws: int = 40, run_id: int | None = None, finishing: Finishing | None = None) -> dict[str, Any]:
    """Write the posterior, its summary, the figures and the manifest from the history's last generation.

    The figure's posterior predictive draws are simulated here (the plotting code only draws arrays): with the
    figures, most of a minute after the last generation, told step by step to ``finishing`` (see :func:`calibrate`).
    """
    import pyabc

    from defection.report.calibration import PANELS, fit_plot, pairs_plot

    def say(what: str, done: int = 0, total: int | None = None) -> None:
        if finishing is not None:
            finishing(what, done, total)

    say("writing the posterior summary")
    if run_id is None:
        run_id, _ = read_history(out / "history.db")
    history = pyabc.History(f"sqlite:///{out / 'history.db'}", _id=run_id)
    table = posterior_table(history, fits)
    write_parquet(out / "posterior.parquet", table)
    epsilons = [float(e) for e in history.get_all_populations()["epsilon"] if np.isfinite(e)]
    warning = epsilon_still_falling(epsilons)
    summary = {
        "generations": int(history.max_t) + 1,
        "simulations": int(history.total_nr_simulations),
        "epsilon": epsilons[-1],
        "epsilons": epsilons,
        "posterior": summarize_posterior(table, fits),
        "design_warnings": [warning] if warning else [],
    }
    write_json(out / "posterior_summary.json", summary)
    days = max(o.day for o in obs) + 15
    particles = draw_particles(table, predictive_draws, generator(seed, "posterior-draws"))
    simulating = "simulating posterior draws for the fit figure"
    say(simulating, 0, predictive_draws)
    sims = simulate_draws(sc, fits, particles, days, generator(seed, "predictive-runs"),
                          series=tuple(s for s, _ in PANELS), progress=lambda k: say(simulating, k, predictive_draws))
    say("drawing the figures")
    fit_plot(out / "fit.png", dates_from(sc.run.start, days), sims, obs)
    pairs_plot(out / "pairs.png", fits, table)
    write_json(out / "manifest.json", manifest("calibration", sc.model_dump(mode="json"), seed,
                                               fits=[asdict(f) for f in fits], observations=[asdict(o) for o in obs],
                                               **{k: v for k, v in summary.items() if k != "posterior"}))
    return summary


def dates_from(start: dt.date, days: int) -> np.ndarray:
    """The simulated dates, ``days`` of them from ``start``, as datetime64[D]."""
    return np.datetime64(start) + np.arange(days).astype("timedelta64[D]")


def draw_particles(table: pa.Table, n: int, rng: np.random.Generator) -> list[dict[str, float]]:
    """``n`` particles drawn by weight (with replacement) with ``rng``."""
    w = table.column("weight").to_numpy()
    idx = rng.choice(len(w), size=n, p=w / w.sum())
    keys = [c for c in table.column_names if c != "weight"]
    return [{k: float(table.column(k)[int(i)].as_py()) for k in keys} for i in idx]


# Totals, then each force's breakdown (``<series>_police``, ``<series>_army``) where the model records it.
FORECAST_SERIES = ("defected", "defected_civilian", "defected_paramilitary", "quiet_resisters", "coercive_capacity",
                   "civilians_killed", "civilians_arrested", "civilians_detained", "civilians_active",
                   *(f"{series}_{force}" for force in ("police", "army")
                     for series in ("defected", "quiet_resisters", "coercive_capacity")),
                   "civilians_armed")


def simulate_draws(sc: Scenario, fits: list[Fit], particles: list[dict[str, float]], days: int,
                   rng: np.random.Generator, series=FORECAST_SERIES,
                   progress: Callable[[int], None] | None = None,
                   extra: list[dict[str, Any]] | None = None) -> dict[str, np.ndarray]:
    """Run one simulation per particle, its model seed drawn with ``rng``; return each series as an
    array of shape (draws, days). A series the model does not record (a force it lacks) is left out.
    ``extra``, one dict of overrides per particle, adds parameters the calibration did not fit."""
    out: dict[str, np.ndarray] = {}
    run_seeds = rng.integers(0, 2**63 - 1, size=len(particles), endpoint=True)
    for k, params in enumerate(particles):
        more = [f"{key}={value!r}" for key, value in (extra[k] if extra else {}).items()]
        result = api.run(sc, seed=int(run_seeds[k]), days=days, overrides=overrides_for(params, fits) + more)
        if not out:
            recorded = set(result.timeseries.column_names)
            out = {s: np.zeros((len(particles), days)) for s in series if s in recorded}
        for s in out:
            out[s][k] = result.series(s)
        if progress is not None:
            progress(k + 1)
    return out


def read_calibration(cal_dir: Path, observations: bool = True) -> tuple[Scenario, list[Fit], pa.Table,
                                                                      list[Observation], int]:
    """A finished calibration's scenario, fitted parameters, posterior particles, observations and seed, each
    read through :mod:`~defection.engine.readback` (a damaged file is named, with the field and what was
    expected). Without ``observations``, a manifest that records none is accepted."""
    cal_dir = Path(cal_dir)
    record = read_calibration_manifest(cal_dir, observations)
    sc = scenarios.from_dict(record.scenario, origin=f"scenario in {cal_dir / 'manifest.json'}")
    fits = [Fit(**f.model_dump()) for f in record.fits]
    obs = [Observation(**o.model_dump()) for o in record.observations]
    table = read_posterior(cal_dir / "posterior.parquet", {f.key: (f.lo, f.hi) for f in fits})
    return sc, fits, table, obs, record.seed


def horizon_end(sc: Scenario) -> dt.date:
    """A scenario's last simulated day (its start plus ``run.days`` - 1): where a forecast ends by default."""
    return sc.run.start + dt.timedelta(days=sc.run.days - 1)


def forecast(cal_dir: Path, until: dt.date | None, draws: int, out: Path, seed: int = 0,
             progress: Callable[[int], None] | None = None, gate: Gate | None = None,
             parameter_draws: int = 0) -> pa.Table:
    """Simulate from posterior draws to ``until``; write forecast.parquet (long form) and forecast.png.

    By default each of the ``draws`` runs has its own posterior particle and seed. With ``parameter_draws=N``
    the runs are N parameter draws of ``draws / N`` seeds each: each draw is a posterior particle with a point of
    a Latin hypercube over the parameters the data cannot identify that the calibration did not fit (those
    ``defection optimize`` draws), and the table gains, per date and series, the shares of the runs' variance
    that come from the parameter draws and from the seeds
    (:func:`defection.experiments.uncertainty.spread_shares`).

    Parameters
    ----------
    cal_dir : pathlib.Path
        The directory of a finished calibration.
    until : datetime.date or None
        The forecast's last date; None for the calibrated scenario's last day (:func:`horizon_end`).
    draws : int
        Posterior draws simulated.
    out : pathlib.Path
        The results directory.
    seed : int, optional
        The seed of the draws and of their runs (default 0).
    progress : callable, optional
        ``progress(done)``, called after each draw's run.
    gate : callable, optional
        Told the forecast's size (a :class:`~defection.experiments.size.Work`) before the draws are made; it may
        refuse it by raising (the command line's ``SizeGate``).
    parameter_draws : int, optional
        0 (default): one run per posterior particle. N (at least 2, dividing ``draws`` into at least 2 seeds
        each): N parameter draws, each run with ``draws / N`` seeds.

    Returns
    -------
    pyarrow.Table
        The forecast in long form: ``date``, ``series`` and the quantiles ``q05``, ``q25``, ``q50``,
        ``q75`` and ``q95`` over the draws; with parameter draws also ``parameter_share`` and ``seed_share``.
    """
    from defection.experiments.uncertainty import check_parameter_draws

    n_draws = check_parameter_draws(parameter_draws)
    sc, fits, table, obs, cal_seed = read_calibration(cal_dir)
    until = horizon_end(sc) if until is None else until
    if draws < 1:
        raise DefectionError(f"--draws must be at least 1 (got {draws}).")
    if n_draws and (draws % n_draws or draws // n_draws < 2):
        raise DefectionError(f"--draws {draws} with --parameter-draws {n_draws}: the runs are shared evenly among the "
                             f"parameter draws, at least 2 seeds each, so --draws must be a multiple of {n_draws} and "
                             f"at least {2 * n_draws}.")
    days = (until - sc.run.start).days + 1
    if days < 1:
        raise DefectionError(f"--until {until} is before the scenario starts ({sc.run.start}).")
    if gate is not None:  # every draw's series are kept until the quantiles are taken, one series at a time
        what = (f"{plural(n_draws, 'parameter draw')} x {plural(draws // n_draws, 'seed')}" if n_draws
                else f"{plural(draws, 'posterior draw')}, one run each")
        gate(work_of("forecast", draws, what, sc, days=days, knob="--draws",
                     held_per_run=days * (len(FORECAST_SERIES) + 1) * 8 + 1024, parallel=False))
    extra: list[dict[str, Any]] | None = None
    how: dict[str, Any] = {}
    if n_draws:  # each parameter draw: a particle, and the unfitted unidentified parameters by a Latin hypercube
        from defection.experiments.uncertainty import DEFAULT_UNCERTAIN, latin_hypercube

        fitted = {f.key for f in fits}
        chosen = draw_particles(table, n_draws, generator(seed, "posterior-draws"))
        points, spanned = latin_hypercube([k for k in DEFAULT_UNCERTAIN if k not in fitted], n_draws, seed)
        how = {"posterior": {"dir": str(cal_dir), "keys": sorted(fitted)}, "latin_hypercube": spanned}
        per = draws // n_draws
        particles = [chosen[j] for j in range(n_draws) for _ in range(per)]
        extra = [points[j] for j in range(n_draws) for _ in range(per)]
    else:
        particles = draw_particles(table, draws, generator(seed, "posterior-draws"))
    sims = simulate_draws(sc, fits, particles, days, generator(seed, "predictive-runs"), progress=progress,
                          extra=extra)
    dates = dates_from(sc.run.start, days)
    qs = (0.05, 0.25, 0.5, 0.75, 0.95)
    frames: dict[str, list[np.ndarray]] = {"date": [], "series": [], **{f"q{int(q * 100):02d}": [] for q in qs}}
    if n_draws:
        frames["parameter_share"], frames["seed_share"] = [], []
    for s, values in sims.items():
        quant = np.quantile(values, qs, axis=0)
        frames["date"].append(dates)
        frames["series"].append(np.full(days, s, dtype=object))
        for q, row in zip(qs, quant):
            frames[f"q{int(q * 100):02d}"].append(row)
        if n_draws:
            params, seeds = day_shares(values, n_draws)
            frames["parameter_share"].append(params)
            frames["seed_share"].append(seeds)
    result = pa.table({"date": pa.array(np.concatenate(frames["date"]), pa.date32()),
                       "series": pa.array(np.concatenate(frames["series"]).tolist(), pa.string()),
                       **{k: np.concatenate(v) for k, v in frames.items() if k.startswith("q") or k.endswith("_share")}})
    out = Path(out)
    write_parquet(out / "forecast.parquet", result)
    from defection.report.calibration import forecast_plot

    forecast_plot(out / "forecast.png", result, obs, fitted_until=sc.run.start + dt.timedelta(days=max(o.day for o in obs)))
    write_json(out / "manifest.json", manifest("forecast", sc.model_dump(mode="json"), seed, calibration=str(cal_dir),
                                               calibration_seed=cal_seed, until=until.isoformat(), draws=draws,
                                               fits=[asdict(f) for f in fits],
                                               **({"uncertainty": {"parameter_draws": n_draws,
                                                                   "seeds_per_draw": draws // n_draws, **how}}
                                                  if n_draws else {})))
    return result


def day_shares(values: np.ndarray, n_draws: int) -> tuple[np.ndarray, np.ndarray]:
    """For runs in draw-major order (shape runs x days), the shares of one run's variance on each day that come
    from the parameter draws and from the seeds (:func:`defection.experiments.uncertainty.spread_shares`, for
    every day at once); NaN where the runs do not vary."""
    v = np.asarray(values, float).reshape(n_draws, -1, values.shape[-1])
    per = v.shape[1]
    within = v.var(axis=1, ddof=1).mean(axis=0)
    params = np.maximum(v.mean(axis=1).var(axis=0, ddof=1) - within / per, 0.0)
    total = params + within
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, params / total, np.nan), np.where(total > 0, within / total, np.nan)
