"""The challenge picture, served only to the visitor it was issued to, never cached."""

from __future__ import annotations

import hmac

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response
from pyramid.view import view_config

from goblin.db.types import utcnow
from goblin.plugins.captcha.challenges import MAX_ID_LENGTH, session_hash
from goblin.plugins.captcha.models import Challenge


@view_config(route_name="captcha.image", request_method="GET")
def challenge_image(request):
    """The PNG of an unused, unexpired image challenge of this session; 404 for any other id."""
    challenge_id = request.matchdict["challenge_id"]
    visitor = session_hash(request, create=False)
    challenge = (
        request.dbsession.get(Challenge, challenge_id)
        if len(challenge_id) <= MAX_ID_LENGTH and visitor is not None
        else None
    )
    if (
        challenge is None
        or challenge.kind != "image"
        or challenge.used
        or challenge.expires <= utcnow()
        or not hmac.compare_digest(challenge.session_hash, visitor)
        or challenge.image is None
    ):
        raise HTTPNotFound()
    response = Response(body=challenge.image, content_type="image/png")
    response.cache_control = "no-store"
    return response
