"""A member's pages: profile, gallery, tag gallery and processing panel."""

from __future__ import annotations

from pyramid.view import view_config
from sqlalchemy import select

from goblin.db.models import MediaEntry
from goblin.resources import UserContext
from goblin.views.listings import by_user, processed_media, with_tag
from goblin.views.pagination import paginate

PROFILE_MEDIA = 12
PANEL_STATES = ("unprocessed", "processing", "failed")


@view_config(route_name="user.home", permission="view", renderer="user_pages/user.html")
def user_home(context: UserContext, request):
    user = context.user
    query = by_user(processed_media(), user.id).limit(PROFILE_MEDIA + 1)
    entries = list(request.dbsession.scalars(query))
    return {
        "user": user,
        "entries": entries[:PROFILE_MEDIA],
        "more": len(entries) > PROFILE_MEDIA,
        "is_owner": request.user is not None and request.user.id == user.id,
    }


@view_config(route_name="user.gallery", permission="view", renderer="user_pages/gallery.html")
def user_gallery(context: UserContext, request):
    entries, page = paginate(
        by_user(processed_media(), context.user.id), request, request.dbsession
    )
    return {"user": context.user, "entries": entries, "page": page, "tag": None}


@view_config(route_name="user.tag_gallery", permission="view", renderer="user_pages/gallery.html")
def user_tag_gallery(context: UserContext, request):
    tag = request.matchdict["tag"]
    query = with_tag(by_user(processed_media(), context.user.id), tag)
    entries, page = paginate(query, request, request.dbsession)
    return {"user": context.user, "entries": entries, "page": page, "tag": tag}


@view_config(route_name="user.panel", permission="panel", renderer="user_pages/panel.html")
def processing_panel(context: UserContext, request):
    """Entries waiting, being processed, or failed (with the reason), newest first."""
    entries = list(
        request.dbsession.scalars(
            select(MediaEntry)
            .where(MediaEntry.actor == context.user.id, MediaEntry.state.in_(PANEL_STATES))
            .order_by(MediaEntry.created.desc(), MediaEntry.id.desc())
            .limit(200)
        )
    )
    waiting = [entry for entry in entries if entry.state != "failed"]
    failed = [entry for entry in entries if entry.state == "failed"]
    return {"user": context.user, "waiting": waiting, "failed": failed}


def includeme(config) -> None:
    factory = "goblin.resources.UserContext"
    config.add_route("user.home", "/u/{user}/", factory=factory)
    config.add_route("user.gallery", "/u/{user}/gallery/", factory=factory)
    config.add_route("user.tag_gallery", "/u/{user}/tag/{tag}/", factory=factory)
    config.add_route("user.panel", "/u/{user}/panel/", factory=factory)
    config.scan(__name__)
