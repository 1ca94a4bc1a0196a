"""`defection export-ema` writes scenario text into the generated module as data only, never as code."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from defection import scenarios
from defection.experiments.ema import export_script

EXE = Path(sys.executable).with_name("defection")
VARY = ["decision.w_ties"]
# what breaks naive code generation: quotes of every kind, backslashes, line ends, NUL, braces, non-ASCII
NASTY = st.sampled_from(['"""', "'''", '"', "'", "\\", "\n", "\r", "\x00", "{", "}", "#", "\u2028", "ရဲ", "\U0001f600",
                         "import os; open('pwned.txt','w').write('ran')", ")\nprint(1)\n("])
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=8)), max_size=8).map("".join)


class _Shape(ast.NodeTransformer):
    """Blank out every constant, so two modules compare equal when only their data differ."""

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        return ast.copy_location(ast.Constant(value=None), node)


def _shape(source: str) -> str:
    return ast.dump(_Shape().visit(ast.parse(source)))


def _generate(path: Path, name: str, description: str = "") -> str:
    sc = scenarios.from_dict({"name": name, "description": description})
    export_script(sc, path, vary=VARY, force=True)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plain_shape(tmp_path_factory) -> str:
    return _shape(_generate(tmp_path_factory.mktemp("plain") / "ema_plain.py", "plain"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=TEXT, description=TEXT)
def test_generated_module_holds_only_the_template_statements(tmp_path: Path, plain_shape: str, name: str,
                                                            description: str):
    source = _generate(tmp_path / "ema_fuzz.py", name, description)
    tree = ast.parse(source)  # parses at all
    assert _shape(source) == plain_shape  # the same statements as for a plain name; only constants differ
    values = {node.targets[0].id: node.value for node in tree.body
              if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}
    assert ast.literal_eval(values["SCENARIO_NAME"]) == name  # the name is carried exactly, as a literal


def test_issue_reproduction_runs_no_code(tmp_path: Path):
    """The issue's evil.toml: its name closed the old docstring and the import wrote pwned.txt."""
    evil = "name = '''x\"\"\"\nimport os; open('pwned.txt','w').write('ran')\n\"\"\"'''\n"
    (tmp_path / "evil.toml").write_text(evil, encoding="utf-8")
    res = subprocess.run([str(EXE), "export-ema", "evil.toml", "--vary", "decision.w_ties", "--out", "ema_evil.py"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    res = subprocess.run([sys.executable, "-c", "import ema_evil; print(repr(ema_evil.SCENARIO_NAME))"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env)
    assert not (tmp_path / "pwned.txt").exists(), "importing the generated module ran the scenario's text"
    assert res.returncode == 0, res.stderr
    expected = "x\"\"\"\nimport os; open('pwned.txt','w').write('ran')\n\"\"\""
    assert res.stdout.strip() == repr(expected)
