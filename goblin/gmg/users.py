"""User subcommands: adduser, makeadmin, changepw, deleteuser."""

from __future__ import annotations

import getpass

from sqlalchemy import select

from goblin import accounts
from goblin.db import session_scope
from goblin.db.models import User
from goblin.gmg.env import CommandError


def _ask(value: str | None, prompt: str, *, secret: bool = False) -> str:
    if value:
        return value
    try:
        answer = getpass.getpass(prompt) if secret else input(prompt)
    except EOFError:
        raise CommandError(f"no value given for {prompt.rstrip(': ').lower()}") from None
    if not answer.strip():
        raise CommandError(f"no value given for {prompt.rstrip(': ').lower()}")
    return answer.strip() if not secret else answer


def get_user(dbsession, username: str) -> User:
    """The user named ``username`` (any case), or CommandError naming who is missing."""
    user = dbsession.scalar(
        select(User).where(User.username == accounts.normalize_username(username))
    )
    if user is None:
        raise CommandError(f"no user named {username!r}")
    return user


def adduser(args, env) -> int:
    username = _ask(args.username, "Username: ")
    password = _ask(args.password, "Password: ", secret=True)
    email = _ask(args.email, "Email: ")
    registry = env.registry()
    try:
        with session_scope(registry) as dbsession:
            user = accounts.create_user(
                registry,
                dbsession,
                username=username,
                email=email,
                password=password,
                privileges=accounts.TRUSTED_PRIVILEGES,
            )
            name = user.username
    except accounts.AccountError as exc:
        raise CommandError(str(exc)) from None
    print(f"User {name} created (active; may upload, comment and report).")
    return 0


def makeadmin(args, env) -> int:
    registry = env.registry()
    with session_scope(registry) as dbsession:
        user = get_user(dbsession, args.username)
        accounts.grant(dbsession, user, ["admin"])
        name = user.username
    print(f"{name} is now an admin.")
    return 0


def changepw(args, env) -> int:
    registry = env.registry()
    try:
        accounts.check_password(args.password)
        with session_scope(registry) as dbsession:
            user = get_user(dbsession, args.username)
            user.pw_hash = accounts.hash_password(registry, args.password)
            accounts.end_all_sessions(dbsession, user)
    except accounts.AccountError as exc:
        raise CommandError(str(exc)) from None
    print(f"Password of {args.username} changed.")
    return 0


def deleteuser(args, env) -> int:
    registry = env.registry()
    with session_scope(registry) as dbsession:
        user = get_user(dbsession, args.username)
        name = user.username
        accounts.delete_user(registry, dbsession, user)
    print(f"User {name} and their media deleted.")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "adduser", help="create an active user (asks for what is missing)"
    )
    parser.add_argument("-u", "--username")
    parser.add_argument("-p", "--password")
    parser.add_argument("-e", "--email")
    parser.set_defaults(func=adduser)

    parser = subparsers.add_parser("makeadmin", help="give a user the admin privilege")
    parser.add_argument("username")
    parser.set_defaults(func=makeadmin)

    parser = subparsers.add_parser("changepw", help="set a user's password")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.set_defaults(func=changepw)

    parser = subparsers.add_parser("deleteuser", help="delete a user and everything they made")
    parser.add_argument("username")
    parser.set_defaults(func=deleteuser)
