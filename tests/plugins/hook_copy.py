"""Test plugin whose template_context_prerender hook returns a new dict instead of the one
it was given (upstream renders whatever the hook returns, so goblin must keep the change)."""


def retitle(context):
    return {**context, "html_title": context["html_title"] + " +copy"}


hooks = {"template_context_prerender": retitle}
