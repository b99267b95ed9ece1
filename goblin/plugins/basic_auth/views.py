"""Log in, log out, register (in each registration mode) and passwords, at MediaGoblin's URLs."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget, remember
from pyramid.view import view_config

from goblin import accounts, tokens
from goblin.account_mail import send_password_reset, send_verification_email
from goblin.plugins.basic_auth.forms import (
    ApplicationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegistrationForm,
    ResetPasswordForm,
)
from goblin.registration import (
    apply_for_account,
    find_invitation,
    registration_mode,
    use_invitation,
)
from goblin.urls import safe_next


def _account_key(user, typed: str) -> str:
    """One rate-limit counter per account, however it was named (username or email)."""
    return f"user:{user.id}" if user is not None else typed


def _passwords(request):
    return request.registry.basic_auth_passwords


@view_config(route_name="auth.login", renderer="basic_auth/login.html")
def login(request):
    form = LoginForm(request.POST)
    next_url = safe_next(request.params.get("next"), default="")
    login_failed = False
    if request.method == "POST" and form.validate():
        user = accounts.find_user(request.dbsession, form.username.data)
        request.rate_limit("login", account=_account_key(user, form.username.data))
        passwords = _passwords(request)
        if user is None:
            passwords.burn(form.password.data)
        elif passwords.verify(form.password.data, user.pw_hash):
            if passwords.needs_rehash(user.pw_hash):
                user.pw_hash = passwords.hash(form.password.data)
            headers = remember(request, user)
            request.session.flash(f"Welcome back, {user.username}!", "success")
            return HTTPFound(location=next_url or request.route_url("index"), headers=headers)
        login_failed = True
    return {
        "form": form,
        "next": next_url,
        "login_failed": login_failed,
        # Not in invitation mode: the form only works from an invitation link.
        "allow_registration": registration_mode(request.registry) in ("open", "approval"),
    }


@view_config(route_name="auth.logout", request_method="GET", renderer="basic_auth/logout.html")
def logout_confirm(request):
    if request.user is None:
        return HTTPFound(location=request.route_url("index"))
    return {}


@view_config(route_name="auth.logout", request_method="POST")
def logout(request):
    headers = forget(request)
    request.session.flash("You are now logged out.", "info")
    return HTTPFound(location=request.route_url("index"), headers=headers)


def _new_account_privileges(request) -> list[str]:
    return request.registry.goblin_config.mediagoblin["user_privilege_scheme"]


@view_config(route_name="auth.register", renderer="basic_auth/register.html")
def register(request):
    """Registration in the site's mode: closed, open, approval or invitation."""
    mode = registration_mode(request.registry)
    values = {"mode": mode, "form": None, "invite": None, "applied": False}
    if mode == "closed":
        request.response.status_int = 403
        return values
    invite_token = request.params.get("invite", "")
    if mode == "invitation":
        invitation = find_invitation(request.dbsession, invite_token)
        if invitation is None:
            request.response.status_int = 403
            values["mode"] = "invitation_missing"
            return values
        values["invite"] = invite_token
    form_class = ApplicationForm if mode == "approval" else RegistrationForm
    form = form_class(request.POST if request.method == "POST" else None)
    values["form"] = form
    if request.method != "POST":
        return values
    request.rate_limit("registration")
    if not form.validate():
        return values
    # Plugins (the CAPTCHA) may veto; each one explains itself on the form.
    if not all(request.registry.hooks.runall("auth_extra_validation", form, request)):
        return values
    try:
        if mode == "approval":
            apply_for_account(request, form)
            values["applied"] = True
            values["form"] = None
            return values
        user = accounts.create_user(
            request.registry,
            request.dbsession,
            username=form.username.data,
            email=form.email.data,
            password=form.password.data,
            privileges=_new_account_privileges(request),
        )
    except accounts.AccountError as exc:
        form.form_errors.append(str(exc))
        return values
    if mode == "invitation" and not use_invitation(request.dbsession, invitation, user):
        # Another registration used the link meanwhile: undo this account.
        request.tm.doom()
        request.response.status_int = 403
        return {**values, "mode": "invitation_missing", "form": None}
    send_verification_email(request, user)
    headers = remember(request, user)
    request.session.flash(
        f"Welcome, {user.username}! We sent a link to {user.email}: open it to activate "
        "your account.",
        "success",
    )
    return HTTPFound(location=request.route_url("user.home", user=user.username), headers=headers)


FORGOT_ANSWER = (
    "If that matches an account, we have sent a link to its email address. "
    "Open it to choose a new password."
)


@view_config(route_name="auth.forgot_password", renderer="basic_auth/forgot_password.html")
def forgot_password(request):
    """Always the same answer, whether or not the account exists."""
    form = ForgotPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        user = accounts.find_user(request.dbsession, form.username.data)
        request.rate_limit("password_reset", account=_account_key(user, form.username.data))
        if user is not None and user.pw_hash:
            send_password_reset(request, user)
        request.session.flash(FORGOT_ANSWER, "info")
        return HTTPFound(location=request.route_url("auth.login"))
    return {"form": form}


def _reset_target(request):
    """The user a reset token is for, or None when it is bad, expired or already used."""
    try:
        payload = tokens.read_token(
            request.registry, tokens.RESET_PASSWORD, request.params.get("token")
        )
        user = request.dbsession.get(accounts.User, int(payload["user"]))
    except (tokens.BadToken, KeyError, TypeError, ValueError):
        return None
    if user is None or tokens.password_fingerprint(user.pw_hash) != payload.get("pw"):
        return None
    return user


@view_config(route_name="auth.forgot_password_verify", renderer="basic_auth/reset_password.html")
def reset_password(request):
    user = _reset_target(request)
    if user is None:
        request.response.status_int = 400
        return {"form": None, "token": None}
    form = ResetPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        user.pw_hash = _passwords(request).hash(form.password.data)
        accounts.end_all_sessions(request.dbsession, user)
        request.session.flash("Your password was changed. You can log in with it now.", "success")
        return HTTPFound(location=request.route_url("auth.login"))
    return {"form": form, "token": request.params.get("token")}


@view_config(
    route_name="edit.password",
    permission="edit_account",
    renderer="basic_auth/change_password.html",
)
def change_password(request):
    form = ChangePasswordForm(request.POST if request.method == "POST" else None)
    user = request.user
    if request.method == "POST" and form.validate():
        request.rate_limit("login", account=_account_key(user, user.username))
        passwords = _passwords(request)
        if not passwords.verify(form.old_password.data, user.pw_hash):
            form.old_password.errors = ["Wrong password."]
        else:
            user.pw_hash = passwords.hash(form.new_password.data)
            accounts.end_all_sessions(request.dbsession, user)
            headers = remember(request, user)
            request.session.flash("Your password was changed.", "success")
            return HTTPFound(location=request.route_url("edit.account"), headers=headers)
    return {"form": form}
