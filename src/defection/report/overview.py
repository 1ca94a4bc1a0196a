"""overview.png of a run: the English overview figure of :mod:`defection.report.figures`, saved atomically."""
from __future__ import annotations

from pathlib import Path

from defection.engine.outputs import atomic_write_bytes
from defection.report.figures import overview_png


def overview(table, path: Path, title: str = "") -> None:
    """Three panels from a run's timeseries table (see :func:`~defection.report.figures.overview_png`)."""
    atomic_write_bytes(Path(path), overview_png(table, "en", title))
