"""Test plugin "beta": answers the probe hooks with its label (see tests/plugins/labelled.py)."""

from tests.plugins.labelled import label_spec, labelled_hooks

config_spec = label_spec("beta")
hooks = labelled_hooks(__name__)
