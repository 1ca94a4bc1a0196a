"""The engine: counter-based random streams, the timed day-step loop and the recorder."""
from defection.engine.loop import Simulation, Step
from defection.engine.recorder import Recorder
from defection.engine.rng import normal, poisson, stream_keys, uniform

__all__ = ["Simulation", "Step", "Recorder", "stream_keys", "uniform", "normal", "poisson"]
