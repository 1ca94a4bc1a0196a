"""The README stays true: its Python example runs, its opening commands are the ones CI uses, and every `defection`
command in it and in docs/ is one the CLI accepts."""
from __future__ import annotations

import functools
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


def documented_commands(text: str) -> list[list[str]]:
    """The ``defection`` command lines in the code blocks of a Markdown ``text``, as argument lists (without the
    program): continuation lines joined, comments dropped, and ``$NAME`` taken from a ``NAME=value`` line above
    it in the same block."""
    import shlex

    commands = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        assigned: dict[str, str] = {}
        for line in block.replace("\\\n", " ").splitlines():
            if not re.match(r"\s*(\.venv/bin/defection|defection|[A-Z_]+=\S*$)", line):
                continue  # prose, Python or another program
            words = shlex.split(line, comments=True)
            if words[0].split("/")[-1] != "defection":
                name, value = words[0].split("=", 1)
                assigned[name] = value
                continue
            commands.append([re.sub(r"\$(\w+)", lambda m: assigned.get(m.group(1), m.group(0)), w) for w in words[1:]])
    return commands


@functools.cache
def cli_group():
    """The CLI as a click group (typer's own copy of click: its classes, not the click package's)."""
    import typer

    from defection import cli

    return typer.main.get_command(cli.app)


def parse_error(args: list[str]) -> str | None:
    """Why the CLI would refuse ``args`` before running anything (unknown command or option, a value of the
    wrong type, a missing argument), or None: click parses them as ``defection`` would, and runs nothing."""
    import typer

    group = cli_group()
    root = group.context_class(group, info_name="defection")
    command = group.get_command(root, args[0]) if args else None
    if command is None:
        return f"no command {args[:1]}"
    try:
        command.make_context(args[0], list(args[1:]), parent=root)
    except typer.Exit:
        return None  # --help and the like
    except Exception as exc:  # noqa: BLE001 - a usage error of typer's click, whose classes are private
        if not hasattr(exc, "format_message"):
            raise
        return exc.format_message()
    return None


def test_every_documented_command_parses_as_written():
    """Every ``defection`` command in the README and docs/ is one the CLI accepts: its command, options and
    values exist and have the right types (running them all would take hours: the README's answer alone takes
    half an hour)."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    commands = [(page.name, args) for page in pages for args in documented_commands(page.read_text(encoding="utf-8"))]
    assert len(commands) >= 40 and {args[0] for _, args in commands} >= {
        "run", "sweep", "compare", "sensitivity", "discover", "calibrate", "forecast", "optimize", "report", "serve"}
    refused = [(page, " ".join(args), why) for page, args in commands if (why := parse_error(args))]
    assert not refused, refused


def test_a_command_the_cli_would_refuse_is_caught():
    """The check above can fail: a misspelt option, a word for a number and an unknown command are refused."""
    text = "```\ndefection run --seeds 3\nN=many\ndefection sweep --samples $N\ndefection simulate\n```\n"
    commands = documented_commands(text)
    assert commands == [["run", "--seeds", "3"], ["sweep", "--samples", "many"], ["simulate"]]
    assert all(parse_error(args) for args in commands)
    assert parse_error(["run", "--seed", "3"]) is None
