"""Inputs and environments that used to end in a traceback (issue 11, item 6) get exit code 2 and one
bounded paragraph that names the option or path at fault; Ctrl-C gets exit 130 and its message."""
from __future__ import annotations

import errno
import json
import math
from pathlib import Path

import numpy as np
import pytest

from defection import api, cli, scenarios
from defection.errors import ResourceError, ScenarioError
from common import assert_one_paragraph, run_cli_raw


# --- scenario files -----------------------------------------------------------------------------------------


def test_deeply_nested_toml_is_refused(in_tmp, monkeypatch, capsys):
    (in_tmp / "nested.toml").write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    code, text = run_cli_raw(["run", "nested.toml", "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "nested.toml", "too deeply")


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n"])
def test_empty_scenario_file_is_refused_not_run_as_the_builtin(content, in_tmp, monkeypatch, capsys):
    (in_tmp / "empty.toml").write_text(content)
    code, text = run_cli_raw(["run", "empty.toml", "--days", "2", "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "empty.toml", "holds no settings")
    assert not (in_tmp / "o").exists()


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'name = "with a BOM"\n[run]\ndays = 7\n')
    sc = scenarios.load(str(path))
    assert sc.name == "with a BOM" and sc.run.days == 7


def test_two_million_unknown_keys_give_a_short_message(in_tmp, monkeypatch, capsys):
    (in_tmp / "keys.toml").write_text("\n".join(f"k{i} = 1" for i in range(2_000_000)))
    code, text = run_cli_raw(["run", "keys.toml", "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "keys.toml", "a scenario is a few kilobytes")


def test_many_unknown_keys_in_a_table_are_listed_briefly():
    data = {"run": {f"key{i}": 1 for i in range(200_000)}}
    with pytest.raises(ScenarioError) as exc:
        scenarios.from_dict(data)
    message = str(exc.value)
    assert len(message) < 600, len(message)
    assert "200,000 keys at run are not known parameters" in message and "and 199,995 more" in message


def test_an_override_is_blamed_for_its_own_invalid_value(monkeypatch, capsys):
    code, text = run_cli_raw(["run", "--set", "regime.p_detect=2"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "--set regime.p_detect=2:", "less than or equal to 1")
    assert "built-in scenario" not in text
    with pytest.raises(ScenarioError, match=r"^--days 0: 'run.days' = 0"):
        api.resolve(days=0)


# --- options that were ignored or accepted silently --------------------------------------------------------


@pytest.mark.parametrize("args, words", [
    (["run", "epstein", "--seed", "-1", "--steps", "3"], ["--seed -1", "from 0"]),
    (["run", "--seed", "-1"], ["--seed -1", "from 0"]),
    (["run", "granovetter-network", "--seed", "-5"], ["--seed -5"]),
    (["run", "--steps", "5"], ["--steps is for the classic models", "--days"]),
    (["run", "epstein", "--days", "5"], ["classic model", "--steps"]),
    (["calibrate", "--workers", "-2"], ["--workers -2", "1 or more"]),
    (["calibrate", "--workers", "0"], ["--workers 0", "1 or more"]),
    (["sweep", "--workers", "-1"], ["--workers -1"]),
    (["compare", "--workers", "-3"], ["--workers -3"]),
])
def test_options_out_of_range_or_ignored_are_refused(args, words, in_tmp, monkeypatch, capsys):
    code, text = run_cli_raw([*args, "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, *words)
    assert not (in_tmp / "o").exists()


@pytest.mark.parametrize("extra", [["--days", "5"], ["--seed", "3"], ["--set", "support.outreach=0.6"],
                                   ["--scale", "100"], ["--steps", "9"]])
def test_from_refuses_options_it_would_ignore(extra, in_tmp, monkeypatch, capsys):
    (in_tmp / "manifest.json").write_text(json.dumps({"kind": "run", "scenario": {}, "seed": 0}))
    code, text = run_cli_raw(["run", "--from", "manifest.json", *extra, "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "--from", extra[0], "cannot be combined")


@pytest.mark.parametrize("record", [
    {"scenario": {}, "seed": "abc"}, {"scenario": {}, "seed": None}, {"scenario": {}, "seed": [1]},
    {"scenario": {}, "seed": -4}, {"scenario": {}, "seed": 1.5}, {"scenario": {}, "seed": True},
    {"scenario": [], "seed": 1}, {"scenario": {}, "seed": 1, "record": "regions"},
    {"scenario": {}, "seed": 1, "kind": "classic"},
])
def test_damaged_manifests_are_refused(record, in_tmp, monkeypatch, capsys):
    (in_tmp / "manifest.json").write_text(json.dumps(record))
    code, text = run_cli_raw(["run", "--from", "manifest.json", "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "--from manifest.json")


def test_deeply_nested_manifest_is_refused(in_tmp, monkeypatch, capsys):
    (in_tmp / "manifest.json").write_text('{"seed": 0, "scenario": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code, text = run_cli_raw(["run", "--from", "manifest.json", "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "--from manifest.json")


def test_calibration_data_that_is_not_text_is_refused(in_tmp, monkeypatch, capsys):
    (in_tmp / "binary.toml").write_bytes(bytes(range(256)) * 4)
    code, text = run_cli_raw(["calibrate", "--data", "binary.toml", "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "--data binary.toml", "not UTF-8")


# --- outputs that cannot be written ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "r"
    api.run(days=3).save(out)
    return out


@pytest.mark.parametrize("command", [
    ["run", "--days", "2", "--out", "{file}/x"],
    ["export-ema", "--out", "{file}/x.py"],
    ["report", "{run}", "--out", "{file}/x.html"],
])
def test_an_output_under_a_file_is_refused(command, small_run, in_tmp, monkeypatch, capsys):
    (in_tmp / "FILE").write_text("a file, not a directory")
    args = [a.format(file="FILE", run=small_run) for a in command]
    code, text = run_cli_raw(args, monkeypatch, capsys)
    assert_one_paragraph(code, text, "FILE")
    assert (in_tmp / "FILE").read_text() == "a file, not a directory"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where nothing can be created")
@pytest.mark.parametrize("command", [["run", "--days", "2", "--out", "/proc/x"],
                                     ["report", "{run}", "--out", "/proc/x.html"]])
def test_an_output_in_proc_is_refused(command, small_run, monkeypatch, capsys):
    code, text = run_cli_raw([a.format(run=small_run) for a in command], monkeypatch, capsys)
    assert_one_paragraph(code, text, "/proc/x")
    assert "another defection command" not in text  # a lock file that cannot be created is not "busy"


def test_a_write_error_at_save_time_says_nothing_was_left(in_tmp, monkeypatch, capsys):
    """A disk that fills up while the results are saved: a paragraph, and no results directory at all."""
    from defection.engine import outputs

    def full_disk(path, table):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs, "write_parquet", full_disk)
    code, text = run_cli_raw(["run", "--days", "2", "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "'o'", "No space left on device", "no partial file")
    assert not (in_tmp / "o" / "manifest.json").exists()


def test_an_os_error_names_the_file_not_its_temporary_name():
    message = cli._os_error_message(FileNotFoundError(errno.ENOENT, "No such file or directory",
                                                      "/proc/.x.html.tmp-8014-0a1b2c3d"))
    assert "'/proc/x.html'" in message and "tmp" not in message


# --- memory -----------------------------------------------------------------------------------------------------


def test_memory_need_follows_the_documented_byte_budget():
    """docs/performance.md: at scale 1, 51,486,253 civilian agents x 11 bytes + 230,000 officers (80,000 police
    and 150,000 soldiers, one officer array) x 59 bytes."""
    sc = api.resolve(overrides=["run.scale=1"])
    assert (sc.force.n_officers, sc.army.n_soldiers) == (80_000, 150_000)
    assert api.agent_count(sc) == (230_000, 51_486_253)
    assert api.memory_need(sc) == api.BYTES_BASE + 51_486_253 * 11 + 230_000 * 59


def test_a_run_too_large_for_memory_is_refused_before_allocating(in_tmp, monkeypatch, capsys):
    from defection import model

    def never(*a, **k):
        raise AssertionError("the model was built")

    monkeypatch.setattr(api, "memory_limit", lambda: 2**29)  # a 0.5 GiB machine; the run needs 0.9 GiB
    monkeypatch.setattr(model, "build", never)
    with pytest.raises(ResourceError, match="needs about 0.9 GiB"):
        api.run(overrides=["run.scale=1", "force.n_officers=2000000"], days=2)
    code, text = run_cli_raw(["run", "--scale", "1", "--set", "force.n_officers=2000000", "--days", "2",
                              "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "needs about 0.9 GiB of memory", "has 0.5 GiB", "run.scale")
    assert not (in_tmp / "o").exists()


def test_a_memory_error_anywhere_gets_a_paragraph(in_tmp, monkeypatch, capsys):
    def out_of_memory(*a, **k):
        raise MemoryError

    monkeypatch.setattr(api, "run", out_of_memory)
    code, text = run_cli_raw(["run", "--days", "2", "--out", "o"], monkeypatch, capsys)
    assert_one_paragraph(code, text, "out of memory", "run.scale")


# --- summary.json and Ctrl-C -----------------------------------------------------------------------------------


def test_json_outputs_are_strict_with_null_for_non_finite_numbers(tmp_path):
    from defection.engine.outputs import write_json

    write_json(tmp_path / "s.json", {"a": math.nan, "b": [np.float32("inf"), 1.5], "c": np.array([np.nan, 2.0]),
                                     "d": {"e": -math.inf, "f": np.float64(0.25)}})

    def refuse(constant):
        raise ValueError(f"non-standard JSON constant {constant}")

    data = json.loads((tmp_path / "s.json").read_text(), parse_constant=refuse)
    assert data == {"a": None, "b": [None, 1.5], "c": [None, 2.0], "d": {"e": None, "f": 0.25}}


def test_summary_of_a_force_without_coercive_capacity_has_no_nan():
    r = api.run(days=3, overrides=["force.effectiveness_civilian=0", "force.effectiveness_paramilitary=0",
                                   "army.effectiveness_combat=0", "army.effectiveness_support=0"])
    assert r.summary["coercive_capacity_min_share"] is None


def test_ctrl_c_prints_the_interrupted_message_and_exits_130(in_tmp, monkeypatch, capsys):
    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "run", interrupt)
    code, text = run_cli_raw(["run", "--days", "2", "--out", "o"], monkeypatch, capsys)
    assert code == 130 and "Traceback" not in text
    assert "interrupted: no partial results were left as complete files" in " ".join(text.split())
    assert not (in_tmp / "o").exists()
