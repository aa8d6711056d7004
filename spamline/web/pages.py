"""Server-rendered pages for analysts and brand owners, over the same queries as the API."""
from __future__ import annotations

from typing import Annotated, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from spamline.model import Network
from spamline.store.base import SearchFilters, Store
from spamline.web import exports, queries
from spamline.web.deps import (
    SESSION_COOKIE,
    HubsDep,
    client_address,
    get_store,
    page_scope,
    too_many,
)
from spamline.web.replay import replay_url
from spamline.web.schemas import ExportRequest, NumberType
from spamline.web.scope import Scope

router = APIRouter(include_in_schema=False)

ScopeDep = Annotated[Scope, Depends(page_scope)]
StoreDep = Annotated[Store, Depends(get_store)]
Offset = Annotated[int, Query(ge=0, le=100_000)]
PAGE_SIZE = 50
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.setdefault("user", None)
    return request.app.state.templates.TemplateResponse(
        request, template, {"replay_url": replay_url, **context}, status_code=status_code)


def error_page(request: Request, status: int, message: str,
               headers: dict | None = None) -> HTMLResponse:
    session = request.cookies.get(SESSION_COOKIE)
    user = request.app.state.users.by_session(session) if session else None
    response = render(request, "error.html", status, user=user, status=status, message=message)
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def _more(request: Request, next_offset: int | None) -> str | None:
    """The URL of the next page, keeping the other query parameters."""
    if next_offset is None:
        return None
    params = dict(request.query_params)
    params["offset"] = str(next_offset)
    return f"{request.url.path}?{urlencode(params)}"


# --- login ------------------------------------------------------------------
def _safe_next(target: str) -> str:
    """Only paths on this site ("//host" and "/\\host" are other sites to a browser)."""
    return target if target.startswith("/") and target[1:2] not in ("/", "\\") else "/"


@router.get("/login")
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=_safe_next(next), error=None)


@router.post("/login")
def login(request: Request, token: Annotated[str, Form()],
          next: Annotated[str, Form()] = "/") -> Response:
    users, limiter = request.app.state.users, request.app.state.login_limiter
    address = f"login:{client_address(request)}"
    wait = limiter.wait(address)
    if wait:  # even a good token waits: the limit must not tell which tokens are good
        raise too_many(wait, "too many failed sign-ins from your address")
    user = users.by_token(token.strip())
    if user is None:
        limiter.take(address)
        return render(request, "login.html", 401, next=_safe_next(next),
                      error="That token is not valid. Ask an administrator for one "
                            "(`spamline user add`).")
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, users.open_session(user), httponly=True,
                        samesite="strict", secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        request.app.state.users.close_session(session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- search -----------------------------------------------------------------
@router.get("/")
def home(request: Request, scope: ScopeDep, store: StoreDep,
         q: Annotated[str, Query(max_length=200)] = "",
         number_type: str | None = None, brand: str | None = None, domain: str | None = None,
         since: str | None = None, until: str | None = None, offset: Offset = 0) -> HTMLResponse:
    q = q.strip()
    page = totals = None
    if q:
        filters = SearchFilters(since=since or None, until=until or None,
                                number_type=number_type or None, brand=brand or None,
                                domain=domain or None)
        page = queries.search(store, scope, q, filters, PAGE_SIZE, offset)
        totals = queries.totals(store, scope, q, filters) if page.items else None
    found = queries.find_number(store, scope, q) if q else None
    return render(request, "search.html", user=scope.user, q=q, page=page,
                  filters={"number_type": number_type, "brand": brand, "domain": domain,
                           "since": since, "until": until}, number_types=get_args(NumberType),
                  number=found.e164 if found else None,
                  more=_more(request, page.next_offset) if page else None, totals=totals,
                  counts=None if q or scope.restricted else store.counts())


# --- numbers ----------------------------------------------------------------
@router.get("/numbers/{number}")
def number(request: Request, number: str, scope: ScopeDep, store: StoreDep,
           offset: Offset = 0) -> HTMLResponse:
    profile = queries.find_number(store, scope, number)
    if profile is None:
        raise HTTPException(404, f"No sightings of {number!r} that you can see. "
                                 "Check the number (with its country code) or search for it.")
    page = queries.number_sightings(store, scope, profile.e164, PAGE_SIZE, offset)
    net = queries.network(store, scope, profile.network_id) if profile.network_id else None
    return render(request, "number.html", user=scope.user, profile=profile, page=page,
                  network=net, more=_more(request, page.next_offset))


# --- brands -----------------------------------------------------------------
@router.get("/brands")
def brands(request: Request, scope: ScopeDep, store: StoreDep) -> HTMLResponse:
    return render(request, "brands.html", user=scope.user, brands=queries.brands(store, scope))


@router.get("/brands/{name:path}")  # a brand name may hold "/"
def brand(request: Request, name: str, scope: ScopeDep, store: StoreDep, hubs: HubsDep,
          offset: Offset = 0) -> HTMLResponse:
    found = queries.brand(store, scope, name)
    if found is None:
        raise HTTPException(404, f"No brand {name!r} that you can see. "
                                 "The brands page lists the ones you can.")
    page = queries.brand_report(store, scope, found.name, hubs, PAGE_SIZE, offset)
    return render(request, "brand.html", user=scope.user, brand=found, page=page,
                  more=_more(request, page.next_offset),
                  takedowns=queries.takedowns(store, found.name, hubs))


# --- networks ---------------------------------------------------------------
@router.get("/networks")
def networks(request: Request, scope: ScopeDep, store: StoreDep,
             offset: Offset = 0, all: bool = False) -> HTMLResponse:
    page = queries.networks(store, scope, PAGE_SIZE, offset, include_all=all)
    return render(request, "networks.html", user=scope.user, page=page,
                  more=_more(request, page.next_offset))


def _network(store: Store, scope: Scope, network_id: str) -> Network:
    net = queries.network(store, scope, network_id)
    if net is None:
        raise HTTPException(404, f"No network {network_id!r} that you can see. "
                                 "The networks page lists the ones you can.")
    return net


@router.get("/networks/{network_id}")
def network(request: Request, network_id: str, scope: ScopeDep,
            store: StoreDep) -> HTMLResponse:
    net = _network(store, scope, network_id)
    caps = queries.captures(store, scope, network_id=net.network_id)
    return render(request, "network.html", user=scope.user, network=net, captures=caps[:200],
                  more_captures=len(caps) > 200)


@router.get("/networks/{network_id}/picture.svg")
def network_picture(network_id: str, scope: ScopeDep, store: StoreDep) -> Response:
    net = _network(store, scope, network_id)
    from spamline.networks.render import render_svg  # networkx loads on first picture only

    svg = render_svg(net)
    return Response(svg, media_type="image/svg+xml", headers={"Content-Security-Policy": SVG_CSP})


# --- archived pages -----------------------------------------------------------
@router.get("/page")
def page_view(request: Request, scope: ScopeDep, store: StoreDep,
              url: Annotated[str, Query(max_length=2000)],
              capture: Annotated[str | None, Query(max_length=64)] = None) -> HTMLResponse:
    found = queries.capture(store, scope, url, capture)
    if found is None:
        raise HTTPException(404, f"No capture of {url} that you can see. "
                                 "Search for the page's number or domain instead.")
    others = queries.captures(store, scope, url=url)
    return render(request, "page.html", user=scope.user, capture=found, others=others)


# --- evidence packages --------------------------------------------------------
@router.post("/exports")
def export(request: Request, scope: ScopeDep, store: StoreDep,
           kind: Annotated[str, Form(pattern="^(number|brand|network)$")],
           value: Annotated[str, Form(min_length=1, max_length=200)]) -> Response:
    made = exports.create(request.app.state, store, scope, ExportRequest(**{kind: value}))
    return RedirectResponse(f"/downloads?made={made.name}", status_code=303)


@router.get("/downloads")
def downloads(request: Request, scope: ScopeDep, made: str | None = None) -> HTMLResponse:
    return render(request, "downloads.html", user=scope.user,
                  packages=exports.listing(request.app.state, scope), made=made)


@router.get("/downloads/{name}")
def download(request: Request, name: str, scope: ScopeDep) -> FileResponse:
    return FileResponse(exports.path_of(request.app.state, scope, name),
                        media_type="application/wacz", filename=name)
