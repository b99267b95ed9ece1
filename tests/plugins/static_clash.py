"""Test plugin claiming the plugin static name "sampleplugin", which the sample plugin uses."""


def includeme(config) -> None:
    config.add_plugin_static("sampleplugin", "tests.plugins:probe_static")
