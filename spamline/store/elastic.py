"""The scale-out store: Elasticsearch through the official client.

Layout for an index prefix P (default "spamline"):
- P-sightings-YYYY.MM and P-captures-YYYY.MM: monthly indices made from index
  templates, read through the aliases P-sightings and P-captures;
- P-pages, P-numbers, P-domains, P-brands, P-networks: one document per entity.
Ids are deterministic (sighting id, capture id, URL hash, E.164, domain), so a
retried bulk never duplicates. Page text is indexed twice (trigrams, and single
characters for one- and two-character queries) so substring search matches the
SQLite backend, CJK included; it stays out of the sightings' _source.
First/last-seen spans keep ISO strings for display and epoch milliseconds for the
scripts that merge them. Index names are always spelled out (no wildcard deletes:
Elasticsearch 8+ refuses them by default, `action.destructive_requires_name`).
"""
from __future__ import annotations

import importlib
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from elastic_transport import TransportError

from spamline.model import (
    Brand,
    Capture,
    Network,
    NumberProfile,
    PhoneHit,
    Sighting,
    WarcLocation,
    domain_of,
    sightings_of,
    stable_id,
)
from spamline.store.base import SearchFilters, Store, StoreUnavailable
from spamline.store.esclient import (
    auth_headers,
    client_library,
    library_of,
    node,
    probe,
    refusal,
    server_of,
)
from spamline.store.query import (
    as_number,
    brand_then_word,
    brand_names,
    find_brand,
    int_id,
    lower_bound,
    upper_bound,
)

PAGE = 1000  # documents per search_after page
# newest first, ties in the same order as the SQLite backend
NEWEST_FIRST = [{"captured_at": "desc"}, {"capture_seq": "desc"}, {"start": "desc"},
                {"e164": "desc"}]
MAX_TERMS = 1000  # distinct brands / domains listed in a number profile

# first/last seen compared as epoch ms (longs), never as strings
SPAN_SCRIPT = """
if (ctx._source.first_ms == null || params.first_ms < ctx._source.first_ms) {
  ctx._source.first_seen = params.first;
  ctx._source.first_ms = params.first_ms;
}
if (ctx._source.last_ms == null || params.last_ms >= ctx._source.last_ms) {
  ctx._source.last_seen = params.last;
  ctx._source.last_ms = params.last_ms;
  if (params.title != null) { ctx._source.title = params.title; }
}
if (params.type != null && ctx._source.number_type == 'unknown') {
  ctx._source.number_type = params.type;
}
"""

ANALYSIS = {
    "tokenizer": {
        "trigram": {"type": "ngram", "min_gram": 3, "max_gram": 3, "token_chars": []},
        "unigram": {"type": "ngram", "min_gram": 1, "max_gram": 1, "token_chars": []},
    },
    "analyzer": {
        "trigram": {"type": "custom", "tokenizer": "trigram", "filter": ["lowercase"]},
        "unigram": {"type": "custom", "tokenizer": "unigram", "filter": ["lowercase"]},
    },
}
TEXT = {"type": "text", "analyzer": "trigram",
        "fields": {"uni": {"type": "text", "analyzer": "unigram"}}}
KEYWORD = {"type": "keyword"}
STORED_ONLY = {"type": "keyword", "index": False, "doc_values": False}
DATE = {"type": "date", "format": "strict_date_optional_time"}
SPAN = {"first_seen": DATE, "last_seen": DATE, "first_ms": {"type": "long"},
        "last_ms": {"type": "long"}}
WARC = {"file": KEYWORD, "offset": {"type": "long"}, "length": {"type": "long"},
        "record_id": KEYWORD, "payload_digest": STORED_ONLY}

SIGHTING_MAPPING = {
    "dynamic": "strict",
    "_source": {"excludes": ["page_title", "page_text"]},
    "properties": {
        "e164": KEYWORD, "number_type": KEYWORD, "raw": STORED_ONLY,
        "start": {"type": "integer"}, "end": {"type": "integer"},
        "context": {"type": "text", "index": False}, "source": KEYWORD, "region": KEYWORD,
        "url": KEYWORD, "page_id": KEYWORD, "domain": KEYWORD, "brand": KEYWORD,
        "brands": KEYWORD, "brands_lc": KEYWORD, "captured_at": DATE, "capture_id": KEYWORD,
        "warc": {"properties": WARC}, "capture_seq": {"type": "long"},
        "page_title": TEXT, "page_text": TEXT,
    },
}
CAPTURE_MAPPING = {
    "dynamic": "strict",
    "properties": {
        "url": KEYWORD, "page_id": KEYWORD, "domain": KEYWORD, "status": {"type": "integer"},
        "captured_at": DATE, "content_type": KEYWORD, "encoding": KEYWORD,
        "ip_address": KEYWORD, "title": TEXT, "text": TEXT, "job": KEYWORD,
        "brands": KEYWORD, "brands_lc": KEYWORD, "numbers": KEYWORD,
        "hits": {"type": "object", "enabled": False},
        "features": {"type": "object", "enabled": False},
        "warc": {"properties": WARC}, "seq": {"type": "long"},
    },
}
ENTITY_MAPPINGS = {
    "pages": {"url": KEYWORD, "domain": KEYWORD, "title": STORED_ONLY, **SPAN},
    "numbers": {"e164": KEYWORD, "number_type": KEYWORD, "network_id": KEYWORD, **SPAN},
    "domains": {"domain": KEYWORD, **SPAN},
    "brands": {"name": KEYWORD, "names": KEYWORD, "aliases": KEYWORD, "official": KEYWORD},
    "networks": {"network_id": KEYWORD, "size": {"type": "integer"},
                 "pages": {"type": "integer"}, "doc": {"type": "object", "enabled": False}},
}


class ElasticStore(Store):
    """Sightings, captures and their entities in Elasticsearch indices under one prefix."""

    def __init__(self, client: Any, prefix: str = "spamline", where: str = "") -> None:
        """`client`: an `elasticsearch8` or `elasticsearch9` client; it must match the
        server's major version (StoreUnavailable says which to use otherwise)."""
        _check_prefix(prefix)
        self.es = client
        self.lib = importlib.import_module(library_of(client))
        self.helpers = importlib.import_module(f"{self.lib.__name__}.helpers")
        self.prefix = prefix
        self.where = where or "Elasticsearch"
        self._dirty = False
        with self._errors("reach"):
            self._check_server()
        with self._errors("set up indices in"):
            self._setup()

    def _check_server(self) -> None:
        """Refuse a server this client cannot serve (other major, OpenSearch, unknown)."""
        try:
            info = self.es.info()
            server = server_of(info.body, info.meta.headers.get("x-elastic-product"))
        except self.lib.UnsupportedProductError as exc:
            server = server_of(exc.body, None)
        except self.lib.ApiError as exc:
            if exc.meta.status not in (400, 406):
                raise
            raise StoreUnavailable(
                f"{self.where} refused the media types of {library_of(self.es)} "
                f"({exc.message}): it is not the Elasticsearch major this client is for "
                "(an older Elasticsearch, or OpenSearch). Open the store with "
                "ElasticStore.from_url, which asks the server and picks the client") from exc
        if reason := refusal(server, self.where, library_of(self.es)):
            raise StoreUnavailable(reason)

    @classmethod
    def from_url(cls, url: str, timeout: float | None = None) -> "ElasticStore":
        """es://host:9200[/prefix] or http(s)://host:9200[/prefix]; credentials from
        SPAMLINE_ES_API_KEY or SPAMLINE_ES_USER + SPAMLINE_ES_PASSWORD (or
        SPAMLINE_ES_PASSWORD_FILE, a file holding it: Docker secrets), the CA bundle of
        an https server from SPAMLINE_ES_CA_CERTS. The server is asked its version first
        and the official client of that major is used."""
        parts = urlsplit(url)
        if parts.username or parts.password:
            raise ValueError("put Elasticsearch credentials in SPAMLINE_ES_USER and "
                             "SPAMLINE_ES_PASSWORD (or SPAMLINE_ES_API_KEY), not in the URL")
        scheme = "http" if parts.scheme == "es" else parts.scheme
        host = f"{scheme}://{parts.hostname}:{parts.port or 9200}"
        prefix = parts.path.strip("/") or "spamline"
        _check_prefix(prefix)
        auth = env_auth()
        config = node(host, os.environ.get("SPAMLINE_ES_CA_CERTS"))
        lib = client_library(probe(config, auth_headers(**auth), timeout or 30, host), host)
        client = lib.Elasticsearch([config], request_timeout=timeout or 30, max_retries=2,
                                   retry_on_timeout=True, **auth)
        return cls(client, prefix, where=host)

    def close(self) -> None:
        """Make our writes visible to every reader (not only after the next periodic
        refresh), then close the connection."""
        try:
            with self._errors("refresh"):
                self._refresh()
        except StoreUnavailable:
            pass  # written all the same: visible after the index's own refresh
        finally:
            self.es.close()

    def drop(self) -> None:
        """Delete every index and template under this prefix (tests, re-migration), each
        by its own name."""
        with self._errors("delete indices in"):
            for names in _chunks(self._concrete_indices(), 50):
                self.es.indices.delete(index=",".join(names), ignore_unavailable=True)
            for kind in ("sightings", "captures"):
                self.es.options(ignore_status=404).indices.delete_index_template(
                    name=f"{self.prefix}-{kind}")

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Translate client errors into StoreUnavailable with advice."""
        try:
            yield
        except self.lib.AuthenticationException as exc:
            raise StoreUnavailable(
                f"{self.where} refused our credentials ({exc.meta.status}): set "
                "SPAMLINE_ES_USER and SPAMLINE_ES_PASSWORD, or SPAMLINE_ES_API_KEY") from exc
        except self.helpers.BulkIndexError as exc:
            item = next(iter(exc.errors[0].values())) if exc.errors else {}
            raise StoreUnavailable(
                f"{self.where} rejected {len(exc.errors)} documents while we tried to {doing} "
                f"it (first: status {item.get('status')}, {item.get('error')})") from exc
        except (TransportError, self.lib.ApiError) as exc:
            raise StoreUnavailable(
                f"cannot {doing} Elasticsearch at {self.where}: {exc}. Start the server "
                "(or fix --store / SPAMLINE_STORE) and try again") from exc

    def _index(self, kind: str) -> str:
        return f"{self.prefix}-{kind}"

    def _all_indices(self) -> str:
        """The aliases of the monthly indices and the entity indices, by name."""
        return ",".join(self._index(k) for k in ("sightings", "captures", *ENTITY_MAPPINGS))

    def _concrete_indices(self) -> list[str]:
        """The names of every index of this prefix (and of no other)."""
        monthly = re.compile(rf"{re.escape(self.prefix)}-(sightings|captures)-\d{{4}}\.\d{{2}}")
        found = self.es.indices.get(index=self._all_indices(), ignore_unavailable=True,
                                    allow_no_indices=True)
        entities = {self._index(k) for k in ENTITY_MAPPINGS}
        return sorted(n for n in found if n in entities or monthly.fullmatch(n))

    def _setup(self) -> None:
        for kind, mapping in (("sightings", SIGHTING_MAPPING), ("captures", CAPTURE_MAPPING)):
            self.es.indices.put_index_template(
                name=self._index(kind), index_patterns=[f"{self._index(kind)}-*"], priority=500,
                template={"settings": {"analysis": ANALYSIS}, "mappings": mapping,
                          "aliases": {self._index(kind): {}}},
            )
        for kind, props in ENTITY_MAPPINGS.items():
            if not self.es.indices.exists(index=self._index(kind)):
                self.es.options(ignore_status=400).indices.create(
                    index=self._index(kind), mappings={"dynamic": "strict", "properties": props})

    def _monthly(self, kind: str, when: str) -> str:
        return f"{self._index(kind)}-{when[:4]}.{when[5:7]}"

    def _refresh(self) -> None:
        """Make our own writes visible before reading."""
        if self._dirty:
            self.es.indices.refresh(index=self._all_indices(), ignore_unavailable=True,
                                    allow_no_indices=True)
            self._dirty = False

    def _bulk(self, actions: list[dict], doing: str, ignore_missing: bool = False) -> None:
        ignore = (404,) if ignore_missing else ()
        with self._errors(doing):
            self.helpers.bulk(self.es, actions, max_retries=3, initial_backoff=1,
                              ignore_status=ignore)
        self._dirty = True

    # --- writes -----------------------------------------------------------
    def add_captures(self, captures: Sequence[Capture]) -> None:
        actions: list[dict] = []
        spans: dict[tuple[str, str], dict] = {}
        for c in captures:
            actions.append({"_index": self._monthly("captures", c.captured_at),
                            "_id": c.capture_id, "_source": _capture_doc(c)})
            for s, hit in zip(sightings_of(c), c.hits, strict=True):
                actions.append({"_index": self._monthly("sightings", c.captured_at),
                                "_id": s.sighting_id, "_source": _sighting_doc(c, s, hit)})
                _widen(spans, ("numbers", s.e164), c.captured_at, {"e164": s.e164},
                       type=s.number_type)
            _widen(spans, ("pages", stable_id(c.url)), c.captured_at,
                   {"url": c.url, "domain": c.domain}, title=c.title)
            if c.domain:
                _widen(spans, ("domains", c.domain), c.captured_at, {"domain": c.domain})
        for (kind, doc_id), span in spans.items():
            (first_ms, first), (last_ms, last) = span["first"], span["last"]
            params = {"first": first, "first_ms": first_ms, "last": last, "last_ms": last_ms,
                      "title": span.get("title"), "type": span.get("type")}
            upsert = {**span["doc"], "first_seen": first, "last_seen": last,
                      "first_ms": first_ms, "last_ms": last_ms}
            if kind == "pages":
                upsert["title"] = span["title"]
            if kind == "numbers":
                upsert.update(number_type=span["type"], network_id=None)
            actions.append({"_op_type": "update", "_index": self._index(kind), "_id": doc_id,
                            "retry_on_conflict": 5, "upsert": upsert,
                            "script": {"source": SPAN_SCRIPT, "params": params}})
        if actions:
            self._bulk(actions, "write captures to")

    def add_brand(self, brand: Brand) -> None:
        with self._errors("register a brand in"):
            self.es.index(index=self._index("brands"), id=brand.name.lower(), document={
                "name": brand.name, "aliases": brand.aliases, "official": brand.official,
                "names": brand_names(brand)})
        self._dirty = True

    def save_networks(self, networks: Sequence[Network]) -> None:
        with self._errors("save networks to"):
            self._refresh()
            self.es.delete_by_query(index=self._index("networks"), query={"match_all": {}},
                                    refresh=True, conflicts="proceed")
            self.es.update_by_query(
                index=self._index("numbers"), query={"exists": {"field": "network_id"}},
                script={"source": "ctx._source.network_id = null"}, refresh=True,
                conflicts="proceed")
        actions: list[dict] = []
        for n in networks:
            actions.append({"_index": self._index("networks"), "_id": n.network_id,
                            "_source": {"network_id": n.network_id, "size": len(n.numbers),
                                        "pages": n.pages, "doc": asdict(n)}})
            actions.extend({"_op_type": "update", "_index": self._index("numbers"), "_id": e164,
                            "doc": {"network_id": n.network_id}} for e164 in n.numbers)
        if actions:
            self._bulk(actions, "save networks to", ignore_missing=True)

    # --- reads ------------------------------------------------------------
    def _scan(self, index: str, query: dict, sort: list, limit: int | None = None,
              source: Any = True) -> Iterator[dict]:
        """Hits in `sort` order, paged with search_after."""
        after = None
        seen = 0
        with self._errors("search"):
            self._refresh()
            while limit is None or seen < limit:
                size = PAGE if limit is None else min(PAGE, limit - seen)
                resp = self.es.search(index=index, query=query, sort=sort, size=size,
                                      search_after=after, source=source,
                                      ignore_unavailable=True, track_total_hits=False)
                hits = resp["hits"]["hits"]
                yield from hits
                seen += len(hits)
                if len(hits) < size:
                    return
                after = hits[-1]["sort"]

    def _sightings(self, query: dict, limit: int, offset: int) -> list[Sighting]:
        hits = list(self._scan(self._index("sightings"), query, NEWEST_FIRST, limit=offset + limit))
        docs = [h["_source"] for h in hits[offset:]]
        networks = self._network_ids({d["e164"] for d in docs})
        return [_sighting(d, networks.get(d["e164"])) for d in docs]

    def _network_ids(self, numbers: set[str]) -> dict[str, str | None]:
        if not numbers:
            return {}
        with self._errors("read numbers from"):
            resp = self.es.mget(index=self._index("numbers"), ids=sorted(numbers),
                                source=["network_id"])
        return {d["_id"]: d["_source"].get("network_id") for d in resp["docs"] if d.get("found")}

    def _count(self, index: str, query: dict | None = None) -> int:
        with self._errors("count in"):
            self._refresh()
            return self.es.count(index=index, query=query or {"match_all": {}},
                                 ignore_unavailable=True)["count"]

    def search(self, query: str, filters: SearchFilters | None = None, limit: int = 100,
               offset: int = 0) -> list[Sighting]:
        query = query.strip()
        if not query:
            return []
        must = self._filters(filters or SearchFilters())
        if e164 := as_number(query):
            must.append({"term": {"e164": e164}})
        elif names := self._brand_query(query):
            tagged = self._sightings({"bool": {"filter": [*must, {"terms": {"brands_lc": names}}]}},
                                     offset + limit, 0)
            words = self._sightings({"bool": {"filter": [
                *must, _text_query(query, "page_title", "page_text")]}}, offset + limit, 0)
            return brand_then_word(tagged, words)[offset:offset + limit]
        elif self._is_domain(domain := domain_of(query) if "://" in query else query.lower()):
            must.append({"term": {"domain": domain}})
        else:
            must.append(_text_query(query, "page_title", "page_text"))
        return self._sightings({"bool": {"filter": must}}, limit, offset)

    def _brand_query(self, query: str) -> list[str] | None:
        if brand := find_brand(self.brands(), query):
            return brand_names(brand)
        key = query.lower()
        found = key and self._count(self._index("sightings"), {"term": {"brands_lc": key}})
        return [key] if found else None

    def _is_domain(self, domain: str) -> bool:
        with self._errors("read domains from"):
            self._refresh()
            return bool(domain) and bool(self.es.exists(index=self._index("domains"), id=domain))

    def _names(self, brand: str) -> list[str]:
        registered = find_brand(self.brands(), brand)
        return brand_names(registered) if registered else [brand.strip().lower()]

    def _network_numbers(self, network_id: str) -> list[str]:
        with self._errors("read networks from"):
            self._refresh()
            resp = self.es.options(ignore_status=404).get(index=self._index("networks"),
                                                          id=network_id)
        return resp["_source"]["doc"]["numbers"] if resp.body.get("found") else []

    def _filters(self, f: SearchFilters) -> list[dict]:
        must: list[dict] = []
        if f.since or f.until:
            bounds = {}
            if f.since:
                bounds["gte"] = lower_bound(f.since)
            if f.until:
                bounds["lte"] = upper_bound(f.until)
            must.append({"range": {"captured_at": bounds}})
        if f.number_type:
            must.append({"term": {"number_type": f.number_type}})
        if f.domain:
            must.append({"term": {"domain": f.domain.lower()}})
        if f.brand:
            must.append({"terms": {"brands_lc": self._names(f.brand)}})
        if f.network_id:
            must.append({"terms": {"e164": self._network_numbers(f.network_id)}})
        return must

    def number_profile(self, e164: str) -> NumberProfile | None:
        e164 = as_number(e164) or e164
        with self._errors("read a number from"):
            self._refresh()
            number = self.es.options(ignore_status=404).get(index=self._index("numbers"), id=e164)
            if not number.body.get("found"):
                return None
            pages = {"pages": {"cardinality": {"field": "page_id", "precision_threshold": 40000}}}
            resp = self.es.search(
                index=self._index("sightings"), query={"term": {"e164": e164}}, size=0,
                track_total_hits=True, ignore_unavailable=True,
                aggs={**pages,
                      "brands": {"terms": {"field": "brands", "size": MAX_TERMS}, "aggs": pages},
                      "domains": {"terms": {"field": "domain", "size": MAX_TERMS}, "aggs": pages}})
        src, aggs = number["_source"], resp["aggregations"]
        return NumberProfile(
            e164=e164, number_type=src["number_type"], first_seen=src["first_seen"],
            last_seen=src["last_seen"], sightings=resp["hits"]["total"]["value"],
            pages=aggs["pages"]["value"], brands=_ranked(aggs["brands"]),
            domains=_ranked(aggs["domains"]), network_id=src.get("network_id"),
        )

    def captures(self, *, number: str | None = None, brand: str | None = None,
                 domain: str | None = None, network_id: str | None = None,
                 url: str | None = None) -> list[Capture]:
        must: list[dict] = []
        if number:
            must.append({"term": {"numbers": as_number(number) or number}})
        if brand:
            must.append({"terms": {"brands_lc": self._names(brand)}})
        if domain:
            must.append({"term": {"domain": domain.lower()}})
        if network_id:
            must.append({"terms": {"numbers": self._network_numbers(network_id)}})
        if url:
            must.append({"term": {"url": url}})
        hits = self._scan(self._index("captures"), {"bool": {"filter": must}},
                          [{"captured_at": "desc"}, {"seq": "desc"}])
        return [_capture(h["_source"]) for h in hits]

    def iter_captures(self) -> Iterator[Capture]:
        for h in self._scan(self._index("captures"), {"match_all": {}}, [{"seq": "asc"}]):
            yield _capture(h["_source"])

    def brands(self) -> list[Brand]:
        hits = self._scan(self._index("brands"), {"match_all": {}}, [{"name": "asc"}])
        found = [Brand(h["_source"]["name"], h["_source"]["aliases"], h["_source"]["official"])
                 for h in hits]
        return sorted(found, key=lambda b: (b.name.lower(), b.name))

    def brand_report(self, name: str) -> list[Sighting]:
        brand = find_brand(self.brands(), name)
        names = brand_names(brand) if brand else [name.strip().lower()]
        query = {"bool": {"filter": [{"terms": {"brands_lc": names}}],
                          "must_not": [{"terms": {"e164": brand.official if brand else []}}]}}
        return self._sightings(query, self._count(self._index("sightings"), query), 0)

    def iter_sightings(self) -> Iterator[Sighting]:
        batch: list[dict] = []
        oldest_first = [{"capture_seq": "asc"}, {"start": "asc"}, {"e164": "asc"}]
        for h in self._scan(self._index("sightings"), {"match_all": {}}, oldest_first):
            batch.append(h["_source"])
            if len(batch) >= PAGE:
                yield from self._with_networks(batch)
                batch = []
        yield from self._with_networks(batch)

    def _with_networks(self, docs: list[dict]) -> list[Sighting]:
        networks = self._network_ids({d["e164"] for d in docs})
        return [_sighting(d, networks.get(d["e164"])) for d in docs]

    def networks(self) -> list[Network]:
        hits = self._scan(self._index("networks"), {"match_all": {}},
                          [{"size": "desc"}, {"pages": "desc"}, {"network_id": "asc"}])
        return [Network(**h["_source"]["doc"]) for h in hits]

    def counts(self) -> dict[str, int]:
        kinds = ["pages", "captures", "sightings", "numbers", "domains", "brands"]
        return {k: self._count(self._index(k)) for k in kinds}


def _capture_doc(c: Capture) -> dict:
    return {
        "url": c.url, "page_id": stable_id(c.url), "domain": c.domain, "status": c.status,
        "captured_at": c.captured_at, "content_type": c.content_type, "encoding": c.encoding,
        "ip_address": c.ip_address, "title": c.title, "text": c.text, "job": c.job,
        "brands": c.brands, "brands_lc": sorted({b.lower() for b in c.brands if b}),
        "numbers": sorted({h.e164 for h in c.hits}), "hits": [asdict(h) for h in c.hits],
        "features": c.features, "warc": asdict(c.warc) if c.warc else None,
        "seq": int_id(c.capture_id),
    }


def _sighting_doc(c: Capture, s: Sighting, hit: PhoneHit) -> dict:
    return {
        "e164": s.e164, "number_type": s.number_type, "raw": s.raw, "start": s.start,
        "end": s.end, "context": s.context, "source": s.source, "region": hit.region,
        "url": s.url, "page_id": stable_id(c.url), "domain": s.domain, "brand": s.brand,
        "brands": c.brands, "brands_lc": sorted({b.lower() for b in c.brands if b}),
        "captured_at": s.captured_at, "capture_id": s.capture_id,
        "warc": asdict(c.warc) if c.warc else None, "capture_seq": int_id(s.capture_id),
        "page_title": c.title, "page_text": c.text,
    }


def _capture(d: dict) -> Capture:
    return Capture(
        url=d["url"], status=d["status"], captured_at=d["captured_at"],
        content_type=d["content_type"], encoding=d["encoding"], ip_address=d["ip_address"],
        title=d["title"], text=d["text"], job=d["job"], brands=d["brands"],
        features=d["features"], hits=[PhoneHit(**h) for h in d["hits"]],
        warc=WarcLocation(**d["warc"]) if d.get("warc") else None,
    )


def _sighting(d: dict, network_id: str | None) -> Sighting:
    w = d.get("warc") or {}
    return Sighting(
        e164=d["e164"], number_type=d["number_type"], raw=d["raw"], start=d["start"],
        end=d["end"], context=d["context"], url=d["url"], domain=d["domain"],
        brand=d["brand"], captured_at=d["captured_at"], capture_id=d["capture_id"],
        warc_file=w.get("file"), warc_offset=w.get("offset"), warc_length=w.get("length"),
        warc_record_id=w.get("record_id"), source=d["source"], network_id=network_id,
    )


def _text_query(query: str, *fields: str) -> dict:
    """Substring match in any field: trigram phrases, or single characters for short queries."""
    suffix = "" if len(query) >= 3 else ".uni"
    return {"bool": {"should": [{"match_phrase": {f + suffix: query}} for f in fields],
                     "minimum_should_match": 1}}


def env_auth() -> dict[str, Any]:
    """Credentials from the environment as client arguments (api_key or basic_auth)."""
    if os.environ.get("SPAMLINE_ES_API_KEY"):
        return {"api_key": os.environ["SPAMLINE_ES_API_KEY"]}
    if os.environ.get("SPAMLINE_ES_USER"):
        return {"basic_auth": (os.environ["SPAMLINE_ES_USER"], env_password())}
    return {}


def env_password() -> str:
    """SPAMLINE_ES_PASSWORD, or the first line of the file SPAMLINE_ES_PASSWORD_FILE names."""
    path = os.environ.get("SPAMLINE_ES_PASSWORD_FILE")
    if not path:
        return os.environ.get("SPAMLINE_ES_PASSWORD", "")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read SPAMLINE_ES_PASSWORD_FILE {path}: {exc.strerror}") from exc
    return text.splitlines()[0] if text else ""


def _check_prefix(prefix: str) -> None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", prefix):
        raise ValueError(f"bad Elasticsearch index prefix {prefix!r}: use lower-case "
                         "letters, digits, '-', '_' or '.'")


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def epoch_ms(when: str) -> int:
    """An ISO 8601 time (a trailing Z or an offset; naive means UTC) as epoch milliseconds."""
    t = datetime.fromisoformat(when.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return round(t.timestamp() * 1000)


def _widen(spans: dict, key: tuple[str, str], when: str, doc: dict, **extra: Any) -> None:
    """Grow the first/last-seen span kept for an entity within one batch; the ends are
    (epoch ms, ISO string) pairs, ordered by time."""
    at = (epoch_ms(when), when)
    span = spans.get(key)
    if span is None:
        spans[key] = {"first": at, "last": at, "doc": doc, **extra}
        return
    span["first"] = min(span["first"], at)
    if at[0] >= span["last"][0]:
        span["last"] = at
        if "title" in extra:
            span["title"] = extra["title"]


def _ranked(agg: dict) -> dict[str, int]:
    """Page counts per bucket key, most pages first."""
    counts = [(b["key"], b["pages"]["value"]) for b in agg["buckets"]]
    return dict(sorted(counts, key=lambda kv: (-kv[1], kv[0])))

