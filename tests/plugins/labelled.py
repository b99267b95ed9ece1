"""What the two "labelled" test plugins (hook_alpha, hook_beta) share.

Each answers the probe hooks with its ``label`` option, so a page or a hook's result
shows which plugins ran and in which order.
"""

from __future__ import annotations

from goblin.config.spec import Key
from goblin.config.types import Boolean, String
from goblin.plugins import get_plugin_config


def label_spec(label: str) -> dict:
    return {
        "label": Key(String(False), label, "What this plugin answers with."),
        "pick": Key(Boolean(), False, "Answer the probe_pick handle hook (else decline)."),
    }


def labelled_hooks(module_name: str) -> dict:
    """Hooks answering with the options of plugin ``module_name``."""

    def options(request) -> dict:
        return get_plugin_config(request.registry, module_name)

    def names(request):  # runall
        return options(request)["label"]

    def pick(request):  # handle: None declines, so a later plugin or the default answers
        return options(request)["label"] if options(request)["pick"] else None

    def title(context):  # transform, through core: every page's <title> shows the chain
        context["html_title"] += " +" + options(context["request"])["label"]
        return context

    return {"probe_names": names, "probe_pick": pick, "template_context_prerender": title}
