"""One entry: its page, edit form and confirm-delete, at MediaGoblin's URLs."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config
from sqlalchemy import select

from goblin.db.models import MediaEntry
from goblin.forms import EditForm
from goblin.licenses import get_license
from goblin.media_files import delete_media
from goblin.resources import MediaContext
from goblin.submission import set_tags, unique_slug
from goblin.text import TagError, parse_tags, slugify


def media_url(request, entry: MediaEntry, route: str = "media.home") -> str:
    """The URL of an entry's page (slug, else ``id:N``), or of its edit/delete page."""
    ref = (entry.slug or f"id:{entry.id}") if route == "media.home" else str(entry.id)
    return request.route_url(route, user=entry.uploader.username, media=ref)


def display_file(request, entry: MediaEntry):
    """The file to show on the page, following the media type's fetch order."""
    media_type = request.registry.media_types.get(entry.media_type)
    files = entry.media_files
    order = media_type.media_fetch_order if media_type else ("medium", "original", "thumb")
    for name in order:
        if name in files:
            return files[name]
    return None


@view_config(route_name="media.home", permission="view", renderer="media/media.html")
def media_home(context: MediaContext, request):
    entry = context.entry
    media_type = request.registry.media_types.get(entry.media_type)
    context_values = {
        "entry": entry,
        "user": context.user,
        "media_type": media_type,
        "display_file": display_file(request, entry),
        "license": get_license(entry.license),
        "can_edit": request.has_permission("edit", context),
        "can_delete": request.has_permission("delete", context),
        "edit_url": media_url(request, entry, "media.edit"),
        "delete_url": media_url(request, entry, "media.confirm_delete"),
    }
    return request.registry.hooks.transform("media_home_context", context_values)


@view_config(route_name="media.edit", permission="edit", renderer="media/edit.html")
def media_edit(context: MediaContext, request):
    entry = context.entry
    tags_text = ", ".join(media_tag.name for media_tag in entry.tags)
    form = EditForm(
        request.POST if request.method == "POST" else None,
        title=entry.title,
        slug=entry.slug or "",
        description=entry.description,
        tags=tags_text,
        license=entry.license or "",
    )
    if request.method == "POST" and form.validate():
        dbsession = request.dbsession
        try:
            tags = parse_tags(
                form.tags.data, request.registry.goblin_config.mediagoblin["tags_max_length"]
            )
        except TagError as exc:
            form.tags.errors = [str(exc)]
            return {"form": form, "entry": entry}
        wanted_slug = slugify(form.slug.data) if form.slug.data else None
        if wanted_slug and wanted_slug != entry.slug:
            taken = dbsession.scalar(
                select(MediaEntry.id).where(
                    MediaEntry.actor == entry.actor,
                    MediaEntry.slug == wanted_slug,
                    MediaEntry.id != entry.id,
                )
            )
            if taken is not None:
                form.slug.errors = ["An entry with that slug already exists for this user."]
                return {"form": form, "entry": entry}
        entry.title = form.title.data.strip()
        entry.description = form.description.data or ""
        entry.license = form.license.data or None
        entry.slug = wanted_slug or unique_slug(dbsession, entry.actor, entry.title, entry.id)
        set_tags(dbsession, entry, tags)
        request.session.flash("Changes saved.", "success")
        return HTTPFound(location=media_url(request, entry))
    return {"form": form, "entry": entry}


@view_config(
    route_name="media.confirm_delete", permission="delete", renderer="media/confirm_delete.html"
)
def media_confirm_delete(context: MediaContext, request):
    entry = context.entry
    if request.method == "POST":
        if request.POST.get("confirm") != "y":
            request.session.flash(
                "The media was not deleted because you didn't check that you were sure.",
                "warning",
            )
            return HTTPFound(
                location=request.route_url(
                    "media.confirm_delete", user=context.user.username, media=str(entry.id)
                )
            )
        delete_media(request.registry, request.dbsession, entry)
        request.session.flash(f"You deleted “{entry.title}”.", "success")
        return HTTPFound(location=request.route_url("user.home", user=context.user.username))
    return {"entry": entry}


def includeme(config) -> None:
    config.add_route("media.home", "/u/{user}/m/{media}/", factory="goblin.resources.MediaContext")
    by_id = "goblin.resources.MediaByIdContext"
    config.add_route("media.edit", "/u/{user}/m/{media}/edit/", factory=by_id)
    config.add_route("media.confirm_delete", "/u/{user}/m/{media}/confirm-delete/", factory=by_id)
    config.add_request_method(media_url, "media_page_url")
    config.scan(__name__)
