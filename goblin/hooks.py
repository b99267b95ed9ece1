"""The hook table plugins extend, kept on the Pyramid registry (never module-level).

Semantics follow MediaGoblin so plugin authors' knowledge carries over:

- ``handle``: call in registration order; the first non-None result wins, else the default.
- ``runall``: call every callable; return the list of non-None results.
- ``transform``: pipe one value through every callable.
- template hooks: hook name -> templates rendered by ``{% template_hook("name") %}``.

Hook names may be strings or tuples (``("media_manager", "image")``), as upstream allows.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any


class HookRegistry:
    """Hook name -> callables, plus template hook name -> template paths."""

    def __init__(self) -> None:
        self._hooks: dict[Hashable, list[Callable[..., Any]]] = {}
        self._template_hooks: dict[str, list[str]] = {}

    def register(self, hooks: Mapping[Hashable, Callable[..., Any] | Iterable[Callable]]) -> None:
        """Add a plugin's ``hooks`` dict; a value may be one callable or a list of them."""
        for name, value in hooks.items():
            callables = list(value) if isinstance(value, list | tuple) else [value]
            for func in callables:
                if not callable(func):
                    raise TypeError(f"hook {name!r}: {func!r} is not callable")
            self._hooks.setdefault(name, []).extend(callables)

    def callables(self, name: Hashable) -> list[Callable[..., Any]]:
        return list(self._hooks.get(name, ()))

    def handle(
        self,
        name: Hashable,
        *args: Any,
        default_handler: Callable[..., Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        for func in self._hooks.get(name, ()):
            result = func(*args, **kwargs)
            if result is not None:
                return result
        if default_handler is not None:
            return default_handler(*args, **kwargs)
        return None

    def runall(self, name: Hashable, *args: Any, **kwargs: Any) -> list[Any]:
        results = []
        for func in self._hooks.get(name, ()):
            result = func(*args, **kwargs)
            if result is not None:
                results.append(result)
        return results

    def transform(self, name: Hashable, arg: Any) -> Any:
        for func in self._hooks.get(name, ()):
            arg = func(arg)
        return arg

    def register_template_hooks(self, hooks: Mapping[str, str | Iterable[str]]) -> None:
        """Add template paths (asset specs or loader paths) under template hook names."""
        for name, templates in hooks.items():
            paths = [templates] if isinstance(templates, str) else list(templates)
            self._template_hooks.setdefault(name, []).extend(paths)

    def template_hook_templates(self, name: str) -> list[str]:
        return list(self._template_hooks.get(name, ()))


def add_template_hook(config, name: str, templates: str | Iterable[str]) -> None:
    """Configurator directive: render ``templates`` where ``{% template_hook(name) %}`` is."""
    config.registry.hooks.register_template_hooks({name: templates})


def includeme(config) -> None:
    config.registry.hooks = HookRegistry()
    config.add_directive("add_template_hook", add_template_hook)
