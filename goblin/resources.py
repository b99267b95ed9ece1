"""Route contexts and their ACLs: authorization is declared here, views only name permissions."""

from __future__ import annotations

from pyramid.authorization import ALL_PERMISSIONS, Allow, Everyone


class RootFactory:
    """The default context: anyone may view; admins may do anything."""

    __acl__ = [
        (Allow, "privilege:admin", ALL_PERMISSIONS),
        (Allow, Everyone, "view"),
    ]

    def __init__(self, request) -> None:
        self.request = request
