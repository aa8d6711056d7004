"""Cross-site request forgery guard: a state-changing request must come from the app's own pages.

Browsers send ``Origin`` on every POST and ``Sec-Fetch-Site`` on every request; one of them
says where a request comes from. ``Origin: null`` says nothing: sandboxed frames (a replayed
page) send it, and so do the app's own forms, since its pages set ``Referrer-Policy:
no-referrer``; then ``Sec-Fetch-Site`` decides, and without it the request is refused. A
request carrying none of them is not from a browser that could hold the user's session
cookie (curl with a Bearer token), so it passes. Origins compare scheme, host and port.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import HTTPException, Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> str | None:
    """scheme://host[:port] of an absolute URL, lower-cased, the scheme's default port left out
    (RFC 6454: http and https on one host are two origins)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.scheme.lower() not in DEFAULT_PORTS:
        return None
    scheme = parts.scheme.lower()
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{scheme}://{host}" + ("" if port in (None, DEFAULT_PORTS[scheme]) else f":{port}")


def foreign_origin(request: Request) -> str | None:
    """Why the request is from another site, or None when it is from this one (or not a browser).
    The app's own origin is its scheme (https behind a trusted proxy that says so: create_app's
    trusted_proxies) and its Host header."""
    own = _origin(f"{request.url.scheme}://{request.headers.get('host', '')}")
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        return None if own and _origin(origin) == own else f"Origin {origin!r}"
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return None if fetch_site in ("same-origin", "none") else f"Sec-Fetch-Site {fetch_site!r}"
    if origin == "null":
        return "Origin 'null'"
    referer = request.headers.get("referer")
    if referer is not None and _origin(referer) != own:
        return f"Referer {referer!r}"
    return None


async def same_origin(request: Request) -> None:
    """Refuse (403) a state-changing request that another site's page sent."""
    if request.method in SAFE_METHODS:
        return
    why = foreign_origin(request)
    if why:
        raise HTTPException(403, f"refused: this request came from another site ({why}). "
                                 "Use the form on this site's own pages.")
