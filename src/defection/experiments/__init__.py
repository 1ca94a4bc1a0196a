"""Experiments at scale: sweeps, sensitivity analysis, policy comparison and scenario discovery.

Every experiment runs on Dask (an embedded LocalCluster by default, or an existing cluster),
is resumable, and gives the same results whatever the executor or worker count:

    from defection.experiments.sweep import sweep
    from defection.experiments.sensitivity import sensitivity
    from defection.experiments.compare import compare
    from defection.experiments.discover import discover
    from defection.experiments.ema import export_script, build_model

(``calibration`` lives here too: ABC-SMC fitting and forecasts.)
"""
