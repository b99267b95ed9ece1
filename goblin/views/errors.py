"""Branded error pages. A person never sees a traceback: 500s are logged and shown a page."""

from __future__ import annotations

import logging

from pyramid.exceptions import BadCSRFOrigin, BadCSRFToken
from pyramid.httpexceptions import HTTPException, HTTPForbidden
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

log = logging.getLogger(__name__)


def _render(request, status: int, template: str, **values):
    response = render_to_response(f"errors/{template}", values, request=request)
    response.status_int = status
    return response


@notfound_view_config(append_slash=True)
def not_found(exc, request):
    return _render(request, 404, "404.html")


@forbidden_view_config()
def forbidden(exc: HTTPForbidden, request):
    return _render(request, 403, "403.html", reason=None)


@exception_view_config(BadCSRFToken)
@exception_view_config(BadCSRFOrigin)
def csrf_failed(exc, request):
    reason = (
        "The form you sent had expired or did not come from this site, so nothing was "
        "changed. Please go back, reload the page and try again."
    )
    return _render(request, 403, "403.html", reason=reason)


@exception_view_config(HTTPException)
def http_exception(exc: HTTPException, request):
    """Other HTTP errors (400, 405, 429...) keep their status but get a plain page."""
    if exc.status_int < 400:
        return exc
    return _render(request, exc.status_int, "error.html", status=exc.status, detail=exc.detail)


@exception_view_config(Exception)
def server_error(exc: Exception, request):
    log.exception("unhandled error on %s %s", request.method, request.path)
    try:
        return _render(request, 500, "500.html")
    except Exception:
        # The page itself could not be drawn (the database may be what failed): say so
        # plainly rather than let a second traceback reach the visitor.
        log.exception("the error page could not be rendered")
        return Response(
            "Sorry, something went wrong on our side. Please try again later.",
            status=500,
            content_type="text/plain",
        )


def includeme(config) -> None:
    config.scan(__name__)
