"""Test sites: a folder with a mediagoblin.ini (and paste.ini) as an operator would have.

``write_site(folder, database_url, overrides)`` writes the files; ``build_app(ini)`` builds
the WSGI app through goblin's own paste entry point, exactly as pserve does.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import goblin

# Cheap argon2 parameters keep the suite fast; the production defaults live in the spec.
BASE_SECTIONS: dict[str, dict[str, Any]] = {
    "mediagoblin": {
        "html_title": "Test Goblin",
        "email_debug_mode": "true",
        "allow_registration": "false",
    },
    "celery": {"CELERY_ALWAYS_EAGER": "true"},
    # Tests share one client address; the rate-limit tests set the real limits back.
    "ratelimit": {
        "login": "1000/5m",
        "registration": "1000/5m",
        "password_reset": "1000/5m",
        "mail": "1000/5m",
    },
}
BASE_PLUGINS: dict[str, dict[str, Any]] = {
    "goblin.plugins.basic_auth": {
        "argon2_time_cost": "1",
        "argon2_memory_cost": "1024",
        "argon2_parallelism": "1",
    },
}

PASTE_INI = """[app:main]
use = egg:goblin
config = %(here)s/mediagoblin_local.ini %(here)s/mediagoblin.ini

[server:main]
use = egg:goblin#waitress
host = 127.0.0.1
port = 6543
"""


def render_ini(
    sections: Mapping[str, Mapping[str, Any]], plugins: Mapping[str, Mapping[str, Any]]
) -> str:
    lines = ["[DEFAULT]", "data_basedir = %(here)s/user_dev", ""]
    for name, values in sections.items():
        lines.append(f"[{name}]")
        lines.extend(f"{key} = {value}" for key, value in values.items())
        lines.append("")
    lines.append("[plugins]")
    for name, values in plugins.items():
        lines.append(f"[[{name}]]")
        lines.extend(f"{key} = {value}" for key, value in values.items())
    return "\n".join(lines) + "\n"


def merged(base: Mapping, overrides: Mapping | None) -> dict:
    result = {name: dict(values) for name, values in base.items()}
    for name, values in (overrides or {}).items():
        if values is None:
            result.pop(name, None)
        else:
            result.setdefault(name, {}).update(values)
    return result


def write_site(
    folder: str,
    database_url: str,
    sections: Mapping[str, Mapping[str, Any]] | None = None,
    plugins: Mapping[str, Mapping[str, Any] | None] | None = None,
) -> str:
    """Write mediagoblin.ini and paste.ini into ``folder``; return the mediagoblin.ini path."""
    os.makedirs(folder, exist_ok=True)
    all_sections = merged(BASE_SECTIONS, sections)
    all_sections["mediagoblin"]["sql_engine"] = database_url
    ini_path = os.path.join(folder, "mediagoblin.ini")
    with open(ini_path, "w", encoding="utf-8") as handle:
        handle.write(render_ini(all_sections, merged(BASE_PLUGINS, plugins)))
    with open(os.path.join(folder, "paste.ini"), "w", encoding="utf-8") as handle:
        handle.write(PASTE_INI)
    return ini_path


def build_app(ini_path: str):
    """The WSGI app, built by goblin's PasteDeploy entry point like pserve builds it."""
    return goblin.main({"__file__": ini_path, "here": os.path.dirname(ini_path)}, config=ini_path)
