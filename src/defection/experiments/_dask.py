"""Dask pieces that need ``distributed`` imported (kept apart so that importing the package stays fast)."""
from __future__ import annotations

import os

from distributed.diagnostics.plugin import WorkerPlugin

from defection.experiments import models


class WarmUpPlugin(WorkerPlugin):
    """Runs on every worker, including one the nanny restarts after a crash: one thread, kernels loaded."""

    idempotent = True

    def __init__(self, model_name: str):
        self.model_name = model_name

    def setup(self, worker) -> None:
        os.environ["NUMBA_NUM_THREADS"] = "1"
        model = models.get(self.model_name)
        model.single_thread()
        model.warm_up()
