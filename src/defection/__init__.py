"""defection: how a security force splits under repression.

    >>> import defection
    >>> result = defection.run("myanmar-2021", seed=0)
    >>> result.timeseries["defected"][-1]
"""
__version__ = "0.1.0"
