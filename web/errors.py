"""Every error is an answer that says what is wrong: JSON for the API, a page for the pages.

No stack trace ever reaches a client; unexpected errors are logged and answered with a 500.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, render_template, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/healthz")


def json_error(status: int, message: str, fields: list[dict[str, str]] | None = None) -> Response:
    response = jsonify({"error": message, "status": status, "fields": fields or []})
    response.status_code = status
    return response


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """One ``{"field": "texts.2", "message": ...}`` per invalid field."""
    return [{"field": ".".join(str(part) for part in e["loc"]) or "body", "message": e["msg"]} for e in error.errors()]


def validation_error_response(error: ValidationError) -> Response:
    """422 naming each invalid field (``texts.2``), as flask-openapi3's validation callback."""
    fields = field_errors(error)
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return json_error(422, f"invalid request: {summary}", fields)


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES) or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | tuple[str, int]:
        status = error.code or 500
        if wants_json():
            return json_error(status, error.description or error.name)
        return render_template("error.html", status=status, title=error.name, message=error.description), status

    @app.errorhandler(RequestEntityTooLarge)
    def body_too_large(error: RequestEntityTooLarge) -> Response | tuple[str, int]:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return http_error(
            RequestEntityTooLarge(f"the request body is over the server's limit of {limit} bytes; send fewer texts")
        )

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response | tuple[str, int]:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return http_error(InternalServerError("internal server error; the server log has the details"))
