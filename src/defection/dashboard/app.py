"""``defection serve``: the Dash app. All scripts, styles and fonts come from the installed packages
and the machine; the page requests nothing from any other server, so it works under a shutdown.

The server listens on loopback only and answers only requests addressed to it by name
(``Host: 127.0.0.1:PORT`` or ``localhost:PORT``), so a web page that rebinds its own domain name
to 127.0.0.1 (DNS rebinding) gets 403 instead of the dashboard's callbacks.
"""
from __future__ import annotations

import ipaddress
import logging
import signal
import threading
from pathlib import Path

from defection.i18n import t
from defection.errors import DefectionError

ASSETS = Path(__file__).resolve().parent / "assets"
# a request body holds at most one upload (base64) and the scenario text it became, plus the levers
MAX_REQUEST_BYTES = 4_000_000


def loopback_host(host: str) -> str:
    """``host`` if it is a loopback address or ``localhost``; otherwise a DefectionError saying why."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise DefectionError(
            f"--host {host[:100]!r} is not a loopback address. The dashboard has no login, so it listens "
            f"only on this machine: use 127.0.0.1 (the default), localhost or ::1. "
            f"To open it from another machine, forward the port over SSH, e.g. "
            f"ssh -L 8765:127.0.0.1:8765 THIS-MACHINE, and browse http://127.0.0.1:8765/ there.")
    return host


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """``Host`` header values that name this server: 127.0.0.1, localhost or the bound address, with the port."""
    names = {"127.0.0.1", "localhost", f"[{host}]" if ":" in host else host}
    values = {f"{name}:{port}" for name in names}
    if port == 80:  # browsers leave out the default port
        values |= names
    return frozenset(v.lower() for v in values)


def _guard_host(server, hosts: frozenset[str]) -> None:
    """Refuse (403) any request whose Host header is not this server's own address."""
    import flask

    @server.before_request
    def _check_host():
        if flask.request.headers.get("Host", "").lower() not in hosts:
            return flask.Response("This dashboard answers only at its own loopback address, e.g. "
                                  f"http://{sorted(hosts)[0]}/.\n", status=403, mimetype="text/plain")
        return None


def _one_line_errors(server) -> None:
    """A request the server cannot use (malformed callback JSON, a value of the wrong shape) gets HTTP 400 and
    one line, in the answer and in the terminal, never a traceback. HTTP errors (403, 404, 413) keep theirs."""
    import sys

    import flask
    from werkzeug.exceptions import BadRequest, HTTPException

    @server.errorhandler(BadRequest)
    def _not_json(exc):  # werkzeug's own 400 (a body that is not JSON) is a page of HTML: one line instead
        return flask.Response("Bad request: the body is not the JSON the dashboard expects.\n", status=400,
                              mimetype="text/plain")

    @server.errorhandler(Exception)
    def _bad_request(exc):
        if isinstance(exc, HTTPException):  # Flask answers these itself; kept for safety
            return exc
        name = type(exc).__name__
        path = flask.request.path[:100] if flask.has_request_context() else "?"
        print(f"defection serve: answered 400 to a request to {path} that it could not use ({name}).",
              file=sys.stderr, flush=True)
        return flask.Response(f"Bad request: the dashboard could not use this request ({name}).\n", status=400,
                              mimetype="text/plain")


def create_app(manager=None, default: str = "myanmar-2021", warm: bool = True, host: str = "127.0.0.1",
               port: int = 8765, runs: str | Path | None = None):
    """Build the Dash app, answering only as ``host:port``; ``manager`` runs the ensembles (a new
    :class:`JobManager` by default); ``runs`` is the directory of saved runs the page may open, by id."""
    import dash
    # imported now, once: Plotly imports pandas lazily, and two request threads importing it at the same
    # moment would each see a half-initialised module
    import pandas  # noqa: F401
    import plotly.graph_objects  # noqa: F401

    from defection import scenarios
    from defection.dashboard import callbacks
    from defection.dashboard.jobs import JobManager
    from defection.dashboard.layout import layout, lever_values
    from defection.dashboard.saved import SavedRuns
    from defection.dashboard.sessions import Sessions, install

    names = scenarios.builtin_names()
    if default not in names:
        default = names[0]
    app = dash.Dash(__name__, title=t("app.title"), assets_folder=str(ASSETS), serve_locally=True,
                    external_scripts=[], external_stylesheets=[],
                    update_title=None,  # type: ignore[arg-type]  # None turns the title update off (dash's docs)
                    suppress_callback_exceptions=False)
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES  # larger bodies get 413, unread
    _guard_host(app.server, allowed_hosts(host, port))
    install(app.server, Sessions())  # job slots per browser session, not per tab id the page chooses
    _one_line_errors(app.server)
    manager = manager or JobManager()
    values = lever_values(scenarios.load(default))
    saved = SavedRuns(runs)
    # a function: each page load gets a tab id (kept by a reloaded tab) and the saved runs listed now
    app.layout = lambda: layout(names, default, values, saved_ids=saved.ids(), optimize_ids=saved.optimize_ids())
    callbacks.register(app, manager, names, saved)
    app._defection_jobs = manager  # type: ignore[attr-defined]  # ours, for tests and shutdown
    if warm:
        manager.warm()
    return app


def _quiet_logs() -> None:
    """No line per request: the page polls every 0.4 s. Warnings and errors still show."""
    for name in ("werkzeug", "dash", "dash.dash"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _check_port_free(host: str, port: int) -> None:
    """Raise OSError (the CLI turns it into a paragraph) if ``host:port`` cannot be bound."""
    import socket

    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself binds
        probe.bind(address)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop_on_sigterm() -> None:
    """SIGTERM (a service manager, ``kill``) stops the server as Ctrl-C does: the jobs and the worker too."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)


def serve(host: str = "127.0.0.1", port: int = 8765, runs: str | Path | None = None) -> None:
    """Serve the dashboard on loopback ``host:port`` until Ctrl-C, then stop every job and the worker;
    ``runs`` offers the run directories under it to the page (by id, never by path)."""
    from defection.dashboard.jobs import JobManager

    host = loopback_host(host)
    _check_port_free(host, port)  # werkzeug would print its own lines and exit 1
    manager = JobManager()
    _stop_on_sigterm()
    try:
        app = create_app(manager, host=host, port=port, runs=runs)
        _quiet_logs()
        _run_server(app.server, host, port)  # returns on Ctrl-C or SIGTERM
    finally:
        manager.shutdown()


def _run_server(server, host: str, port: int) -> None:
    """Werkzeug's threaded server until Ctrl-C. A connection that the browser (or the shutdown) closes mid-request
    is not worth a traceback in the terminal; any other error still prints one."""
    import socketserver
    import sys

    from werkzeug.serving import make_server

    httpd = make_server(host, port, server, threaded=True)

    def handle_error(request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, OSError)):
            socketserver.BaseServer.handle_error(httpd, request, client_address)

    httpd.handle_error = handle_error  # type: ignore[method-assign]  # this server's, not the class's
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
