"""Test plugin adding a route under the sample plugin's route name: start-up must refuse."""


def includeme(config) -> None:
    config.add_route("sampleplugin.page", "/route-clash/")
