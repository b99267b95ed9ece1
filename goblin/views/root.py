"""The front page: the newest processed media, paginated."""

from __future__ import annotations

from pyramid.view import view_config
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from goblin.db.models import MediaEntry
from goblin.views.pagination import paginate


@view_config(route_name="index", renderer="root/index.html")
def front_page(request):
    query = (
        select(MediaEntry)
        .where(MediaEntry.state == "processed")
        .options(joinedload(MediaEntry.uploader), selectinload(MediaEntry.files))
        .order_by(MediaEntry.created.desc(), MediaEntry.id.desc())
    )
    entries, page = paginate(query, request, request.dbsession)
    return {"entries": entries, "page": page}


def includeme(config) -> None:
    config.add_route("index", "/")
    config.scan(__name__)
