"""The JSON API under /api: every route takes a Bearer token and answers within its scope."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse

from spamline.model import Brand, Network
from spamline.store.base import SearchFilters, Store
from spamline.web import exports, queries
from spamline.web.deps import HubsDep, api_scope, get_store
from spamline.web.replay import replay_url
from spamline.web.schemas import (
    BrandReport,
    CaptureList,
    CaptureOut,
    Error,
    ExportOut,
    ExportRequest,
    Me,
    NetworkList,
    NumberResult,
    NumberType,
    SearchResult,
    Takedown,
)
from spamline.web.scope import Scope

router = APIRouter(prefix="/api", tags=["api"], responses={
    401: {"model": Error, "description": "missing or unknown API token"},
    429: {"model": Error, "description": "rate limit reached; see the Retry-After header"},
})
NOT_FOUND = {404: {"model": Error, "description": "not found, or not visible to this token"}}

ScopeDep = Annotated[Scope, Depends(api_scope)]
StoreDep = Annotated[Store, Depends(get_store)]
Limit = Annotated[int, Query(ge=1, le=500, description="page size")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="rows to skip")]
QUERY_HELP = "a number in any format, a brand, a domain or text"
WHEN_HELP = "ISO UTC date or time, inclusive"


def _not_found(what: str) -> HTTPException:
    return HTTPException(404, f"{what} not found (or not visible to you)")


@router.get("/me", response_model=Me, summary="Who the token belongs to")
def me(scope: ScopeDep) -> Me:
    u = scope.user
    return Me(name=u.name, role=u.role, brands=list(u.brands))


@router.get("/search", response_model=SearchResult, summary="Search sightings")
def search(scope: ScopeDep, store: StoreDep,
           q: Annotated[str, Query(min_length=1, max_length=200, description=QUERY_HELP)],
           since: Annotated[str | None, Query(max_length=40, description=WHEN_HELP)] = None,
           until: Annotated[str | None, Query(max_length=40, description=WHEN_HELP)] = None,
           number_type: NumberType | None = None,
           brand: Annotated[str | None, Query(max_length=200)] = None,
           domain: Annotated[str | None, Query(max_length=253)] = None,
           network_id: Annotated[str | None, Query(max_length=100)] = None,
           limit: Limit = 50, offset: Offset = 0) -> SearchResult:
    filters = SearchFilters(since=since, until=until, number_type=number_type, brand=brand,
                            domain=domain, network_id=network_id)
    page = queries.search(store, scope, q, filters, limit, offset)
    return SearchResult(query=q, results=page.items, limit=limit, offset=offset,
                        next_offset=page.next_offset)


@router.get("/numbers/{number}", response_model=NumberResult,
            summary="A number's profile and its timeline of sightings", responses=NOT_FOUND)
def number(number: str, scope: ScopeDep, store: StoreDep,
           limit: Limit = 50, offset: Offset = 0) -> NumberResult:
    profile = queries.find_number(store, scope, number)
    if profile is None:
        raise _not_found(f"number {number!r}")
    page = queries.number_sightings(store, scope, profile.e164, limit, offset)
    return NumberResult(profile=profile, sightings=page.items, limit=limit, offset=offset,
                        next_offset=page.next_offset)


@router.get("/brands", response_model=list[Brand], summary="Registered brands")
def brands(scope: ScopeDep, store: StoreDep) -> list[Brand]:
    return queries.brands(store, scope)


@router.get("/brands/{name:path}/report", response_model=BrandReport,
            summary="Pages giving a brand a number it does not own", responses=NOT_FOUND)
def brand_report(name: str, scope: ScopeDep, store: StoreDep, hubs: HubsDep,
                 limit: Limit = 50, offset: Offset = 0) -> BrandReport:
    found = queries.brand(store, scope, name)
    if found is None:
        raise _not_found(f"brand {name!r}")
    page = queries.brand_report(store, scope, found.name, hubs, limit, offset)
    takedowns = [Takedown.model_validate(s, from_attributes=True)
                 for s in queries.takedowns(store, found.name, hubs)]
    return BrandReport(brand=found, results=page.items, takedowns=takedowns, limit=limit,
                       offset=offset, next_offset=page.next_offset)


@router.get("/networks", response_model=NetworkList, summary="Networks, largest first")
def networks(scope: ScopeDep, store: StoreDep, limit: Limit = 50, offset: Offset = 0,
             all: Annotated[bool, Query(description="also networks without a page judged spam")]
             = False) -> NetworkList:
    page = queries.networks(store, scope, limit, offset, include_all=all)
    return NetworkList(results=page.items, limit=limit, offset=offset,
                       next_offset=page.next_offset)


@router.get("/networks/{network_id}", response_model=Network, summary="One network",
            responses=NOT_FOUND)
def network(network_id: str, scope: ScopeDep, store: StoreDep) -> Network:
    found = queries.network(store, scope, network_id)
    if found is None:
        raise _not_found(f"network {network_id!r}")
    return found


@router.get("/captures", response_model=CaptureList,
            summary="Captures (newest first) of a page, or involving a number, brand, domain "
                    "or network", responses=NOT_FOUND)
def captures(scope: ScopeDep, store: StoreDep,
             by: Annotated[Literal["url", "number", "brand", "domain", "network"],
                           Query(description="what `value` names")],
             value: Annotated[str, Query(min_length=1, max_length=2000)]) -> CaptureList:
    if by == "number":
        e164 = queries.read_number(store, scope, value)
        if e164 is None:
            raise _not_found(f"number {value!r}")
        value = e164
    rows = queries.captures(store, scope, **{"network_id" if by == "network" else by: value})
    return CaptureList(results=[CaptureOut.of(c, replay_url(c)) for c in rows])


@router.post("/exports", response_model=ExportOut, status_code=201,
             summary="Build an evidence package (WACZ) for a number, brand or network",
             responses={**NOT_FOUND,
                        409: {"model": Error, "description": "nothing archived to export"}})
def create_export(body: ExportRequest, request: Request, scope: ScopeDep,
                  store: StoreDep) -> ExportOut:
    return exports.create(request.app.state, store, scope, body)


@router.get("/exports", response_model=list[ExportOut], summary="Packages you may download")
def list_exports(request: Request, scope: ScopeDep) -> list[ExportOut]:
    return exports.listing(request.app.state, scope)


@router.get("/exports/{name}", response_class=FileResponse,
            summary="Download an evidence package",
            responses={**NOT_FOUND, 200: {"content": {"application/wacz": {}}}})
def download_export(name: str, request: Request, scope: ScopeDep) -> FileResponse:
    return exports.download(request.app.state, scope, name)
