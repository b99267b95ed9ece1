"""Log in, log out and register, at MediaGoblin's URLs."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.security import forget, remember
from pyramid.view import view_config

from goblin import accounts
from goblin.plugins.basic_auth.forms import LoginForm, RegistrationForm
from goblin.urls import safe_next


def _passwords(request):
    return request.registry.basic_auth_passwords


@view_config(route_name="auth.login", renderer="basic_auth/login.html")
def login(request):
    form = LoginForm(request.POST)
    next_url = safe_next(request.params.get("next"), default="")
    login_failed = False
    if request.method == "POST" and form.validate():
        passwords = _passwords(request)
        user = accounts.find_user(request.dbsession, form.username.data)
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
        "allow_registration": request.registry.goblin_config.mediagoblin["allow_registration"],
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


@view_config(route_name="auth.register", renderer="basic_auth/register.html")
def register(request):
    if not request.registry.goblin_config.mediagoblin["allow_registration"]:
        request.response.status_int = 403
        return {"closed": True, "form": None}
    form = RegistrationForm(request.POST)
    if request.method == "POST" and form.validate():
        extra_ok = all(request.registry.hooks.runall("auth_extra_validation", form, request))
        if extra_ok:
            try:
                user = accounts.create_user(
                    request.registry,
                    request.dbsession,
                    username=form.username.data,
                    email=form.email.data,
                    password=form.password.data,
                    privileges=request.registry.goblin_config.mediagoblin["user_privilege_scheme"],
                )
            except accounts.AccountError as exc:
                form.form_errors.append(str(exc))
            else:
                headers = remember(request, user)
                request.session.flash(
                    f"Welcome, {user.username}! Your account has been created.", "success"
                )
                return HTTPFound(location=request.route_url("index"), headers=headers)
    return {"closed": False, "form": form}
