"""Daily metrics, preallocated as arrays: one row per day, one column per metric."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa


class Recorder:
    """Columns of shape (days,) filled one row a day.

    ``columns`` maps a metric name to its NumPy dtype. ``row(day)`` returns a dict-like
    view to fill; ``table()`` returns the filled rows as a pyarrow Table.
    """

    def __init__(self, days: int, columns: Mapping[str, type | np.dtype]):
        self.days = days
        self.data = {name: np.zeros(days, dtype=dt) for name, dt in columns.items()}
        self.filled = 0

    def record(self, day: int, values: dict[str, float]) -> None:
        for name, v in values.items():
            self.data[name][day] = v
        self.filled = max(self.filled, day + 1)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.data[name][: self.filled]

    def table(self, leading: dict[str, np.ndarray] | None = None) -> pa.Table:
        cols = dict(leading or {})
        cols.update({k: v[: self.filled] for k, v in self.data.items()})
        return pa.table(cols)
