"""basic_auth: username-or-email and password login, logout and registration.

Options (``[[goblin.plugins.basic_auth]]``): the argon2id cost parameters. Hooks:
``authentication`` (an auth plugin is active), ``auth_gen_password_hash`` and
``auth_check_password`` (used by ``gmg adduser`` and ``changepw`` too).
"""

from __future__ import annotations

from goblin.config.spec import Key
from goblin.config.types import Integer
from goblin.plugins.basic_auth.passwords import Passwords

config_spec = {
    "argon2_time_cost": Key(Integer(1, 50), 3, "argon2id passes over memory."),
    "argon2_memory_cost": Key(Integer(8, 4_194_304), 65536, "argon2id memory in KiB."),
    "argon2_parallelism": Key(Integer(1, 64), 4, "argon2id lanes."),
}

hooks = {
    "authentication": lambda *args, **kwargs: True,
}


def includeme(config) -> None:
    from goblin.plugins import get_plugin_config

    options = get_plugin_config(config.registry, __name__)
    passwords = Passwords(
        time_cost=options["argon2_time_cost"],
        memory_cost=options["argon2_memory_cost"],
        parallelism=options["argon2_parallelism"],
    )
    config.registry.basic_auth_passwords = passwords
    config.registry.hooks.register(
        {
            "auth_gen_password_hash": lambda raw, extra_salt=None: passwords.hash(raw),
            "auth_check_password": lambda raw, stored, extra_salt=None: passwords.verify(
                raw, stored
            ),
        }
    )
    config.add_jinja2_search_path("goblin.plugins.basic_auth:templates", name=".html")
    config.add_route("auth.login", "/auth/login/")
    config.add_route("auth.logout", "/auth/logout/")
    config.add_route("auth.register", "/auth/register/")
    config.add_route("auth.forgot_password", "/auth/forgot_password/")
    config.add_route("auth.forgot_password_verify", "/auth/forgot_password/verify/")
    config.add_route("edit.password", "/edit/password/")
    config.registry.hooks.register_template_hooks(
        {"edit_link": "basic_auth/edit_link.html", "fp_link": "basic_auth/fp_link.html"}
    )
    config.scan("goblin.plugins.basic_auth.views")
