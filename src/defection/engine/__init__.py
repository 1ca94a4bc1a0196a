"""The engine: counter-based random streams, the timed day-step loop and the recorder."""
import numba

# Numba's workqueue threading layer is fork-safe, unlike GNU OpenMP ("fork() called from a
# process already using GNU OpenMP"): pyabc's multicore sampler and Dask fork worker processes
# after the parent has run simulations. Our kernels hold the GIL, so the workqueue layer's
# lack of thread-safety never bites. A user's explicit choice (NUMBA_THREADING_LAYER) wins.
if numba.config.THREADING_LAYER == "default":
    numba.config.THREADING_LAYER = "workqueue"
from defection.engine.loop import Simulation, Step
from defection.engine.recorder import Recorder
from defection.engine.rng import normal, poisson, stream_keys, uniform

__all__ = ["Simulation", "Step", "Recorder", "stream_keys", "uniform", "normal", "poisson"]
