"""The README stays true: its Python example runs, and its opening commands are the ones CI uses."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_example_runs_and_shows_the_policy_effect(capsys):
    code = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README, not user input
    assert namespace["extra"] > 0, "more protection and livelihoods, more defections"
    assert "more defections by 31 Jan 2023" in capsys.readouterr().out


def test_opening_commands_install_run_and_test():
    block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert block[0] == 'python3 -m venv .venv && .venv/bin/pip install -e ".[test,peer]" && .venv/bin/defection run'
    assert block[1] == ".venv/bin/python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text()
    assert '.venv/bin/pip install --quiet -e ".[test,peer]"' in ci and ".venv/bin/python -m pytest" in ci
