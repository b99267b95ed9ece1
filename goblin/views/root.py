"""The front page: the newest processed media, paginated."""

from __future__ import annotations

from pyramid.view import view_config

from goblin.views.listings import processed_media
from goblin.views.pagination import paginate


@view_config(route_name="index", renderer="root/index.html")
def front_page(request):
    entries, page = paginate(processed_media(), request, request.dbsession)
    return {"entries": entries, "page": page}


def includeme(config) -> None:
    config.add_route("index", "/")
    config.scan(__name__)
