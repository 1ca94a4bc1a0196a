"""Rewrite tests/baseline.json, the pinned outputs of tests/test_baselines.py, and print what moved.

    PYTHONPATH=src python scripts/update_baseline.py          # run, report, rewrite the file
    PYTHONPATH=src python scripts/update_baseline.py --check  # run and report only; exit 1 if anything moved

An update is allowed only when the distribution test (tests/test_kernel_distribution.py) passes or
the change of model that moves the outputs is documented (docs/development.md, "The pinned baseline").
The scenarios and the fingerprint are defined in tests/pinned_baseline.py.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # pinned_baseline lives with the tests

import pinned_baseline  # noqa: E402


def changes(name: str, old: dict | None, new: dict) -> list[str]:
    """What differs between the stored entry of one scenario and its fresh run, one line each."""
    if old is None:
        return [f"{name}: new scenario"]
    lines = [f"{name}: definition changed"] if old["definition"] != new["definition"] else []
    return lines + [f"{name}: {line}" for line in pinned_baseline.moved(old["series"], new["series"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only; exit 1 if anything moved")
    args = parser.parse_args(argv)
    stored = pinned_baseline.read()["scenarios"] if pinned_baseline.BASELINE_FILE.exists() else {}
    fresh = {}
    for pinned in pinned_baseline.SCENARIOS:
        print(f"running {pinned.name} ({pinned.why})", flush=True)
        fresh[pinned.name] = pinned_baseline.entry(pinned, pinned_baseline.run(pinned))
    report = [f"{name}: scenario no longer pinned" for name in stored if name not in fresh]
    for name, new in fresh.items():
        report += changes(name, stored.get(name), new)
    print("\n".join(report) if report else "nothing moved")
    if args.check:
        return 1 if report else 0
    pinned_baseline.write(fresh)
    print(f"wrote {pinned_baseline.BASELINE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
