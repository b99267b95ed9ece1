"""``gmg``: MediaGoblin's command-line tool, with its subcommands and options.

Global option ``-cf/--conf_file`` (or MEDIAGOBLIN_CONFIG) names mediagoblin.ini; by default
mediagoblin_local.ini, then mediagoblin.ini, in the current folder. Every error is one line
on stderr and a non-zero exit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from goblin.config.loader import ConfigError
from goblin.gmg import dbupdate, invite, media, reprocess, shell, users, worker
from goblin.gmg.env import CommandEnv, CommandError
from goblin.startup import StartupError

SUBCOMMANDS = (dbupdate, users, shell, media, worker, invite, reprocess)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gmg", description="goblin's administration tool")
    parser.add_argument(
        "-cf",
        "--conf_file",
        default=None,
        help="mediagoblin.ini to use (default: $MEDIAGOBLIN_CONFIG, mediagoblin_local.ini, "
        "mediagoblin.ini)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="command", required=True)
    for module in SUBCOMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    # Only subcommands that pass arguments on (``gmg celery``) accept unknown ones.
    args, extra_args = parser.parse_known_args(argv)
    if extra_args and not getattr(args, "accepts_extra_args", False):
        parser.error(f"unrecognized arguments: {' '.join(extra_args)}")
    args.extra_args = extra_args
    env = CommandEnv(args.conf_file)
    try:
        return args.func(args, env) or 0
    except (ConfigError, StartupError, CommandError) as exc:
        print(f"gmg: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"gmg: cannot use {exc.filename or 'a file'}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("gmg: interrupted", file=sys.stderr)
        return 130
    finally:
        env.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
