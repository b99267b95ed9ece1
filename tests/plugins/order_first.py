"""A test plugin answering the ``plugin_order`` hook with "first" (see test_config)."""

hooks = {"plugin_order": lambda: "first"}
