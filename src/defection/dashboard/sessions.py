"""Browser sessions for the dashboard: a cookie the server sets and signs, so that job slots are per browser,
not per tab id (which the page chooses, and a script could invent without end).

Every response to a request without a valid session cookie sets one (``defection_session``: a random id and
its HMAC under a key made when the server starts; ``HttpOnly``, ``SameSite=Strict``). A callback reads the
session with :func:`current`; a request that carries no valid cookie has none, and cannot start a job. The
jobs a tab sees are keyed on the session and the tab together (:func:`owner`), so one tab still sees only its
own jobs, and a job slot belongs to the session: inventing tab ids gives a client nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

COOKIE = "defection_session"


class Sessions:
    """Issues and checks the session cookie of one server (its key lives as long as the server)."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def _sign(self, ident: str) -> str:
        return hmac.new(self._key, ident.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> tuple[str, str]:
        """(session id, cookie value) of a new session."""
        ident = secrets.token_urlsafe(18)
        return ident, f"{ident}.{self._sign(ident)}"

    def verify(self, value: Any) -> str | None:
        """The session id of a cookie value this server issued; None for anything else."""
        if not isinstance(value, str) or value.count(".") != 1 or len(value) > 200:
            return None
        ident, mac = value.split(".")
        return ident if ident and hmac.compare_digest(mac, self._sign(ident)) else None


def install(server, sessions: Sessions) -> None:
    """Read the session cookie of every request, and set one on any answer to a request that had none."""
    import flask

    @server.before_request
    def _read_session():
        flask.g.defection_session = sessions.verify(flask.request.cookies.get(COOKIE))

    @server.after_request
    def _set_session(response):
        if flask.g.get("defection_session") is None and response.status_code < 400:
            _, value = sessions.issue()
            response.set_cookie(COOKIE, value, httponly=True, samesite="Strict", path="/")
        return response


def current() -> str | None:
    """The session of the request being answered (None: no valid cookie, or outside a request)."""
    import flask

    if not flask.has_request_context():
        return None
    return flask.g.get("defection_session")


def owner(tab: Any) -> str | None:
    """The key of a tab's jobs: its session and its tab id; None without a session or a tab id."""
    session = current()
    if session is None or not isinstance(tab, str) or not tab:
        return None
    return f"{session}/{tab[:100]}"
