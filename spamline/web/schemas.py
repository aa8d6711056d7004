"""Shapes of the JSON API's requests and responses (they make the OpenAPI description)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from spamline.model import Brand, Capture, Network, NumberProfile, PhoneHit, Sighting, WarcLocation

NumberType = Literal["toll_free", "shared_cost", "mobile", "fixed_line", "fixed_line_or_mobile",
                     "short_code", "premium_rate", "voip", "uan", "personal_number", "pager",
                     "unknown"]


class Error(BaseModel):
    detail: str = Field(description="what went wrong and what to do next")


class Me(BaseModel):
    name: str
    role: str
    brands: list[str]


class Paged(BaseModel):
    limit: int
    offset: int
    next_offset: int | None = Field(description="offset of the next page; null at the end")


class SearchResult(Paged):
    query: str
    results: list[Sighting]


class NumberResult(Paged):
    profile: NumberProfile
    sightings: list[Sighting] = Field(description="timeline, newest first")


class Takedown(BaseModel):
    """Where one reported page stands now, from its recheck history."""

    url: str
    state: str = Field(description="first_seen | live_same | number_changed | gone | back | "
                             "unreachable (no evidence either way: never a takedown)")
    since: str
    last_checked: str
    numbers: list[str]
    reason: str = Field("", description="why the page is gone (http 404, dns: no such domain, "
                                         "parked…) or unreachable (address guard, timeout…)")
    gone_at: str | None = None
    back_at: str | None = None


class BrandReport(Paged):
    brand: Brand
    results: list[Sighting] = Field(description="pages giving the brand a number it does not own")
    takedowns: list[Takedown] = Field(description="takedown status of every reported page")


class NetworkList(Paged):
    results: list[Network]


class CaptureOut(BaseModel):
    capture_id: str
    url: str
    domain: str
    status: int
    captured_at: str
    content_type: str
    encoding: str
    ip_address: str | None
    title: str
    job: str
    brands: list[str]
    hits: list[PhoneHit]
    warc: WarcLocation | None
    replay_url: str | None = Field(
        description="the archived page, sandboxed; null when not archived")

    @classmethod
    def of(cls, capture: Capture, replay_url: str | None) -> "CaptureOut":
        return cls(
            capture_id=capture.capture_id, url=capture.url, domain=capture.domain,
            status=capture.status, captured_at=capture.captured_at,
            content_type=capture.content_type, encoding=capture.encoding,
            ip_address=capture.ip_address, title=capture.title, job=capture.job,
            brands=capture.brands, hits=capture.hits, warc=capture.warc, replay_url=replay_url,
        )


class CaptureList(BaseModel):
    results: list[CaptureOut]


Selector = Field(None, min_length=1, max_length=200)


class ExportRequest(BaseModel):
    """Exactly one of number, brand or network."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [
        {"required": ["number"]}, {"required": ["brand"]}, {"required": ["network"]}]})

    number: str = Selector
    brand: str = Selector
    network: str = Selector

    @model_validator(mode="after")
    def one_selector(self) -> "ExportRequest":
        given = [k for k in ("number", "brand", "network") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("give exactly one of number, brand or network")
        return self


class ExportOut(BaseModel):
    name: str
    selector: str
    size: int
    created_at: str
    download_url: str
