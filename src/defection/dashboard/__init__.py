"""The web dashboard (``defection serve``): a Dash app that runs entirely offline.

Importing this package does not import Dash. The translation table it shares with the HTML
report lives below both, in :mod:`defection.i18n`.
"""
from __future__ import annotations

__all__ = ["create_app", "serve"]


def create_app(*args, **kwargs):
    from defection.dashboard.app import create_app as _create

    return _create(*args, **kwargs)


def serve(*args, **kwargs):
    from defection.dashboard.app import serve as _serve

    return _serve(*args, **kwargs)
