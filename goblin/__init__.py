"""goblin: a self-hosted media publishing site. ``main`` is the PasteDeploy entry point."""

from __future__ import annotations

import sys


def main(global_config, **settings):
    """Build the WSGI app from paste.ini's [app:main]; a config problem exits with one line."""
    from pyramid.exceptions import ConfigurationError

    from goblin.config.configure import configure
    from goblin.config.loader import ConfigError
    from goblin.startup import StartupError, check_database

    try:
        config = configure(settings)
        app = config.make_wsgi_app()
        check_database(config.registry)
    except (ConfigError, StartupError) as exc:
        print(f"goblin: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    except ConfigurationError as exc:
        # Pyramid's own start-up errors (two plugins adding one route name...) span several
        # lines: say it on one, naming the files and lines involved.
        print(f"goblin: {' '.join(str(exc).split())}", file=sys.stderr)
        raise SystemExit(1) from None
    except OSError as exc:
        # A data folder that cannot be created or read: say which, without a traceback.
        print(
            f"goblin: cannot use {exc.filename or 'a file'}: {exc.strerror or exc}", file=sys.stderr
        )
        raise SystemExit(1) from None
    return app
