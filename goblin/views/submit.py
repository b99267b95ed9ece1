"""``/submit/``: the upload form."""

from __future__ import annotations

import os
import tempfile

from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from goblin.forms import SubmitForm
from goblin.media_types import FileTypeNotSupported
from goblin.submission import (
    SubmissionError,
    UserPastUploadLimit,
    check_quota_before,
    spool_upload,
    submit_media,
)
from goblin.text import TagError


def _uploaded_file(request):
    """The cgi.FieldStorage of the ``file`` field, or None when no file was sent."""
    field = request.POST.get("file")
    return field if getattr(field, "filename", None) else None


@view_config(route_name="submit", permission="upload", renderer="submit/start.html")
def submit_start(request):
    user = request.user
    registry = request.registry
    try:
        check_quota_before(registry, user)
    except UserPastUploadLimit as exc:
        request.session.flash(str(exc), "warning")
        return HTTPFound(location=request.route_url("user.home", user=user.username))
    form = SubmitForm(
        request.POST if request.method == "POST" else None, license=user.license_preference or ""
    )
    if request.method == "POST" and form.validate():
        upload = _uploaded_file(request)
        if upload is None:
            form.file.errors = ["You must provide a file."]
        else:
            spool_dir = registry.goblin_config.mediagoblin["workbench_path"]
            os.makedirs(spool_dir, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=spool_dir, prefix="upload-") as folder:
                local_path = os.path.join(folder, "upload")
                try:
                    spool_upload(registry, upload.file, local_path)
                    submit_media(
                        registry,
                        request.dbsession,
                        user,
                        local_path=local_path,
                        filename=upload.filename,
                        title=form.title.data,
                        description=form.description.data,
                        tags=form.tags.data,
                        license=form.license.data,
                    )
                except (SubmissionError, FileTypeNotSupported) as exc:
                    form.file.errors = [str(exc)]
                except TagError as exc:
                    form.tags.errors = [str(exc)]
                else:
                    request.session.flash("Woohoo! Submitted!", "success")
                    return HTTPFound(location=request.route_url("user.home", user=user.username))
    return {"form": form, "extensions": registry.media_types.extensions()}


def includeme(config) -> None:
    config.add_route("submit", "/submit/")
    config.scan(__name__)
