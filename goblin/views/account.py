"""A member's own account: email verification, settings, email change, profile, deletion."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget
from pyramid.view import view_config
from sqlalchemy import func, select
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import URL, InputRequired, Length, Optional

from goblin import accounts, tokens
from goblin.account_mail import send_email_change, send_verification_email
from goblin.db.models import User
from goblin.licenses import license_choices
from goblin.resources import UserContext


class AccountSettingsForm(Form):
    wants_comment_notification = BooleanField("Email me when others comment on my media")
    wants_notifications = BooleanField("Enable notifications about events")
    license_preference = SelectField(
        "License preference",
        choices=license_choices(),
        description="The default license of your uploads.",
    )


class ChangeEmailForm(Form):
    new_email = EmailField("New email address", [InputRequired(), Length(max=254)])
    password = PasswordField("Password", [InputRequired(), Length(max=1024)])


class DeleteAccountForm(Form):
    confirmed = BooleanField("Yes, really delete my account and everything I uploaded")
    password = PasswordField("Password", [InputRequired(), Length(max=1024)])


class ProfileForm(Form):
    bio = TextAreaField("Bio", [Length(max=5000)], description="You can use Markdown.")
    url = StringField(
        "Website",
        [Optional(), Length(max=255), URL(require_tld=False, message="Enter a full web address.")],
    )
    location = StringField("Hometown", [Optional(), Length(max=255)])


def _password_ok(request, password: str) -> bool:
    return bool(
        request.registry.hooks.handle("auth_check_password", password, request.user.pw_hash, None)
    )


@view_config(route_name="auth.verify_email", renderer="account/verify_result.html")
def verify_email(request):
    """The link from the verification mail: grants ``active``."""
    try:
        payload = tokens.read_token(request.registry, tokens.VERIFY_EMAIL, request.GET.get("token"))
        user = request.dbsession.get(User, int(payload["user"]))
    except (tokens.BadToken, KeyError, TypeError, ValueError):
        user = None
    if user is None:
        request.response.status_int = 400
        return {"ok": False}
    if not user.has_privilege("active", allow_admin=False):
        accounts.grant(request.dbsession, user, ["active"])
    request.session.flash("Your email address is verified: welcome aboard!", "success")
    return HTTPFound(location=request.route_url("user.home", user=user.username))


@view_config(
    route_name="auth.resend_verification", request_method="POST", permission="edit_account"
)
def resend_verification(request):
    user = request.user
    if user.has_privilege("active", allow_admin=False):
        request.session.flash("Your email address is already verified.", "info")
    else:
        request.rate_limit("mail", account=user.username)
        send_verification_email(request, user)
        request.session.flash(f"We sent a new verification link to {user.email}.", "success")
    return HTTPFound(location=request.route_url("user.home", user=user.username))


@view_config(route_name="edit.account", permission="edit_account", renderer="account/settings.html")
def account_settings(request):
    user = request.user
    form = AccountSettingsForm(
        request.POST if request.method == "POST" else None,
        wants_comment_notification=user.wants_comment_notification,
        wants_notifications=user.wants_notifications,
        license_preference=user.license_preference or "",
    )
    if request.method == "POST" and form.validate():
        user.wants_comment_notification = form.wants_comment_notification.data
        user.wants_notifications = form.wants_notifications.data
        user.license_preference = form.license_preference.data or None
        request.session.flash("Account settings saved.", "success")
        return HTTPFound(location=request.route_url("edit.account"))
    return {"form": form, "user": user}


@view_config(route_name="edit.email", permission="edit_account", renderer="account/email.html")
def change_email(request):
    user = request.user
    form = ChangeEmailForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        request.rate_limit("mail", account=user.username)
        try:
            new_email = accounts.check_email(accounts.normalize_email(form.new_email.data))
        except accounts.AccountError as exc:
            form.new_email.errors = [str(exc)]
            return {"form": form}
        if not _password_ok(request, form.password.data):
            form.password.errors = ["Wrong password."]
            return {"form": form}
        taken = request.dbsession.scalar(
            select(User.id).where(func.lower(User.email) == new_email.lower(), User.id != user.id)
        )
        # The same answer (and the same notice to the current address) when the address
        # is taken, so this form reveals no accounts.
        send_email_change(request, user, new_email, send_link=taken is None)
        request.session.flash(
            f"We sent a link to {new_email}: open it to confirm the new address.", "info"
        )
        return HTTPFound(location=request.route_url("edit.account"))
    return {"form": form}


@view_config(route_name="edit.verify_email", renderer="account/verify_result.html")
def verify_new_email(request):
    try:
        payload = tokens.read_token(request.registry, tokens.CHANGE_EMAIL, request.GET.get("token"))
        user = request.dbsession.get(User, int(payload["user"]))
        new_email = accounts.check_email(str(payload["email"]))
    except (tokens.BadToken, accounts.AccountError, KeyError, TypeError, ValueError):
        user = None
    if user is None:
        request.response.status_int = 400
        return {"ok": False}
    taken = request.dbsession.scalar(
        select(User.id).where(func.lower(User.email) == new_email.lower(), User.id != user.id)
    )
    if taken is not None:
        request.response.status_int = 400
        return {"ok": False}
    user.email = new_email
    request.session.flash(f"Your email address is now {new_email}.", "success")
    return HTTPFound(location=request.route_url("user.home", user=user.username))


@view_config(
    route_name="edit.account_delete", permission="edit_account", renderer="account/delete.html"
)
def delete_account(request):
    form = DeleteAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        if not form.confirmed.data:
            form.confirmed.errors = ["Tick the box to confirm."]
        elif not _password_ok(request, form.password.data):
            form.password.errors = ["Wrong password."]
        else:
            user = request.user
            headers = forget(request)
            accounts.delete_user(request.registry, request.dbsession, user)
            request.session.flash("Your account was deleted. Goodbye!", "info")
            return HTTPFound(location=request.route_url("index"), headers=headers)
    return {"form": form}


@view_config(
    route_name="user.edit_profile", permission="edit_profile", renderer="account/profile.html"
)
def edit_profile(context: UserContext, request):
    user = context.user
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        bio=user.bio or "",
        url=user.url or "",
        location=user.location or "",
    )
    if request.method == "POST" and form.validate():
        url = (form.url.data or "").strip()
        if url and not url.lower().startswith(("http://", "https://")):
            form.url.errors = ["Enter a web address starting with http:// or https://."]
            return {"form": form, "user": user}
        user.bio = form.bio.data or None
        user.url = url or None
        user.location = (form.location.data or "").strip() or None
        request.session.flash("Profile saved.", "success")
        return HTTPFound(location=request.route_url("user.home", user=user.username))
    return {"form": form, "user": user}


def includeme(config) -> None:
    config.add_route("auth.verify_email", "/auth/verify_email/")
    config.add_route("auth.resend_verification", "/auth/resend_verification/")
    config.add_route("edit.account", "/edit/account/")
    config.add_route("edit.account_delete", "/edit/account/delete/")
    config.add_route("edit.email", "/edit/email/")
    config.add_route("edit.verify_email", "/edit/verify_email/")
    config.add_route("user.edit_profile", "/u/{user}/edit/", factory="goblin.resources.UserContext")
    config.scan(__name__)
