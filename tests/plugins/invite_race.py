"""Test plugin: while a registration with an invitation is under way, another registration
(in its own transaction, as a second request would) uses the same invitation first.

It acts only when the username typed is ``racer``, so other registrations are untouched.
"""

from goblin import accounts
from goblin.db import session_scope
from goblin.registration import find_invitation, use_invitation


def _register_first(form, request):
    if form.username.data != "racer":
        return True
    with session_scope(request.registry) as dbsession:
        invitation = find_invitation(dbsession, request.params.get("invite"))
        early = accounts.create_user(
            request.registry,
            dbsession,
            username="early",
            email="early@example.org",
            password="long enough",
            privileges=[],
        )
        assert use_invitation(dbsession, invitation, early)
    return True


hooks = {"auth_extra_validation": _register_first}
