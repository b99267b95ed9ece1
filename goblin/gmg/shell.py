"""``gmg shell``: a Python prompt with the app's registry and a database session."""

from __future__ import annotations

import code

from goblin.db import models

BANNER = """goblin shell
  registry  the application registry (settings, hooks, mailer...)
  db        a database session: db.commit() to save changes
  models    goblin.db.models (User, MediaEntry, ...)
  config    the validated mediagoblin.ini (config.mediagoblin["html_title"], ...)
"""


def shell(args, env) -> int:
    registry = env.registry()
    db = registry.dbsession_factory()
    namespace = {"registry": registry, "db": db, "models": models, "config": registry.goblin_config}
    try:
        if args.ipython:
            try:
                from IPython import start_ipython
            except ImportError:
                print("IPython is not installed; using the plain shell.")
            else:
                start_ipython(argv=[], user_ns=namespace)
                return 0
        code.interact(banner=BANNER, local=namespace)
    finally:
        db.close()
    return 0


def register(subparsers) -> None:
    parser = subparsers.add_parser("shell", help="an interactive Python shell")
    parser.add_argument("--ipython", action="store_true", help="use IPython if installed")
    parser.set_defaults(func=shell)
