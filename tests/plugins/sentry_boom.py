"""A test plugin whose /sentry-boom/ view fails with secrets in its frame, for the raven tests.

GET or POST (a POST needs the CSRF token, as every form does). The view keeps the posted
password in a local named ``password`` and, inside a longer string, in a local with an
innocent name, so a report that leaked frame variables would carry it.
"""

from __future__ import annotations

from pyramid.view import view_config

ERROR_MESSAGE = "the sentry test view failed"


@view_config(route_name="tests.sentry_boom", request_method=("GET", "POST"))
def sentry_boom(request):
    password = request.POST.get("password", "")
    remembered = {"note": f"the visitor typed {password} into the form"}
    raise RuntimeError(f"{ERROR_MESSAGE} ({len(remembered)} note)")


def includeme(config) -> None:
    config.add_route("tests.sentry_boom", "/sentry-boom/")
    config.scan(__name__)
