"""The documentation site builds with ``mkdocs build --strict`` (offline), its pages say what they promise,
and the tutorial notebook runs from a fresh kernel (nbmake), so neither can go stale."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOK = DOCS / "tutorial.ipynb"
COMMANDS = ("run", "sweep", "compare", "optimize", "sensitivity", "discover", "export-ema", "calibrate", "forecast", "report",
            "serve")


def build_site(project: Path, site: Path) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of the project at ``project`` into ``site``; the completed process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # the end-of-life banner of mkdocs-material, not ours
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=project, capture_output=True, text=True, timeout=300, env=env, check=False)


def run_notebook(notebook: Path, workdir: Path) -> subprocess.CompletedProcess:
    """Execute ``notebook`` from a fresh kernel through nbmake, in a pytest of its own (the suite's
    testpaths never collect notebooks, so this is the notebook's only run)."""
    return subprocess.run([sys.executable, "-m", "pytest", "--nbmake", "--nbmake-timeout=600", "-q",
                           "-p", "no:cacheprovider", "--rootdir", str(workdir), str(notebook)],
                          cwd=workdir, capture_output=True, text=True, timeout=900, check=False)


def test_site_builds_strict_and_offline(tmp_path):
    site = tmp_path / "site"
    done = build_site(ROOT, site)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home, "theme.font must stay false: the site is read offline"
    for command in COMMANDS:
        assert (site / "commands" / command / "index.html").exists(), f"no page for `defection {command}`"
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("defection.run", "defection.resolve", "defection.Result", "defection.load_scenario",
                 "defection.model.decision", "defection.model.support"):
        assert f'id="{name}"' in api, f"{name} is missing from the API reference"
    assert (site / "tutorial.ipynb").exists(), "the notebook is downloadable from the site"


def test_strict_build_fails_on_a_broken_link(tmp_path):
    """The build above can fail: the same configuration refuses a page that links to a missing one."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project)
    shutil.copy(ROOT / "CHANGELOG.md", project)
    shutil.copytree(DOCS, project / "docs")
    page = project / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [a page that is gone](gone.md).\n", encoding="utf-8")
    done = build_site(project, tmp_path / "site")
    assert done.returncode != 0 and "gone.md" in done.stdout + done.stderr


def test_every_command_page_documents_options_example_outputs_and_exit_codes():
    for command in COMMANDS:
        text = (DOCS / "commands" / f"{command}.md").read_text(encoding="utf-8")
        for heading in ("## What it does", "## Options", "## Example", "## Outputs", "## Exit codes"):
            assert heading in text, f"docs/commands/{command}.md lacks {heading!r}"
        for code in ("| 0 |", "| 2 |", "| 3 |", "| 130 |"):
            assert code in text, f"docs/commands/{command}.md lacks exit code {code}"


def test_getting_started_is_short_and_its_python_runs(tmp_path, monkeypatch, capsys):
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\w*\n(.*?)```", text, re.DOTALL)
    assert sum(len(b.strip().splitlines()) for b in blocks) <= 30, "the getting-started page's code fits in 30 lines"
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)
    monkeypatch.chdir(tmp_path)  # it saves into runs/policy
    exec(compile(code, "docs/index.md", "exec"), {})  # noqa: S102 - our own page, not user input
    assert "more defections by 31 Dec 2021" in capsys.readouterr().out
    assert {"timeseries.parquet", "summary.json", "overview.png", "manifest.json"} <= \
        {p.name for p in (tmp_path / "runs" / "policy").iterdir()}


def test_tutorial_page_shows_the_notebooks_code():
    """docs/tutorial.md is the site's copy of the notebook: every code cell must appear in it verbatim."""
    page = (DOCS / "tutorial.md").read_text(encoding="utf-8")
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    assert code, "the tutorial has code cells"
    for source in code:
        assert source in page, f"docs/tutorial.md is out of date with the notebook; missing:\n{source}"


@pytest.mark.slow  # executes the whole tutorial notebook
def test_tutorial_notebook_runs(tmp_path):
    done = run_notebook(NOTEBOOK, tmp_path)
    assert done.returncode == 0, f"the tutorial notebook failed:\n{done.stdout[-4000:]}\n{done.stderr[-2000:]}"
    assert "1 passed" in done.stdout


def test_a_failing_notebook_fails(tmp_path):
    """The notebook run above can fail: a cell that raises makes nbmake report a failure."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    notebook["cells"] = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                          "source": "raise RuntimeError('broken tutorial')"}]
    broken = tmp_path / "broken.ipynb"
    broken.write_text(json.dumps(notebook), encoding="utf-8")
    done = run_notebook(broken, tmp_path)
    assert done.returncode != 0 and "broken tutorial" in done.stdout


@pytest.mark.parametrize("name", ["LICENSE", "CITATION.cff", "CHANGELOG.md"])
def test_project_files_exist(name):
    assert (ROOT / name).read_text(encoding="utf-8").strip()
