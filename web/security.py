"""Security headers on every response.

Why so strict: report text comes from files anyone could have written, and the archive is
cited by journalists; a CSP without inline script means that even an escaping bug could not
run script, and frame denial stops the pages being dressed up inside someone else's site.
"""

from __future__ import annotations

from flask import Flask, Response

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_headers(response: Response) -> Response:
    """Set the headers unless a view already chose its own value."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Register the after-request hook."""
    app.after_request(add_headers)
