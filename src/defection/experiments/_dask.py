"""Dask pieces that need ``distributed`` imported (kept apart so that importing the package stays fast)."""
from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

from defection.experiments.executor import warm_up


class WarmUpPlugin(WorkerPlugin):
    """Runs on every worker, including one the nanny restarts after a crash: one numba thread, kernels loaded."""

    idempotent = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def setup(self, worker) -> None:
        warm_up(self.model_name)
