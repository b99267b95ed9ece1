"""Headers every response carries: no MIME sniffing, no framing by other sites, referrer policy."""

from __future__ import annotations

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
}


def security_headers_tween_factory(handler, registry):
    # same-origin keeps the Referer for our own pages (Pyramid's CSRF origin check on https
    # relies on it) and sends nothing to other sites, which is what no_referrer asks for.
    referrer_policy = (
        "same-origin"
        if registry.goblin_config.mediagoblin["no_referrer"]
        else "strict-origin-when-cross-origin"
    )

    def security_headers_tween(request):
        response = handler(request)
        headers = response.headers
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        headers.setdefault("Referrer-Policy", referrer_policy)
        if "Content-Security-Policy" not in headers:
            headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        return response

    return security_headers_tween


def includeme(config) -> None:
    config.add_tween("goblin.tweens.security_headers_tween_factory")
