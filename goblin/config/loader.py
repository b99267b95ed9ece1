"""Read mediagoblin.ini, check every value against the spec and return a typed GoblinConfig.

Any problem raises ConfigError whose message is one line naming the file, the section, the
key, the value and what was expected: that line is all an operator sees at start-up.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from configobj import ConfigObj, ConfigObjError, InterpolationError

from goblin.config.spec import ENVIRONMENT_OVERRIDES, SECTIONS, Spec
from goblin.config.types import BadValue, ParseContext, Path

SECRET_WORDS = ("pass", "secret", "dsn", "token", "key")
DEFAULT_SECTION = "DEFAULT"
PLUGINS_SECTION = "plugins"
URL_PASSWORD_RE = re.compile(r"(://[^/@:\s]*:)[^/@\s]*@")


class ConfigError(Exception):
    """A configuration problem, told in one line."""


@dataclass
class GoblinConfig:
    """The validated contents of one mediagoblin.ini."""

    path: str
    here: str
    data_basedir: str
    sections: dict[str, dict[str, Any]]
    #: Enabled plugins in file order: dotted name -> raw options (validated when loaded).
    plugins: dict[str, dict[str, Any]] = field(default_factory=dict)
    disabled_plugins: list[str] = field(default_factory=list)

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.sections[section]

    @property
    def mediagoblin(self) -> dict[str, Any]:
        return self.sections["mediagoblin"]

    @property
    def celery(self) -> dict[str, Any]:
        return self.sections["celery"]


def find_config_file(candidates: Iterable[str]) -> str:
    """Return the first readable file among ``candidates`` (MediaGoblin's lookup order)."""
    tried = []
    for candidate in candidates:
        candidate = os.path.abspath(os.path.expanduser(candidate))
        if os.path.isfile(candidate) and os.access(candidate, os.R_OK):
            return candidate
        tried.append(candidate)
    raise ConfigError("no configuration file found; tried: " + ", ".join(tried))


def describe_value(key: str, raw: Any) -> str:
    """Show a value in an error line, hiding anything that looks like a secret.

    The password in a URL (``postgresql://user:password@host/db``) is hidden too.
    """
    if any(word in key.lower() for word in SECRET_WORDS):
        return "'***'"
    if isinstance(raw, list):
        raw = ", ".join(raw)
    return repr(URL_PASSWORD_RE.sub(r"\1***@", str(raw)))


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {close[0]}?" if close else ""


def validate_options(
    spec: Spec,
    raw: Mapping[str, Any],
    *,
    where: str,
    ctx: ParseContext,
    defaults_vars: Mapping[str, str],
) -> dict[str, Any]:
    """Check ``raw`` (one section's key -> text) against ``spec``; return typed values.

    ``where`` is the "file: [section]" prefix for error lines. Keys missing from ``raw``
    take their default, interpolated with ``defaults_vars``.
    """
    values: dict[str, Any] = {}
    for key, raw_value in raw.items():
        if key not in spec:
            shown = describe_value(key, raw_value)
            raise ConfigError(f"{where} {key} = {shown}: unknown key{_suggest(key, spec)}")
        try:
            values[key] = spec[key].type.parse(raw_value, ctx)
        except BadValue as exc:
            shown = describe_value(key, raw_value)
            raise ConfigError(f"{where} {key} = {shown}: expected {exc}") from None
    for key, entry in spec.items():
        if key in values:
            continue
        default = entry.default
        if isinstance(default, str):
            # Defaults go through their type like written values (paths get resolved,
            # rates parsed...); only they may use %(here)s and %(data_basedir)s.
            text = default % defaults_vars if "%(" in default else default
            default = entry.type.parse(text, ctx)
        elif isinstance(default, list):
            default = list(default)
        values[key] = default
    return values


def _read(path: str) -> ConfigObj:
    try:
        return ConfigObj(path, encoding="utf-8", interpolation="ConfigParser", file_error=True)
    except (OSError, UnicodeError, ConfigObjError) as exc:
        # With several errors configobj only says "Parsing failed with several errors.":
        # the first one says where.
        first = (getattr(exc, "errors", None) or [exc])[0]
        text = str(first).strip()
        detail = text.splitlines()[0] if text else type(first).__name__
        raise ConfigError(f"{path}: cannot be read: {detail}") from None


def _section_values(section, where: str) -> dict[str, Any]:
    """Interpolated scalars of a configobj section; a nested section here is an error."""
    if section.sections:
        raise ConfigError(f"{where} [[{section.sections[0]}]]: unexpected subsection")
    values = {}
    for key in section.scalars:
        try:
            values[key] = section[key]
        except InterpolationError as exc:
            raise ConfigError(f"{where} {key}: {exc}") from None
    return values


def load_config(path: str, environ: Mapping[str, str] | None = None) -> GoblinConfig:
    """Read and validate the mediagoblin.ini at ``path``."""
    environ = os.environ if environ is None else environ
    path = os.path.abspath(path)
    here = os.path.dirname(path)
    ctx = ParseContext(here=here)
    parsed = _read(path)

    defaults = parsed.setdefault(DEFAULT_SECTION, {})
    defaults["here"] = here
    defaults["__file__"] = path
    defaults.setdefault("data_basedir", "%(here)s/user_dev")
    try:
        data_basedir = Path().parse(defaults["data_basedir"], ctx)
    except (BadValue, InterpolationError):
        raise ConfigError(
            f"{path}: [DEFAULT] data_basedir = {defaults.get('data_basedir')!r}: expected a path"
        ) from None
    defaults_vars = {"here": here, "data_basedir": data_basedir}

    sections: dict[str, dict[str, Any]] = {}
    for name in parsed.sections:
        if name in (DEFAULT_SECTION, PLUGINS_SECTION):
            continue
        if name not in SECTIONS:
            raise ConfigError(f"{path}: [{name}]: unknown section{_suggest(name, SECTIONS)}")
    for name, spec in SECTIONS.items():
        where = f"{path}: [{name}]"
        raw = _section_values(parsed[name], where) if name in parsed else {}
        sections[name] = validate_options(
            spec, raw, where=where, ctx=ctx, defaults_vars=defaults_vars
        )

    for variable, (section, key) in ENVIRONMENT_OVERRIDES.items():
        if variable in environ:
            spec_key = SECTIONS[section][key]
            try:
                sections[section][key] = spec_key.type.parse(environ[variable], ctx)
            except BadValue as exc:
                shown = describe_value(key, environ[variable])
                raise ConfigError(
                    f"{path}: [{section}] {key} = {shown} (from the environment variable "
                    f"{variable}): expected {exc}"
                ) from None

    plugins: dict[str, dict[str, Any]] = {}
    disabled: list[str] = []
    if PLUGINS_SECTION in parsed:
        plugin_section = parsed[PLUGINS_SECTION]
        if plugin_section.scalars:
            key = plugin_section.scalars[0]
            raise ConfigError(
                f"{path}: [plugins] {key}: expected plugins as [[dotted.module]] subsections"
            )
        for name in plugin_section.sections:
            if name.startswith("-"):
                disabled.append(name[1:].strip())
                continue
            try:
                plugins[name] = plugin_section[name].dict()
            except InterpolationError as exc:
                raise ConfigError(f"{path}: [plugins] [[{name}]]: {exc}") from None

    return GoblinConfig(
        path=path,
        here=here,
        data_basedir=data_basedir,
        sections=sections,
        plugins=plugins,
        disabled_plugins=disabled,
    )
