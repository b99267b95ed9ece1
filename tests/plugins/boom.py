"""A test plugin whose /boom/ view writes a row and then fails with an unhandled error.

It lets functional tests see the 500 page and the rollback without mocking anything.
"""

from __future__ import annotations

from pyramid.view import view_config

from goblin.db.models import User

BOOM_USERNAME = "boom-user"


@view_config(route_name="tests.boom", request_method="GET")
def boom(request):
    request.dbsession.add(User(username=BOOM_USERNAME, email="boom@example.org", pw_hash=None))
    request.dbsession.flush()
    raise RuntimeError("the test plugin's view blew up: Traceback secret-detail")


def includeme(config) -> None:
    config.add_route("tests.boom", "/boom/")
    config.scan(__name__)
