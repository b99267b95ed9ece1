"""The messages goblin sends about accounts: verification, password reset, email change,
registration decisions. Bodies are plain text; links are absolute and signed."""

from __future__ import annotations

from goblin import tokens
from goblin.db.models import User
from goblin.mail import send_mail


def _site(request) -> str:
    return request.registry.goblin_config.mediagoblin["html_title"]


def send_verification_email(request, user: User) -> None:
    token = tokens.make_token(request.registry, tokens.VERIFY_EMAIL, {"user": user.id})
    link = request.route_url("auth.verify_email", _query={"token": token})
    body = (
        f"Hi {user.username},\n\n"
        f"to activate your account on {_site(request)}, open this link:\n\n{link}\n\n"
        "The link works for ten days. If you did not create this account, ignore this "
        "message and nothing will happen.\n"
    )
    send_mail(
        request.registry,
        request.dbsession,
        user.email,
        f"{_site(request)}: verify your email address",
        body,
    )


def send_password_reset(request, user: User) -> None:
    payload = {"user": user.id, "pw": tokens.password_fingerprint(user.pw_hash)}
    token = tokens.make_token(request.registry, tokens.RESET_PASSWORD, payload)
    link = request.route_url("auth.forgot_password_verify", _query={"token": token})
    body = (
        f"Hi {user.username},\n\n"
        f"to choose a new password on {_site(request)}, open this link:\n\n{link}\n\n"
        "The link works once, for ten days. If you did not ask for it, ignore this message: "
        "your password stays as it is.\n"
    )
    send_mail(
        request.registry,
        request.dbsession,
        user.email,
        f"{_site(request)}: reset your password",
        body,
    )


def send_email_change(request, user: User, new_email: str, *, send_link: bool = True) -> None:
    """The confirmation link to ``new_email`` and a notice to the current address.

    With ``send_link`` false (the address belongs to another account) only the notice goes
    out: the member's own mailbox sees the same either way, so it reveals no accounts.
    """
    if send_link:
        token = tokens.make_token(
            request.registry, tokens.CHANGE_EMAIL, {"user": user.id, "email": new_email}
        )
        link = request.route_url("edit.verify_email", _query={"token": token})
        body = (
            f"Hi {user.username},\n\n"
            f"to use this address for your account on {_site(request)}, open this link:\n\n"
            f"{link}\n\nThe link works for ten days.\n"
        )
        send_mail(
            request.registry,
            request.dbsession,
            new_email,
            f"{_site(request)}: confirm your new email address",
            body,
        )
    notice = (
        f"Hi {user.username},\n\n"
        f"someone (hopefully you) asked to move your account on {_site(request)} to the "
        f"address {new_email}. Nothing changes until that address is confirmed. If this "
        "was not you, change your password.\n"
    )
    send_mail(
        request.registry,
        request.dbsession,
        user.email,
        f"{_site(request)}: email change requested",
        notice,
    )


def send_registration_decision(request, email: str, username: str, approved: bool) -> None:
    if approved:
        body = (
            f"Hi {username},\n\nyour application for an account on {_site(request)} was "
            "approved. A second message with a link to verify your address follows; "
            "after that, log in with the password you chose.\n"
        )
        subject = f"{_site(request)}: your account was approved"
    else:
        body = (
            f"Hi {username},\n\nsorry: your application for an account on "
            f"{_site(request)} was not approved.\n"
        )
        subject = f"{_site(request)}: your application"
    send_mail(request.registry, request.dbsession, email, subject, body)
