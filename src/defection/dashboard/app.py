"""``defection serve``: the Dash app. All scripts, styles and fonts come from the installed packages
and the machine; the page requests nothing from any other server, so it works under a shutdown."""
from __future__ import annotations

import logging
from pathlib import Path

from defection.dashboard.i18n import t

ASSETS = Path(__file__).resolve().parent / "assets"


def create_app(manager=None, default: str = "myanmar-2021", warm: bool = True):
    """Build the Dash app; ``manager`` runs the ensembles (a new :class:`JobManager` by default)."""
    import dash

    from defection import scenarios
    from defection.dashboard import callbacks
    from defection.dashboard.jobs import JobManager
    from defection.dashboard.layout import layout, lever_values

    names = scenarios.builtin_names()
    if default not in names:
        default = names[0]
    app = dash.Dash(__name__, title=t("app.title"), assets_folder=str(ASSETS), serve_locally=True,
                    external_scripts=[], external_stylesheets=[], update_title=None,
                    suppress_callback_exceptions=False)
    manager = manager or JobManager()
    app.layout = layout(names, default, lever_values(scenarios.load(default)))
    callbacks.register(app, manager, names)
    app._defection_jobs = manager  # for tests and shutdown
    if warm:
        manager.warm()
    return app


def serve(host: str = "127.0.0.1", port: int = 8765, quiet: bool = False) -> None:
    """Serve the dashboard on ``host:port`` (loopback unless told otherwise) until interrupted."""
    app = create_app()
    if quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)
    finally:
        app._defection_jobs.shutdown()
