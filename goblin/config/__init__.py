"""Configuration: reading mediagoblin.ini and building the one Configurator every process uses."""

from goblin.config.loader import ConfigError, GoblinConfig, find_config_file, load_config

__all__ = ["ConfigError", "GoblinConfig", "find_config_file", "load_config"]
