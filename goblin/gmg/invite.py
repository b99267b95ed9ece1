"""``gmg invite``: make a single-use invitation link (registration_mode = invitation)."""

from __future__ import annotations

from goblin.db import session_scope
from goblin.registration import INVITATION_DAYS, create_invitation, registration_mode


def invite(args, env) -> int:
    registry = env.registry()
    with session_scope(registry) as dbsession:
        token = create_invitation(dbsession, None, days=args.days, note=args.note or "")
    path = f"/auth/register/?invite={token}"
    base = (args.url or "").rstrip("/")
    print(f"{base}{path}" if base else path)
    if not base:
        print("(put your site's address in front, or pass --url https://your.site)")
    mode = registration_mode(registry)
    if mode != "invitation":
        print(f"note: the site is in {mode} mode; set registration_mode = invitation to use it")
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("invite", help="make a single-use invitation link")
    parser.add_argument("--days", type=int, default=INVITATION_DAYS, help="days it stays valid")
    parser.add_argument("--note", help="who it is for (shown to admins)")
    parser.add_argument("--url", help="the site's address, to print a complete link")
    parser.set_defaults(func=invite)
