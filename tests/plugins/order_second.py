"""A test plugin answering the ``plugin_order`` hook with "second"; it has an option."""

from goblin.config.spec import Key
from goblin.config.types import Integer

config_spec = {"answer": Key(Integer(0, 100), 42, "A number the tests read back.")}

hooks = {"plugin_order": lambda: "second"}
