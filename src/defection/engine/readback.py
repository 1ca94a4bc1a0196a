"""Every file the tool reads back comes in through one door here, and is checked before it is trusted.

A results directory is a folder of files anyone can edit, damage or replace, and ``--data`` names any
file. Each kind of file has one loader, and no other code opens it:

===========================  ====================================  ============================================
file                         loader                                read by
===========================  ====================================  ============================================
a run's ``manifest.json``    :func:`read_run_manifest`             ``run --from``
a sweep's ``manifest.json``  :func:`read_experiment_manifest`      ``sensitivity``, ``discover``, a resumed
(its ``spec.problem`` too)                                         ``sweep`` or ``compare``
a calibration's manifest     :func:`read_calibration_manifest`     ``forecast``, ``optimize --posterior``
``job.json``                 :func:`read_job`                      a resumed ``calibrate``
``posterior.parquet``        :func:`read_posterior`                ``forecast``, ``optimize --posterior``
``summary.parquet``          :func:`read_sweep_summary`            ``sensitivity``, ``discover``
``design.parquet``           :func:`read_sweep_design`             ``sensitivity`` (Morris)
an optimisation's records    :func:`read_optimize_summary`,        ``optimize`` (a finished study, its table)
                             :func:`read_pareto`
observations (CSV)           :func:`read_observations`             ``calibrate --data``
any manifest, for a report   :func:`parse_manifest`                ``report``
===========================  ====================================  ============================================

The path is checked with :func:`os.stat` first: a FIFO, a device, a socket or a directory where the file
belongs is refused before it is opened (reading a FIFO waits for a writer forever), and the file is checked
again once open, in case it was swapped meanwhile. JSON is strict (no NaN) and validated by a pydantic model;
a Parquet table's columns are checked for their names, types and values. Anything else raises
:class:`~defection.errors.ReadBackError`, whose message names the file, the field (or column and row) and
what was expected; the CLI prints it as one paragraph and exits 2. Nothing is ever written here.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import stat
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from defection.errors import ReadBackError, listing, nearest, shorten

MAX_JSON_BYTES = 10_000_000  # a run's manifest is about 20 kB; an experiment's, with its spec, a few times that
MAX_CSV_BYTES = 50_000_000  # observations are a few hundred rows
MAX_SEED = 2**63 - 1  # seeds are unsigned 64-bit stream keys; the schema's run.seed allows the same range
EDITED = "the file was edited or damaged"


# -- the door: a regular file, opened once ------------------------------------------------------------------

def kind_of(mode: int) -> str:
    """What a file system node is, in words for a message."""
    kinds = ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))
    return next((words for test, words in kinds if test(mode)), "a file")


def regular_file(path: Path | str, label: str | None = None, missing: str = "no such file") -> int:
    """The size of the regular file at ``path``; a :class:`ReadBackError` naming ``label`` (the path as the
    user knows it) if it is absent, or is a FIFO, a device, a socket or a directory. Nothing is opened."""
    label = str(path) if label is None else label
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise ReadBackError(f"{label}: {missing}.") from None
    except OSError as exc:
        raise ReadBackError(f"{label} cannot be read ({exc.strerror or exc}).") from None
    if not stat.S_ISREG(info.st_mode):
        raise ReadBackError(f"{label} is {kind_of(info.st_mode)} where a regular file belongs, so it was not "
                            "opened.")
    return info.st_size


def open_regular(path: Path | str, label: str | None = None, limit: int | None = None,
                 missing: str = "no such file") -> io.BufferedReader:
    """``path`` opened for reading, once :func:`regular_file` has accepted it (and again once open: a file
    swapped for a FIFO meanwhile is refused, and ``O_NONBLOCK`` keeps the open itself from waiting)."""
    label = str(path) if label is None else label
    size = regular_file(path, label, missing)
    if limit is not None and size > limit:
        raise ReadBackError(f"{label}: {size:,} bytes is far too large for the file the tool wrote there (at most "
                            f"{limit:,}); {EDITED}.")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ReadBackError(f"{label} cannot be read ({exc.strerror or exc}).") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ReadBackError(f"{label} became {kind_of(mode)} while it was being opened; it was not read.")
    return os.fdopen(fd, "rb")


def read_bytes(path: Path | str, label: str | None = None, limit: int = MAX_JSON_BYTES,
               missing: str = "no such file") -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit`` of them)."""
    label = str(path) if label is None else label
    with open_regular(path, label, limit, missing) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise ReadBackError(f"{label} cannot be read ({exc.strerror or exc}).") from None
    if len(data) > limit:
        raise ReadBackError(f"{label} is far too large for the file the tool wrote there; {EDITED}.")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(data: bytes, label: str) -> Any:
    """Strict JSON (no NaN or Infinity, which the tool never writes) from ``data``, the bytes of ``label``."""
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise ReadBackError(f"{label} is not JSON text (it is not UTF-8); {EDITED}.") from None
    except RecursionError:
        raise ReadBackError(f"{label}: its JSON is nested too deeply to be a file the tool wrote; {EDITED}.") from None
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise ReadBackError(f"{label} is not valid JSON ({shorten(str(exc), 160, '...')}); {EDITED}.") from None


def read_json(path: Path | str, label: str | None = None, missing: str = "no such file", advice: str = "") -> Any:
    """The JSON value in the regular file ``path``, unchecked beyond being strict JSON; ``advice`` ends a message
    saying it is not."""
    label = str(path) if label is None else label
    try:
        return parse_json(read_bytes(path, label, MAX_JSON_BYTES, missing), label)
    except ReadBackError as exc:
        if not advice:
            raise
        raise ReadBackError(f"{exc} {advice}") from None


# -- records: the fields each JSON file must hold -------------------------------------------------------------

Finite = Annotated[float, Field(allow_inf_nan=False)]
Seed = Annotated[int, Field(ge=0, le=MAX_SEED, description=f"an integer seed from 0 to {MAX_SEED:,}")]
Count = Annotated[int, Field(ge=1, description="a whole number, 1 or more")]


class Record(BaseModel):
    """A JSON object the tool wrote: the fields read are checked; others (provenance) are kept as they are."""

    model_config = ConfigDict(extra="allow", strict=True)


class ClosedRecord(Record):
    """A JSON object whose every field is known: another field is refused, naming the fields it may hold."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [key for key in data if key not in cls.model_fields]
            if unknown:
                raise ValueError(f"unknown field {listing(repr(str(k)) for k in unknown)}; its fields are "
                                 f"{', '.join(cls.model_fields)}")
        return data


def _iso_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"{shorten(repr(value), 40, '...')} is not a date (YYYY-MM-DD)") from None


class ParameterRange(ClosedRecord):
    """A varied or fitted parameter: its key, its range (a uniform prior for a fit) and whether it is whole."""

    key: str = Field(min_length=1, description="a parameter key such as crackdown.jail_days_mean")
    lo: Finite = Field(description="the low end of its range, a finite number")
    hi: Finite = Field(description="the high end of its range, a finite number above lo")
    integer: bool = Field(False, description="true or false")

    @model_validator(mode="after")
    def _ordered(self) -> "ParameterRange":
        if not self.lo < self.hi:
            raise ValueError(f"its range {self.lo:g} to {self.hi:g} is empty; lo must be below hi")
        return self


class ObservationRecord(ClosedRecord):
    """An observation a calibration was fitted to, as its manifest records it."""

    series: str = Field(min_length=1, description="a model series name")
    date: str = Field(description="a date, YYYY-MM-DD")
    day: int = Field(ge=0, description="the day of the run it falls on, 0 or more")
    value: Finite = Field(ge=0, description="a count, 0 or more")
    lower_bound: bool = Field(description="true or false")
    upper_bound: bool = Field(False, description="true or false")

    @field_validator("date")
    @classmethod
    def _date(cls, value: str) -> str:
        return _iso_date(value)


class Problem(ClosedRecord):
    """The design's parameters as SALib reads them (``spec.problem`` of a Sobol or Morris sweep)."""

    num_vars: Count = Field(description="the number of parameters, 1 or more")
    names: list[str] = Field(min_length=1, description="the parameters' keys, one per parameter")
    bounds: list[Annotated[list[Finite], Field(min_length=2, max_length=2)]] = Field(
        description="a [lo, hi] pair of finite numbers per parameter")

    @model_validator(mode="after")
    def _consistent(self) -> "Problem":
        if not len(self.names) == len(self.bounds) == self.num_vars:
            raise ValueError(f"num_vars is {self.num_vars}, but it lists {len(self.names)} names and "
                             f"{len(self.bounds)} bounds; they must agree")
        if len(set(self.names)) != len(self.names):
            raise ValueError("a parameter is named twice in names")
        empty = [n for n, (lo, hi) in zip(self.names, self.bounds) if not lo < hi]
        if empty:
            raise ValueError(f"the bounds of {listing(empty)} are empty; each lo must be below its hi")
        return self

    def salib(self) -> dict[str, Any]:
        """The problem as SALib takes it."""
        return {"num_vars": self.num_vars, "names": list(self.names), "bounds": [list(b) for b in self.bounds]}


class ExperimentSpec(Record):
    """What a sweep or a comparison was asked to run (its manifest's ``spec``)."""

    design: str | None = Field(None, description="the design's name, such as sobol")
    n_points: Count | None = Field(None, description="the number of design points, 1 or more")
    samples: int | None = Field(None, description="a whole number")
    vary: list[ParameterRange] = Field([], description="the varied parameters, each with key, lo, hi and integer")
    problem: Problem | None = Field(None, description="the design's parameters: num_vars, names and bounds")


class ExperimentManifest(Record):
    """The manifest of a sweep or a comparison."""

    kind: str = Field(description="the kind of result, such as sweep")
    status: str | None = Field(None, description="running or complete")
    seed: Seed | None = None
    scenario: dict[str, Any] = Field({}, description="the scenario as resolved, a table")
    spec_hash: str | None = Field(None, description="a hash of the specification, a string")
    spec: ExperimentSpec = Field(description="the experiment's specification, a table")

    def days(self) -> int:
        """The scenario's run.days (0 if it has none: a test function's sweep)."""
        run = self.scenario.get("run")
        days = run.get("days") if isinstance(run, dict) else None
        return days if isinstance(days, int) and not isinstance(days, bool) and days > 0 else 0


class RunManifest(Record):
    """The manifest of a ``defection run``, which ``run --from`` re-runs."""

    kind: str = Field("run", description="run")
    scenario: dict[str, Any] = Field(description="the scenario as resolved, a table")
    seed: Seed
    record: list[str] = Field([], description="a list of extra output names")


class CalibrationManifest(Record):
    """The manifest of a finished calibration."""

    kind: str = Field(description="calibration")
    scenario: dict[str, Any] = Field(description="the scenario as resolved, a table")
    seed: Seed
    fits: list[ParameterRange] = Field(min_length=1, description="the fitted parameters, each with key, lo, hi "
                                                                 "and integer")
    observations: list[ObservationRecord] = Field(description="the observations fitted to")


class Job(ClosedRecord):
    """``job.json``: what a calibration directory was asked to do (a resumed run must ask the same)."""

    scenario: dict[str, Any] = Field(description="the scenario as resolved, a table")
    data: str = Field(description="the observations' data set or CSV path")
    fits: list[ParameterRange] = Field(min_length=1, description="the fitted parameters, each with key, lo, hi "
                                                                 "and integer")
    population: int = Field(ge=2, description="particles per generation, 2 or more")
    generations: Count = Field(description="ABC-SMC generations, 1 or more")
    seed: Seed
    versions: dict[str, str] = Field({}, description="the versions of pyabc and its database, a table of strings")


class OwnManifest(Record):
    """What says which command wrote a results directory."""

    package: str | None = Field(None, description="defection")
    kind: str | None = Field(None, description="the kind of result, a string")


class ReportManifest(Record):
    """Any manifest, for ``defection report``: the fields the report shows have the types it expects."""

    kind: str | None = Field(None, description="the kind of result, a string such as run")
    package: str | None = Field(None, description="defection")
    seed: Seed | None = None
    created: str | None = Field(None, description="a date and time, a string")
    scenario: dict[str, Any] | None = Field(None, description="the scenario as resolved, a table")
    spec: dict[str, Any] | None = Field(None, description="the experiment's specification, a table")
    record: list[str] | None = Field(None, description="a list of extra output names")
    fits: list[ParameterRange] | None = Field(None, description="the fitted parameters")
    observations: list[ObservationRecord] | None = Field(None, description="the observations fitted to")
    draws: int | None = Field(None, ge=0, description="a count of draws, 0 or more")
    until: str | None = Field(None, description="a date, YYYY-MM-DD")

    @field_validator("until")
    @classmethod
    def _until(cls, value: str | None) -> str | None:
        return value if value is None else _iso_date(value)


class OptimizeManifest(Record):
    """The manifest of an optimisation: its kind and the hash of the problem it solved."""

    kind: str = Field(description="optimize")
    spec_hash: str = Field(description="a hash of the problem, a string")


class Closest(Record):
    """The candidate closest to a target none reached."""

    trial: int = Field(description="a trial number")
    statistic: Finite = Field(description="a finite number")
    budget_kyat_month: Finite = Field(description="a monthly budget in kyat")


class Spread(Record):
    """A metric of the candidate that answers a target: its statistic, mean and 10-90% range."""

    statistic: Finite = Field(description="a finite number")
    mean: Finite = Field(description="a finite number")
    p10: Finite = Field(description="a finite number")
    p90: Finite = Field(description="a finite number")


class TargetAnswer(Record):
    """One ``--target``'s answer: the least monthly budget reaching it, or the closest candidate."""

    target: str = Field(description="the target, such as capacity_drop=0.05")
    statistic: str = Field(description="mean, p10 or probability")
    met: bool = Field(description="true or false")
    closest: Closest | None = None
    metric: str | None = Field(None, description="the target's outcome, a string")
    trial: int | None = Field(None, description="a trial number")
    meeting: int | None = Field(None, ge=0, description="a count of candidates")
    candidates: int | None = Field(None, ge=0, description="a count of candidates")
    planned_kyat_month: Finite | None = Field(None, description="a monthly spend in kyat")
    budget_kyat_month: Finite | None = Field(None, description="a monthly budget in kyat")
    allocation: dict[str, Finite | None] = Field({}, description="each lever's share of the budget")
    opens: dict[str, Any] = Field({}, description="when each lever opens")

    @model_validator(mode="after")
    def _answered(self) -> "TargetAnswer":
        if self.met:
            needed = [name for name in ("metric", "trial", "meeting", "candidates", "planned_kyat_month",
                                        "budget_kyat_month") if getattr(self, name) is None]
            if needed:
                raise ValueError(f"a met target lacks the field(s) {', '.join(needed)}")
            spread = (self.model_extra or {}).get(str(self.metric))
            try:
                Spread.model_validate(spread)
            except pydantic.ValidationError:
                raise ValueError(f"its field '{self.metric}' should be a table of the numbers statistic, mean, p10 "
                                 "and p90") from None
        return self


class Answer(Record):
    """``answer.json`` (and the summary's ``answer``): what ``--target`` asked, answered."""

    statistic_meaning: str = Field(description="the statistic in words")
    answers: list[TargetAnswer] = Field(description="one answer per target")


class OptimizeSummary(Record):
    """``summary.json`` of a finished optimisation: what ``optimize`` prints when it finds one complete."""

    pareto: int = Field(ge=0, description="a count of candidates, 0 or more")
    evaluated: int = Field(ge=0, description="a count of candidates, 0 or more")
    candidates: int = Field(ge=0, description="a count of candidates, 0 or more")
    draws: int = Field(ge=0, description="a count of draws, 0 or more")
    statistic: str = Field(description="mean, p10 or probability")
    failed: int = Field(0, ge=0, description="a count of candidates, 0 or more")
    figures: list[str] = Field([], description="a list of file names")
    not_met: str | None = Field(None, description="a sentence, a string")
    answer: Answer | None = Field(None, description="the answer to --target, a table")


M = TypeVar("M", bound=BaseModel)


def _json_type(value: Any) -> str:
    return {list: "list", str: "string", bool: "boolean", int: "number", float: "number",
            type(None): "null"}.get(type(value), type(value).__name__)


def _location(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _field(model: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The pydantic FieldInfo at ``loc`` in ``model`` (list indices and optional types walked through)."""
    current: Any = model
    found = None
    for part in loc:
        if isinstance(part, int):
            continue
        model_type = _model_in(current)
        if model_type is None or part not in model_type.model_fields:
            return None
        found = model_type.model_fields[part]
        current = found.annotation
    return found


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, tuple, typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _problem(model: type[BaseModel], exc: pydantic.ValidationError) -> str:
    """The first fault pydantic found, in words: the field, what is wrong, and what was expected."""
    err = exc.errors(include_url=False)[0]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))  # drop tagged-union labels
    where = _location(loc)
    info = _field(model, loc)
    expected = f"; expected {info.description}" if info is not None and info.description else ""
    if err["type"] == "missing":
        return f"the field '{where}' is missing{expected}"
    message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    message = message.replace("Input should be", "should be")
    message = message[:1].lower() + message[1:]
    found = f" (found {shorten(repr(err['input']), 60, '...')})" if err["type"] not in ("value_error",) else ""
    subject = f"the field '{where}'" if where else "it"
    if err["type"] == "value_error" and "unknown field" in message:
        return f"{subject} has an {message}" if where else f"it has an {message}"
    if err["type"] == "value_error":
        return f"{subject}: {message}"
    return f"{subject} {message}{found}{expected}"


def validate(model: type[M], data: Any, label: str, advice: str) -> M:
    """``data`` (parsed JSON of ``label``) checked against ``model``; a :class:`ReadBackError` saying which field
    is wrong and what was expected, then ``advice``, otherwise."""
    if not isinstance(data, dict):
        fields = ", ".join(name for name, f in model.model_fields.items() if f.is_required())
        raise ReadBackError(f"{label} holds a JSON {_json_type(data)}, where an object with the fields {fields} "
                            f"belongs; {EDITED}. {advice}")
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise ReadBackError(f"{label}: {_problem(model, exc)}; {EDITED}. {advice}") from None


def load(model: type[M], path: Path | str, label: str | None = None, advice: str = "",
         missing: str = "no such file") -> M:
    """The JSON file ``path`` read through the door and validated by ``model``; ``advice`` ends any message."""
    label = str(path) if label is None else label
    return validate(model, read_json(path, label, missing, advice), label, advice)


# -- the JSON files ------------------------------------------------------------------------------------------------

RUN_ADVICE = "Give the manifest.json a `defection run` wrote beside its results."


def read_run_manifest(path: Path, label: str | None = None) -> RunManifest:
    """The manifest of a ``defection run`` (for ``run --from``): a scenario table, a seed, extra outputs."""
    label = str(path) if label is None else label
    data = read_json(path, label, advice=RUN_ADVICE)
    if isinstance(data, dict) and data.get("kind", "run") != "run":
        raise ReadBackError(f"{label}: this is the manifest of a {shorten(str(data['kind']), 40, '...')!r} job; "
                            "--from re-runs a `defection run` of a scenario (kind 'run').")
    return validate(RunManifest, data, label, RUN_ADVICE)


def _kind_check(record: Any, label: str, kinds: tuple[str, ...], what: str) -> None:
    kind = record.get("kind") if isinstance(record, dict) else None
    if isinstance(record, dict) and isinstance(kind, str) and kind not in kinds:
        raise ReadBackError(f"{label} is the manifest of a {shorten(kind, 40, '...')!r} result, not of "
                            f"{what}. Give the directory of {what}.")


def read_experiment_manifest(directory: Path, kinds: tuple[str, ...] = ("sweep", "compare")) -> ExperimentManifest:
    """The manifest of a finished experiment directory (a sweep or a comparison): its kind among ``kinds``,
    status complete, and a spec whose fields have the types they should."""
    directory = Path(directory)
    what = " or ".join(f"a `defection {k}`" for k in kinds)
    try:
        info = os.stat(directory)
    except OSError:
        raise ReadBackError(f"{directory}: no such directory. Give the --out directory of {what}.") from None
    if not stat.S_ISDIR(info.st_mode):
        raise ReadBackError(f"{directory} is {kind_of(info.st_mode)}, not a directory. Give the --out directory "
                            f"of {what}.")
    label = str(directory / "manifest.json")
    if not os.path.lexists(label):
        raise ReadBackError(f"{directory} has no manifest.json, so it is not the output of {what}.")
    advice = f"Run {what} again into a new --out directory."
    record = read_json(directory / "manifest.json", label, advice=advice)
    _kind_check(record, label, kinds, what)
    manifest = validate(ExperimentManifest, record, label, advice)
    if manifest.status != "complete":
        raise ReadBackError(f"{directory}: the {manifest.kind} is not complete (its manifest's status is "
                            f"{shorten(repr(manifest.status), 40, '...')}). Re-run the same command to finish it "
                            "first.")
    return manifest


def read_previous_manifest(path: Path) -> ExperimentManifest | None:
    """The manifest of an experiment being resumed, or None if its fields are not an experiment's (then it is
    started again only with --force: the caller treats it as a different experiment)."""
    try:
        return load(ExperimentManifest, path)
    except ReadBackError:
        return None


def sobol_or_morris_problem(manifest: ExperimentManifest, label: str) -> Problem:
    """The ``spec.problem`` of a Sobol or Morris sweep, with its ``n_points``, checked against the varied keys."""
    spec = manifest.spec
    advice = "Run the sweep again into a new --out directory."
    if spec.problem is None:
        raise ReadBackError(f"{label}: the field 'spec.problem' is missing; expected the design's parameters "
                            f"(num_vars, names and bounds), which a {spec.design} sweep records; {EDITED}. {advice}")
    if spec.n_points is None:
        raise ReadBackError(f"{label}: the field 'spec.n_points' is missing; expected the number of design points, "
                            f"1 or more; {EDITED}. {advice}")
    per_sample = spec.problem.num_vars + (2 if spec.design == "sobol" else 1)  # N(D+2) or N(D+1) points
    if spec.n_points % per_sample:
        raise ReadBackError(f"{label}: the field 'spec.n_points' is {spec.n_points}; expected a multiple of "
                            f"{per_sample} for a {spec.design} design of {spec.problem.num_vars} parameters; "
                            f"{EDITED}. {advice}")
    keys = [v.key for v in spec.vary]
    if keys and keys != spec.problem.names:
        raise ReadBackError(f"{label}: the field 'spec.problem.names' ({listing(spec.problem.names)}) does not match "
                            f"the varied parameters in 'spec.vary' ({listing(keys)}); {EDITED}. {advice}")
    return spec.problem


def varied_keys(manifest: ExperimentManifest, label: str) -> list[str]:
    """The keys a sweep varied (``spec.vary``), at least one."""
    if not manifest.spec.vary:
        raise ReadBackError(f"{label}: the field 'spec.vary' is missing or empty; expected the varied parameters, "
                            f"each with key, lo, hi and integer; {EDITED}. {SWEEP_ADVICE}")
    return [v.key for v in manifest.spec.vary]


def read_calibration_manifest(directory: Path, observations: bool = True) -> CalibrationManifest:
    """The manifest of a finished calibration: its scenario, seed, fitted parameters and observations (at least
    one, if ``observations``: a forecast draws them; the draws of ``optimize --posterior`` do not need them)."""
    directory = Path(directory)
    label = str(directory / "manifest.json")
    advice = "Give the directory of a finished `defection calibrate`, or run the calibration again."
    if not directory.is_dir():
        raise ReadBackError(f"{directory} is not a directory. {advice}")
    if not os.path.lexists(label):
        raise ReadBackError(f"{directory} has no manifest.json, so it is not a finished calibration (it needs "
                            "manifest.json and posterior.parquet, written by `defection calibrate`).")
    record = read_json(directory / "manifest.json", label, advice=advice)
    _kind_check(record, label, ("calibration",), "a `defection calibrate`")
    manifest = validate(CalibrationManifest, record, label, advice)
    if observations and not manifest.observations:
        raise ReadBackError(f"{label}: the field 'observations' is empty; expected the observations the calibration "
                            f"was fitted to, at least one; {EDITED}. {advice}")
    return manifest


def read_job(path: Path) -> Job:
    """A calibration's ``job.json``."""
    return load(Job, path, advice=f"{path.parent} cannot be resumed; it was left as it is. Use a new --out "
                                  "directory.")


def read_optimize_summary(directory: Path) -> OptimizeSummary:
    """``summary.json`` of a finished optimisation."""
    return load(OptimizeSummary, Path(directory) / "summary.json",
                advice="Pass --force to run the optimisation again, or choose a new --out.")


def parse_manifest(data: bytes, label: str) -> dict[str, Any]:
    """A manifest's bytes (read by the report, without following links) as a checked mapping."""
    record = validate(ReportManifest, parse_json(data, label), label,
                      "Give a directory written by defection run, sweep, compare, calibrate, forecast or optimize, "
                      "or restore its manifest.json.")
    return record.model_dump(exclude_unset=True)


def owner_problem(path: Path, kinds: tuple[str, ...], command: str) -> str | None:
    """Why the manifest at ``path`` does not show that ``command`` (kinds ``kinds``) wrote its directory, or None."""
    name = Path(path).name
    try:
        record = read_json(path)
    except ReadBackError as exc:
        reason = str(exc).removeprefix(str(path)).lstrip(": ")
        return f"its {name} does not read back: {shorten(reason, 160, '...')}"
    try:
        own = OwnManifest.model_validate(record) if isinstance(record, dict) else None
    except pydantic.ValidationError:
        own = None
    if own is None or own.package != "defection" or own.kind not in kinds:
        named = f" (its kind is {shorten(own.kind, 40, '...')!r})" if own is not None and own.kind else ""
        return f"its {name} was not written by `{command}`{named}"
    return None


# -- Parquet tables ------------------------------------------------------------------------------------------------

def read_parquet(path: Path | str, label: str | None = None, missing: str = "no such file",
                 advice: str = "") -> Any:
    """A Parquet file read through the door, as an Arrow table (its columns not yet checked)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    label = str(path) if label is None else label
    try:
        fh = open_regular(path, label, missing=missing)
    except ReadBackError as exc:
        raise ReadBackError(f"{exc} {advice}".rstrip()) from None
    with fh:
        try:
            return pq.read_table(fh)
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise ReadBackError(f"{label} is not a Parquet table ({shorten(str(exc), 160, '...')}); {EDITED}. "
                                f"{advice}".rstrip()) from None


@dataclass(frozen=True)
class Column:
    """What a column must hold: ``integer`` (whole numbers, no nulls), ``finite`` (numbers, no null, NaN or
    infinity) or ``number`` (numbers; NaN or null stands for "undefined")."""

    name: str
    kind: str
    meaning: str


def check_columns(table: Any, columns: list[Column], label: str, advice: str) -> None:
    """Each of ``columns`` present in ``table`` with the values it must hold."""
    import numpy as np
    import pyarrow as pa

    for col in columns:
        if col.name not in table.column_names:
            raise ReadBackError(f"{label}: the column '{col.name}' is missing; expected {col.meaning}; {EDITED}. "
                                f"{advice}")
        dtype = table.schema.field(col.name).type
        numeric = pa.types.is_integer(dtype) or pa.types.is_floating(dtype)
        if not numeric or (col.kind == "integer" and not pa.types.is_integer(dtype)):
            wanted = "whole numbers" if col.kind == "integer" else "numbers"
            raise ReadBackError(f"{label}: the column '{col.name}' holds {dtype} values; expected {wanted} "
                                f"({col.meaning}); {EDITED}. {advice}")
        if col.kind == "number":
            continue
        values = table.column(col.name).to_numpy(zero_copy_only=False).astype(float)
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            raise ReadBackError(f"{label}: the column '{col.name}', row {int(bad[0]) + 1}, holds "
                                f"{'no value' if np.isnan(values[bad[0]]) else values[bad[0]]}; expected a finite "
                                f"number ({col.meaning}); {EDITED}. {advice}")


def read_posterior(path: Path, ranges: dict[str, tuple[float, float]]) -> Any:
    """``posterior.parquet``: one row per particle, a column per fitted parameter (inside its prior's range,
    ``ranges``) and ``weight`` (non-negative, not all zero). Returned with those columns only, as floats."""
    import numpy as np
    import pyarrow as pa

    label = str(path)
    advice = "Run the calibration again (the same command resumes it and writes the posterior anew)."
    table = read_parquet(path, label, missing=f"no such file, so {Path(path).parent} is not a finished calibration "
                                              "(it needs manifest.json and posterior.parquet, written by "
                                              "`defection calibrate`)", advice=advice)
    columns = [Column(key, "finite", f"the particles' values of the fitted parameter {key}") for key in ranges]
    check_columns(table, [*columns, Column("weight", "finite", "the particles' weights, 0 or more")], label, advice)
    if table.num_rows == 0:
        raise ReadBackError(f"{label} holds no particles; expected at least one; {EDITED}. {advice}")
    weights = table.column("weight").to_numpy(zero_copy_only=False).astype(float)
    negative = np.flatnonzero(weights < 0)
    if len(negative):
        raise ReadBackError(f"{label}: the column 'weight', row {int(negative[0]) + 1}, holds "
                            f"{weights[negative[0]]:g}; expected a weight of 0 or more; {EDITED}. {advice}")
    if not weights.sum() > 0:
        raise ReadBackError(f"{label}: the column 'weight' is all zero; expected at least one positive weight, so "
                            f"that particles can be drawn; {EDITED}. {advice}")
    for key, (lo, hi) in ranges.items():
        values = table.column(key).to_numpy(zero_copy_only=False).astype(float)
        outside = np.flatnonzero((values < lo) | (values > hi))
        if len(outside):
            raise ReadBackError(f"{label}: the column '{key}', row {int(outside[0]) + 1}, holds "
                                f"{values[outside[0]]:g}, outside the fitted range {lo:g} to {hi:g}; {EDITED}. "
                                f"{advice}")
    return pa.table({name: table.column(name).cast(pa.float64()) for name in [*ranges, "weight"]})


SWEEP_ADVICE = "Run the sweep again into a new --out directory."


def read_sweep_summary(directory: Path, keys: list[str], n_points: int | None) -> Any:
    """A sweep's ``summary.parquet``: ``run``, ``point`` and ``replicate`` as whole numbers (``point`` below
    ``n_points``), a finite column per varied key, and every outcome numeric (NaN is "undefined")."""
    import numpy as np

    path = Path(directory) / "summary.parquet"
    label = str(path)
    table = read_parquet(path, label, advice=SWEEP_ADVICE)
    index = [Column(name, "integer", meaning) for name, meaning in (
        ("run", "each run's number"), ("point", "each run's design point"), ("replicate", "each run's replicate"))]
    varied = [Column(key, "finite", f"each run's value of {key}") for key in keys]
    outcomes = [Column(name, "number", "an outcome of each run") for name in table.column_names
                if name not in {c.name for c in index + varied}]
    check_columns(table, index + varied + outcomes, label, SWEEP_ADVICE)
    if n_points is not None and table.num_rows:
        points = table.column("point").to_numpy()
        bad = np.flatnonzero((points < 0) | (points >= n_points))
        if len(bad):
            raise ReadBackError(f"{label}: the column 'point', row {int(bad[0]) + 1}, holds {int(points[bad[0]])}; "
                                f"expected a design point from 0 to {n_points - 1}; {EDITED}. {SWEEP_ADVICE}")
    return table


def read_sweep_design(directory: Path, names: list[str], n_points: int) -> Any:
    """A sweep's ``design.parquet``, with each point's first replicate once: its values of ``names``, by point."""
    import numpy as np
    import pyarrow.compute as pc

    path = Path(directory) / "design.parquet"
    label = str(path)
    table = read_parquet(path, label, advice=SWEEP_ADVICE)
    check_columns(table, [Column("point", "integer", "each run's design point"),
                          Column("replicate", "integer", "each run's replicate"),
                          *(Column(n, "finite", f"each run's value of {n}") for n in names)], label, SWEEP_ADVICE)
    first = table.filter(pc.equal(table.column("replicate"), 0)).sort_by("point")
    points = first.column("point").to_numpy()
    if not np.array_equal(points, np.arange(n_points)):
        raise ReadBackError(f"{label}: the column 'point' of the first replicate does not run once through 0 to "
                            f"{n_points - 1}; expected one row per design point; {EDITED}. {SWEEP_ADVICE}")
    return first


PARETO_COLUMNS = ("trial", "budget_kyat_month", "planned_kyat_month", "capacity_drop", "capacity_drop_p10",
                  "capacity_drop_p90", "cost_mean")


def read_pareto(directory: Path) -> Any:
    """``pareto.parquet`` of an optimisation: the columns ``optimize`` prints, as numbers."""
    path = Path(directory) / "pareto.parquet"
    advice = "Pass --force to run the optimisation again, or choose a new --out."
    table = read_parquet(path, advice=advice)
    check_columns(table, [Column("trial", "integer", "each candidate's trial number"),
                          *(Column(name, "number", "a candidate's outcome or spend") for name in PARETO_COLUMNS[1:])],
                  str(path), advice)
    return table


# -- observations ----------------------------------------------------------------------------------------------------

BOUNDS = ("point", "lower", "upper")  # a count as reported, at least it, at most it; empty means point


@dataclass(frozen=True)
class ObservedRow:
    """One row of an observations file, checked: ``row`` counts data rows from 1, ``line`` is its line."""

    row: int
    line: int
    date: dt.date
    series: str
    value: float
    bound: str
    scope: str


def read_observations(path: Path | str, label: str) -> list[ObservedRow]:
    """The rows of an observations CSV (``date, series, value`` and optional ``bound``, ``scope``), each value
    checked: a date, a series name, a count that is a finite number of 0 or more, and a bound word of
    :data:`BOUNDS`. ``label`` names the file in messages (``--data FILE``)."""
    with open_regular(path, label, MAX_CSV_BYTES) as fh:
        try:
            text = fh.read(MAX_CSV_BYTES + 1).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ReadBackError(f"{label}: not a CSV text file (it is not UTF-8 text). Give a CSV with columns "
                                "date, series, value, bound.") from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = reader.fieldnames or []
        raw = [(reader.line_num, r) for r in reader]
    except csv.Error as exc:
        raise ReadBackError(f"{label} is not a CSV file ({exc}). Give a CSV with columns date, series, value, "
                            "bound.") from None
    missing = {"date", "series", "value"} - set(fields)
    if missing:
        raise ReadBackError(f"{label}: the CSV lacks column(s) {', '.join(sorted(missing))}. Give a CSV with columns "
                            "date, series, value and, optionally, bound (point, lower or upper) and scope.")
    return [_observed_row(k, line, r, label) for k, (line, r) in enumerate(raw, start=1)]


def _observed_row(row: int, line: int, r: dict[str | None, Any], label: str) -> ObservedRow:
    def fault(column: str, problem: str) -> ReadBackError:
        return ReadBackError(f"{label}, row {row} (line {line}), column '{column}': {problem}. Correct that value "
                             "or drop the row.")

    def cell(column: str, required: bool = True) -> str:
        value = r.get(column)
        if value is None:
            if required:
                raise fault(column, "the row ends before it; expected a value")
            return ""
        return str(value).strip()

    date_text, series, value_text = cell("date"), cell("series"), cell("value")
    try:
        date = dt.date.fromisoformat(date_text)
    except ValueError:
        raise fault("date", f"{shorten(repr(date_text), 40, '...')} is not a date; expected YYYY-MM-DD, e.g. "
                            "2021-03-15") from None
    if not series:
        raise fault("series", "it is empty; expected a series name, e.g. civilians_killed")
    try:
        value = float(value_text.replace(",", "").replace("_", ""))
    except ValueError:
        raise fault("value", f"{shorten(repr(value_text), 40, '...')} is not a number; expected a count, e.g. "
                             "183") from None
    if math.isnan(value):
        raise fault("value", f"{value_text!r} is not a number (NaN); expected a count, e.g. 183")
    if math.isinf(value):
        raise fault("value", f"{value_text!r} is infinite; expected a finite count, e.g. 183")
    if value < 0:
        raise fault("value", f"{value_text} is negative; expected a count, 0 or more")
    bound = cell("bound", required=False).lower() or "point"
    if bound not in BOUNDS:
        hit = nearest(bound, BOUNDS)
        raise fault("bound", f"{shorten(repr(bound), 40, '...')} is not a bound word"
                             + (f" (did you mean '{hit}'?)" if hit else "")
                             + "; expected point (the count as reported), lower (at least it) or upper (at most it)")
    return ObservedRow(row, line, date, series, value, bound, cell("scope", required=False) or "national")
