"""Layering of experiments/ and report/: no import cycles, the report never imports an experiment (so it runs
no simulations), and model-specific steps live behind the SimModel interface."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import defection

PACKAGE = Path(defection.__file__).parent


def imports(path: Path) -> set[str]:
    """Every defection module ``path`` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)  # `from pkg import module`
    return {name for name in found if name.startswith("defection.")}


def module_graph(package: str) -> dict[str, set[str]]:
    folder = PACKAGE / package.removeprefix("defection.").replace(".", "/")
    modules = {f"{package}.{p.stem}": p for p in folder.glob("*.py") if p.stem != "__init__"}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_experiments_modules_import_each_other_without_cycles():
    graph = module_graph("defection.experiments")
    assert {"defection.experiments._dask", "defection.experiments.executor"} <= set(graph)
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            assert state.get(nxt) != "open", f"import cycle: {' -> '.join([*path, node, nxt])}"
            if nxt not in state:
                visit(nxt, [*path, node])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


# The one definition of each finding, which the report's findings table calls; it imports no simulation code.
REPORT_MAY_USE = {"defection.experiments", "defection.experiments.findings"}


def test_the_report_imports_no_experiment_and_runs_no_simulation():
    for path in (PACKAGE / "report").glob("*.py"):
        used = imports(path)
        assert not any(m.startswith("defection.experiments") for m in used - REPORT_MAY_USE), path.name
        assert not {"defection.api", "defection.model", "defection.engine.loop"} & used, path.name


def test_the_findings_the_report_calls_import_nothing_of_the_project():
    """So the report, which reads files only, can call them: no model, engine, API or other experiment."""
    assert imports(PACKAGE / "experiments" / "findings.py") == set()
    assert not imports(PACKAGE / "experiments" / "__init__.py")


def test_only_the_models_module_knows_which_model_is_which():
    for path in (PACKAGE / "experiments").glob("*.py"):
        if path.name in ("models.py", "ema.py", "calibration.py"):  # ema and calibration drive the model itself
            continue
        assert '== "defection"' not in path.read_text(encoding="utf-8"), path.name


# The architecture as layers, lowest first (README "Layout"): a module may import its own layer and those below.
LAYERS = (
    ("errors", "i18n", "vocabulary", "formatting", "terminal", "currency", "data", "scenarios"),
    ("engine",),
    ("model", "classic"),
    ("api", "experiments", "report", "dashboard"),
    ("cli",),
)
# Within the top layer the report stands alone: it never imports the dashboard, an experiment (but the findings'
# definitions) or the simulating API (``api`` saves a run's overview figure through the report, not the other way round).
FORBIDDEN = {"report": {"dashboard", "api"}}  # and every experiment but findings (above)


def layer_of(module: str) -> tuple[int, str]:
    part = module.removeprefix("defection.").split(".")[0]
    for level, names in enumerate(LAYERS):
        if part in names:
            return level, part
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def layering_violations(package: Path) -> list[str]:
    """Each import in the package at ``package`` (a folder named defection) that breaks LAYERS or FORBIDDEN."""
    found = []
    for path in sorted(package.rglob("*.py")):
        here = "defection." + ".".join(path.relative_to(package).with_suffix("").parts)
        if here in ("defection.__init__", "defection.__main__"):
            continue
        level, part = layer_of(here)
        for used in sorted(imports(path)):
            if used.removeprefix("defection.").split(".")[0] in ("__version__",):
                continue
            their_level, their_part = layer_of(used)
            if their_level > level:
                found.append(f"{here} (layer {level}) imports {used} (layer {their_level})")
            elif their_part in FORBIDDEN.get(part, ()):
                found.append(f"{here} imports {used}")
    return found


def test_nothing_below_imports_from_above():
    assert layering_violations(PACKAGE) == []


def test_the_layering_check_catches_an_upward_import(tmp_path):
    """A synthetic package: the engine importing the CLI, inside a function, and the report importing the
    dashboard break the layers; the model importing the engine does not."""
    package = tmp_path / "defection"
    sources = {"engine/leak.py": "def late():\n    from defection.cli import main\n",
               "report/peek.py": "import defection.dashboard.app\n",
               "model/fine.py": "from defection.engine import Simulation\n"}
    for name, source in sources.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(source, encoding="utf-8")
    assert layering_violations(package) == [
        "defection.engine.leak (layer 1) imports defection.cli (layer 4)",
        "defection.engine.leak (layer 1) imports defection.cli.main (layer 4)",
        "defection.report.peek imports defection.dashboard.app"]
    with pytest.raises(AssertionError, match="in no layer"):
        layer_of("defection.nowhere")
