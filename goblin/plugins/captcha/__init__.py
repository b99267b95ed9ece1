"""captcha: a self-hosted CAPTCHA on the registration form; no third party is ever contacted.

Enable it with ``[[goblin.plugins.captcha]]`` (or ``[[mediagoblin.plugins.captcha]]``)
under ``[plugins]``. In ``image`` mode the form shows a distorted picture of characters,
with a text question as the accessible alternative; in ``pow`` mode the visitor's browser
does a small proof of work instead. Registration without a right answer is vetoed through
the ``auth_extra_validation`` hook. docs/plugins/captcha.md explains every option.
"""

from __future__ import annotations

from goblin.config.spec import Key
from goblin.config.types import Boolean, Choice, Integer
from goblin.plugins.captcha.challenges import Captcha, check_registration, new_captcha

config_spec = {
    "mode": Key(
        Choice("image", "pow"),
        "image",
        "image: a distorted picture (and a text question); pow: a proof of work in JavaScript.",
    ),
    "expiry_seconds": Key(Integer(1, 86400), 600, "How long a challenge can be answered."),
    "pow_difficulty": Key(
        Integer(1, 32), 18, "Leading zero bits the proof of work needs (each bit doubles it)."
    ),
    "image_length": Key(Integer(4, 10), 6, "Characters in the picture."),
    "image_width": Key(Integer(120, 800), 240, "Width of the picture in pixels."),
    "image_height": Key(Integer(40, 300), 80, "Height of the picture in pixels."),
    "text_alternative": Key(
        Boolean(), True, "Offer a text question to people who cannot see the picture."
    ),
}

hooks = {
    "auth_extra_validation": check_registration,
}


def includeme(config) -> None:
    from goblin.plugins import get_plugin_config

    registry = config.registry
    registry.captcha = Captcha(
        get_plugin_config(registry, __name__), secret=registry.secret, engine=registry.dbengine
    )
    config.add_request_method(new_captcha, "new_captcha")
    config.add_jinja2_search_path("goblin.plugins.captcha:templates", name=".html")
    config.add_template_hook("register_captcha", "captcha/register_captcha.html")
    config.add_plugin_static("captcha", "goblin.plugins.captcha:static")
    config.add_route("captcha.image", "/captcha/{challenge_id}.png")
    config.scan("goblin.plugins.captcha.views")
