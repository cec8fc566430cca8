"""Security headers on every response, in one place (issue 13).

Templates hold no inline script, handler attribute or style attribute, so the policy can
refuse them all: scripts and styles come from our own static files. A template that ever
needs an inline block gives it `nonce="{{ csp_nonce() }}"`; the nonce is made per response.
"""
from __future__ import annotations

import secrets

from flask import Flask, Response, g, request

#: `%(nonce)s` is filled per request; everything else is fixed.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'nonce-%(nonce)s'",
    "style-src 'self' 'nonce-%(nonce)s'",
    # blob: the capture screen shows photos just taken from object URLs of its own (photos/static).
    "img-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

#: Production runs behind HTTPS only: browsers remember that for a year.
HSTS = "max-age=31536000; includeSubDomains"


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_security(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY % {"nonce": csp_nonce()}
        headers["X-Frame-Options"] = "DENY"
        headers["X-Content-Type-Options"] = "nosniff"
        # Personal link tokens live in URLs (/f, /r, /s, /i): no page tells another site where it was.
        headers["Referrer-Policy"] = "no-referrer"
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        # Pages hold names and what people said: a shared tablet's browser must not show them
        # again from its cache (the back button after logging out). A route that wants another
        # policy sets its own (the capture screen: no-cache); our static files keep theirs.
        if "Cache-Control" not in headers and not (request.endpoint or "").endswith("static"):
            headers["Cache-Control"] = "no-store"
        if request.is_secure:  # over plain http the header means nothing (RFC 6797 says to ignore it)
            headers["Strict-Transport-Security"] = HSTS
        return response
