"""``/tag/<tag>/``: processed media with a tag, site-wide."""

from __future__ import annotations

from pyramid.view import view_config

from goblin.views.listings import processed_media, with_tag
from goblin.views.pagination import paginate


@view_config(route_name="tag.listing", permission="view", renderer="tags/listing.html")
def tag_listing(context, request):
    entries, page = paginate(with_tag(processed_media(), context.slug), request, request.dbsession)
    return {"tag_name": context.name, "tag": context.slug, "entries": entries, "page": page}


def includeme(config) -> None:
    config.add_route("tag.listing", "/tag/{tag}/", factory="goblin.resources.TagContext")
    config.scan(__name__)
