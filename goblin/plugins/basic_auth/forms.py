"""Login and registration forms (MediaGoblin's field names)."""

from __future__ import annotations

from wtforms import EmailField, Form, PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from goblin import accounts


def _rule(check, normalize=lambda value: value):
    """Turn an accounts.check_* function into a WTForms validator."""

    def validator(form, field) -> None:
        try:
            check(normalize(field.data or ""))
        except accounts.AccountError as exc:
            raise ValidationError(str(exc)) from None

    return validator


class LoginForm(Form):
    username = StringField(
        "Username or email", [InputRequired(message="This field is required."), Length(max=254)]
    )
    password = PasswordField(
        "Password", [InputRequired(message="This field is required."), Length(max=1024)]
    )


class RegistrationForm(Form):
    username = StringField(
        "Username",
        [
            InputRequired(message="This field is required."),
            _rule(accounts.check_username, accounts.normalize_username),
        ],
    )
    email = EmailField(
        "Email address",
        [
            InputRequired(message="This field is required."),
            _rule(accounts.check_email, accounts.normalize_email),
        ],
    )
    password = PasswordField(
        "Password",
        [InputRequired(message="This field is required."), _rule(accounts.check_password)],
    )


class ApplicationForm(RegistrationForm):
    """Registration in ``approval`` mode: the applicant says why they want an account."""

    reason = TextAreaField(
        "Why would you like an account?",
        [
            InputRequired(message="Please tell the moderators a little about yourself."),
            Length(max=2000),
        ],
    )


class ForgotPasswordForm(Form):
    username = StringField(
        "Username or email", [InputRequired(message="This field is required."), Length(max=254)]
    )


class ResetPasswordForm(Form):
    password = PasswordField(
        "New password",
        [InputRequired(message="This field is required."), _rule(accounts.check_password)],
    )


class ChangePasswordForm(Form):
    old_password = PasswordField(
        "Old password", [InputRequired(message="This field is required."), Length(max=1024)]
    )
    new_password = PasswordField(
        "New password",
        [InputRequired(message="This field is required."), _rule(accounts.check_password)],
    )
