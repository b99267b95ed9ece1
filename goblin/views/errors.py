"""Branded error pages. A person never sees a traceback: 500s are logged and shown a page."""

from __future__ import annotations

import logging

from pyramid.exceptions import BadCSRFOrigin, BadCSRFToken
from pyramid.httpexceptions import HTTPException, HTTPForbidden, HTTPFound, HTTPTemporaryRedirect
from pyramid.interfaces import IRoutesMapper
from pyramid.renderers import render_to_response
from pyramid.response import Response
from pyramid.view import exception_view_config, forbidden_view_config, notfound_view_config

from goblin.ratelimit import RateLimited

log = logging.getLogger(__name__)


def _render(request, status_code: int, template: str, **values):
    # Not named ``status``: error.html takes a ``status`` value ("429 Too Many Requests").
    response = render_to_response(f"errors/{template}", values, request=request)
    response.status_int = status_code
    return response


def _slash_route_matches(request) -> bool:
    """True if the path with a slash appended matches a page route.

    Static views (route names starting with ``__``) match any path, so they are left out:
    otherwise every missing static or media file would first redirect to ``name.css/``.
    """
    path = request.path_info
    mapper = request.registry.queryUtility(IRoutesMapper)
    if mapper is None or path.endswith("/"):
        return False
    return any(
        not route.name.startswith("__") and route.match(path + "/") is not None
        for route in mapper.get_routes()
    )


@notfound_view_config()
def not_found(exc, request):
    if _slash_route_matches(request):
        query = f"?{request.query_string}" if request.query_string else ""
        # path_url is percent-encoded: a Location header must be plain ASCII.
        return HTTPTemporaryRedirect(location=request.path_url + "/" + query)
    return _render(request, 404, "404.html")


@forbidden_view_config()
def forbidden(exc: HTTPForbidden, request):
    """Anonymous visitors are sent to log in (and back); members see a 403 page."""
    if (
        request.user is None
        and request.method == "GET"
        and request.registry.hooks.callables("authentication")
    ):
        login = request.route_url("auth.login", _query={"next": request.path_qs})
        return HTTPFound(location=login)
    user = request.user
    if user is not None and not user.has_privilege("active"):
        # Not a lack of rights: the account waits for its email to be verified.
        return _render(request, 403, "unverified.html")
    return _render(request, 403, "403.html", reason=None)


@exception_view_config(BadCSRFToken)
@exception_view_config(BadCSRFOrigin)
def csrf_failed(exc, request):
    reason = (
        "The form you sent had expired or did not come from this site, so nothing was "
        "changed. Please go back, reload the page and try again."
    )
    return _render(request, 403, "403.html", reason=reason)


@exception_view_config(RateLimited)
def rate_limited(exc: RateLimited, request):
    minutes = max(1, round(exc.retry_after / 60))
    response = _render(
        request,
        429,
        "error.html",
        status="429 Too Many Requests",
        detail=(
            "You have tried this too many times. Please wait "
            f"{minutes} minute{'s' if minutes != 1 else ''} and try again."
        ),
    )
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


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
