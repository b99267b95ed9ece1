"""``/mod/``: account applications (approval mode) and invitations (invitation mode)."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound, HTTPNotFound
from pyramid.view import view_config
from sqlalchemy import select

from goblin import accounts
from goblin.account_mail import send_registration_decision, send_verification_email
from goblin.db.models import Invitation, RegistrationRequest
from goblin.db.types import utcnow
from goblin.registration import approve, create_invitation, refuse, registration_mode


@view_config(route_name="mod.index", permission="moderate", renderer="moderation/index.html")
def moderation_index(request):
    pending = request.dbsession.scalar(
        select(RegistrationRequest.id).where(RegistrationRequest.state == "pending").limit(1)
    )
    return {"mode": registration_mode(request.registry), "has_pending": pending is not None}


@view_config(
    route_name="mod.registrations", permission="moderate", renderer="moderation/registrations.html"
)
def registrations(request):
    pending = list(
        request.dbsession.scalars(
            select(RegistrationRequest)
            .where(RegistrationRequest.state == "pending")
            .order_by(RegistrationRequest.created)
            .limit(200)
        )
    )
    return {"pending": pending, "mode": registration_mode(request.registry)}


@view_config(route_name="mod.registration_decide", permission="moderate", request_method="POST")
def decide(request):
    application = request.dbsession.get(RegistrationRequest, int(request.matchdict["id"]))
    if application is None or application.state != "pending":
        raise HTTPNotFound()
    action = request.POST.get("action")
    if action == "approve":
        try:
            user = approve(request, application)
        except accounts.AccountError as exc:
            request.session.flash(f"Could not approve {application.username}: {exc}", "error")
            return HTTPFound(location=request.route_url("mod.registrations"))
        send_registration_decision(request, user.email, user.username, approved=True)
        send_verification_email(request, user)
        request.session.flash(f"Approved {user.username}; they have been told by mail.", "success")
    elif action == "refuse":
        refuse(request, application)
        send_registration_decision(request, application.email, application.username, approved=False)
        request.session.flash(f"Refused {application.username}; they have been told.", "info")
    else:
        request.session.flash("Choose approve or refuse.", "warning")
    return HTTPFound(location=request.route_url("mod.registrations"))


@view_config(
    route_name="mod.invitations", permission="invite", renderer="moderation/invitations.html"
)
def invitations(request):
    new_link = None
    if request.method == "POST":
        note = (request.POST.get("note") or "").strip()
        token = create_invitation(request.dbsession, request.user.id, note=note)
        new_link = request.route_url("auth.register", _query={"invite": token})
    recent = list(
        request.dbsession.scalars(
            select(Invitation).order_by(Invitation.created.desc(), Invitation.id.desc()).limit(50)
        )
    )
    return {
        "new_link": new_link,
        "recent": recent,
        "mode": registration_mode(request.registry),
        "now": utcnow(),
    }


def includeme(config) -> None:
    config.add_route("mod.index", "/mod/")
    config.add_route("mod.registrations", "/mod/registrations/")
    config.add_route("mod.registration_decide", "/mod/registrations/{id:\\d+}/")
    config.add_route("mod.invitations", "/mod/invitations/")
    config.scan(__name__)
