"""The web app: JSON API, server-rendered pages, sandboxed replay and static assets."""
from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from spamline import __version__
from spamline.datadir import DataDir
from spamline.plural import noun, plural
from spamline.store import StoreUnavailable, open_store
from spamline.web import api, pages, replay
from spamline.web.auth import Users
from spamline.web.deps import LoginRequired
from spamline.web.headers import SecurityHeaders
from spamline.web.origin import same_origin
from spamline.web.ratelimit import TokenBucket

HERE = Path(__file__).parent
log = logging.getLogger(__name__)


def create_app(data_dir: DataDir, store_url: str | None = None, *,
               rate: float = 10.0, burst: int = 60,
               login_rate: float = 1 / 6, login_burst: int = 10,
               read_only: bool = False, trusted_proxies: Sequence[str] = ()) -> FastAPI:
    """The app over one data dir. Each user (token or session) may make ``rate`` req/s, bursts
    of ``burst``; each client address ``login_burst`` failed sign-ins, then ``login_rate``/s.
    ``read_only`` serves a read-only archive: nothing is written to the data dir (sessions
    live in memory, evidence packages cannot be made). ``trusted_proxies`` (addresses or
    networks of reverse proxies in front of the app): only on a request from one of them do
    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` name the client's address and scheme."""
    store = open_store(store_url, data_dir, read_only=read_only)
    users = Users.of(data_dir, read_only)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        store.close()
        users.close()

    app = FastAPI(
        title="spamline", version=__version__, lifespan=lifespan,
        dependencies=[Depends(same_origin)],
        docs_url=None, redoc_url=None,  # their pages load script from a CDN; the app works offline
        description="Search phone-number spam sightings, numbers, brands and networks; "
                    "download takedown evidence. Authenticate with `Authorization: Bearer "
                    "<token>` (tokens come from `spamline user add`).",
    )
    app.state.data_dir = data_dir
    app.state.read_only = read_only
    app.state.store = store
    app.state.users = users
    app.state.limiter = TokenBucket(rate, burst)
    app.state.login_limiter = TokenBucket(login_rate, login_burst)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.filters.update(plural=plural, noun=noun)

    app.include_router(api.router)
    app.include_router(pages.router)
    replay.mount(app, data_dir)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={exc.next_path}", status_code=303)

    @app.exception_handler(StoreUnavailable)
    async def store_down(request: Request, exc: StoreUnavailable) -> Response:
        log.warning("store unavailable: %s", exc)
        return await http_error(request, StarletteHTTPException(
            503, f"the store is unavailable, try again shortly: {exc}"))

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> Response:
        # ASCII JSON: the input echoed back may hold lone surrogates, which UTF-8 cannot encode
        body = json.dumps({"detail": jsonable_encoder(exc.errors())}, ensure_ascii=True)
        return Response(body, 422, media_type="application/json")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        wants_html = "text/html" in request.headers.get("accept", "")
        if request.url.path.startswith("/api/") or not wants_html:
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        return pages.error_page(request, exc.status_code, str(exc.detail), exc.headers)
    app.add_middleware(SecurityHeaders)
    if trusted_proxies:  # outermost: every check after it sees the client, not the proxy
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(trusted_proxies))

    return app
