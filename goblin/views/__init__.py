"""Core views, one module per area; each module's includeme adds its routes."""


def includeme(config) -> None:
    config.include(".root")
    config.include(".errors")
    config.include(".submit")
    config.include(".user_pages")
    config.include(".media")
    config.include(".tags")
    config.include(".account")
    config.include(".moderation")
    config.include(".health")
