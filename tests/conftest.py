"""Session fixtures."""
from __future__ import annotations

import pytest

from common import ensemble


@pytest.fixture(scope="session")
def default_runs():
    """The default scenario over seeds 0-9, run once per session."""
    return ensemble()
