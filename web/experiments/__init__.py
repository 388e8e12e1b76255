"""The experiments dashboard: per task, its DVC experiments as a table (HTML and JSON), and two or
more compared with their training curves overlaid as server-drawn SVG. Read-only: the commands
that change the repository are shown, never run. DVC is imported on the first view, not at start.

    GET /tasks/<app>/<task>/experiments[?sort=&order=&state=&param=&value=]
    GET /tasks/<app>/<task>/experiments/compare?exp=<id>&exp=<id>[...]
    GET /api/v1/<app>/<task>/experiments, /api/v1/<app>/<task>/experiments/compare  (the same as JSON)
"""

from __future__ import annotations

from flask_openapi3 import OpenAPI

from web.experiments.api import api
from web.experiments.present import EXTENSION
from web.experiments.store import Stores
from web.experiments.views import pages


def register_experiments(app: OpenAPI) -> None:
    """Add the pages, the API and the per-task caches to ``app``."""
    app.extensions[EXTENSION] = Stores()
    app.register_api(api)
    app.register_blueprint(pages)
