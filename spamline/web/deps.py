"""FastAPI dependencies: the store, the signed-in user (token or cookie) and their scope."""
from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from spamline.evidence.scope import known_hubs
from spamline.store.base import Store
from spamline.web.auth import User
from spamline.web.scope import Scope

SESSION_COOKIE = "spamline_session"

bearer = HTTPBearer(auto_error=False, description="API token printed by `spamline user add`")


class LoginRequired(Exception):
    """A page was asked for without a valid session; the app redirects to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


# These dependencies are async on purpose: each is a quick lookup, and a sync one would
# cost a thread-pool hop per request.
async def get_store(request: Request) -> Store:
    return request.app.state.store


def get_hubs(request: Request) -> frozenset[str]:
    """The shared hotlines of the data dir's last network build: no brand's (evidence.scope)."""
    return known_hubs(request.app.state.data_dir.root)


HubsDep = Annotated[frozenset[str], Depends(get_hubs)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "-"


def too_many(wait: float, what: str = "rate limit reached") -> HTTPException:
    """429 with Retry-After for a wait of ``wait`` seconds."""
    seconds = max(1, math.ceil(wait))
    return HTTPException(429, f"{what}; retry in {seconds} s",
                         headers={"Retry-After": str(seconds)})


async def api_user(request: Request,
             creds: HTTPAuthorizationCredentials | None = Security(bearer)) -> User:
    """The user behind the Bearer token, after spending one token of their rate limit."""
    state = request.app.state
    user = state.users.by_token(creds.credentials) if creds else None
    wait = state.limiter.take(f"user:{user.name}" if user else f"ip:{client_address(request)}")
    if wait:
        raise too_many(wait)
    if user is None:
        raise HTTPException(
            401, "missing or unknown API token: send `Authorization: Bearer <token>` "
                 "(an administrator creates one with `spamline user add`)",
            headers={"WWW-Authenticate": "Bearer"})
    return user


async def page_user(request: Request) -> User:
    """The user behind the session cookie, held to the same rate limit as their API token;
    without a session, redirect to the login form."""
    session = request.cookies.get(SESSION_COOKIE)
    user = request.app.state.users.by_session(session) if session else None
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(quote(target, safe="/?=&%+:"))
    wait = request.app.state.limiter.take(f"user:{user.name}")
    if wait:
        raise too_many(wait)
    return user


def _scope(request: Request, user: User) -> Scope:
    return Scope.of(user, [] if user.is_analyst else request.app.state.store.brands())


async def api_scope(request: Request, user: User = Depends(api_user)) -> Scope:
    return _scope(request, user)


async def page_scope(request: Request, user: User = Depends(page_user)) -> Scope:
    return _scope(request, user)
