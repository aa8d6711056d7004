"""Security headers on every response (a plain ASGI middleware: no per-request task)."""
from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The app's pages use no script at all, so none may run, not even same-origin script (an
# archived .js under /replay/ is same-origin).
PAGE_CSP = ("default-src 'self'; script-src 'none'; img-src 'self' data:; frame-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")


class SecurityHeaders:
    """nosniff and no-referrer everywhere; a response without its own CSP (any type: XML and
    SVG documents run script too) gets the app's strict one and may only be framed by the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                headers.setdefault("Content-Security-Policy", PAGE_CSP)
                headers.setdefault("X-Frame-Options", "SAMEORIGIN")
            await send(message)

        await self.app(scope, receive, send_with_headers)
