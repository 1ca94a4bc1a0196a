"""Kernels compiled twice, serial and parallel, and the rule that picks one for a run.

A Numba ``parallel=True`` kernel pays a fixed cost at each call: starting its threads' work and,
inside the loop body, reference counting for every array view (about 0.6 ms a call for the
default scenario's 51,530 civilians, ten times the loop itself). A day of the default makes
three such calls. So each kernel whose loop is a ``prange`` is compiled both ways and a call
goes parallel only when it has enough work and more than one thread to share it; ``prange``
runs as ``range`` in the serial build. Both builds compute each item from its own values and
counter-based draws, so they give identical results (``tests/test_model.py`` checks it).
"""
from __future__ import annotations

from collections.abc import Callable
from types import FunctionType
from typing import Any, cast

import numba
from numba import njit

# Below this many items (civilians or officers) a parallel call costs more than it saves. A speed
# choice, not a model parameter: results are the same either way. Tests set it to 0 to force the
# parallel build.
PARALLEL_MIN_ITEMS = 1 << 20


class SerialOrParallel:
    """A kernel built twice: ``.serial`` and ``.parallel`` (both cached); ``.for_items(n)`` picks one."""

    def __init__(self, fn: FunctionType):
        serial_fn = FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
        # a distinct qualified name gives the serial build its own file in Numba's cache
        serial_fn.__qualname__ = fn.__qualname__ + "_serial"
        serial_fn.__doc__ = fn.__doc__
        self.serial = njit(cache=True)(serial_fn)
        self.parallel = njit(cache=True, parallel=True)(fn)
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__

    def for_items(self, n: int):
        """The build to call for ``n`` items of work with the current thread count."""
        if n >= PARALLEL_MIN_ITEMS and numba.get_num_threads() > 1:
            return self.parallel
        return self.serial

    def __call__(self, *args):
        """Call the serial build (for callers without a size at hand, and tests)."""
        return self.serial(*args)


def serial_or_parallel(fn: Callable[..., Any]) -> SerialOrParallel:
    """Decorator: compile ``fn`` serial and parallel; see :class:`SerialOrParallel`."""
    return SerialOrParallel(cast(FunctionType, fn))  # a plain ``def``, which mypy types as a Callable
