"""defection: how a security force splits under repression.

Examples
--------
>>> import defection
>>> result = defection.run("myanmar-2021", seed=0)
>>> result.series("defected")[-1]
"""
__version__ = "0.1.0"

from defection.api import Result, resolve, run  # noqa: E402
from defection.scenarios import load as load_scenario  # noqa: E402

__all__ = ["run", "resolve", "Result", "load_scenario", "__version__"]
