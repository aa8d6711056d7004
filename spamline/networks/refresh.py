"""Build or update the stored networks from a store's sightings.

The store keeps the networks (with their ids); a small state file in the data
dir keeps what the store has no place for: the refused hubs and shared domains,
the registry the networks were built with, and the newest capture time folded in.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spamline.model import Sighting, stable_id
from spamline.networks.build import BuildResult, build_networks
from spamline.networks.incremental import update_networks
from spamline.networks.spam import mark_spam, page_is_spam
from spamline.store.base import Store

STATE_FILE = "networks-state.json"


@dataclass
class NetworkState:
    """What the next incremental update needs to know."""

    watermark: str = ""  # newest captured_at folded in
    registry: str = ""  # digest of the official numbers the networks were built with
    hubs: dict[str, int] = field(default_factory=dict)
    shared_domains: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> NetworkState | None:
        try:
            return cls(**json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (ValueError, TypeError):
            return None  # unreadable: the caller rebuilds

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)


@dataclass
class Refresh:
    """What a refresh did."""

    result: BuildResult
    mode: str  # "rebuild" | "update" | "unchanged"
    new_sightings: int = 0


def rebuild(store: Store, state_path: Path) -> Refresh:
    """Cluster every sighting again (ids kept where members overlap the stored networks) and
    mark which networks are spam."""
    brands = store.brands()
    templates: dict[str, str] = {}
    spam: set[str] = set()
    for c in store.iter_captures():
        if c.features.get("template"):
            templates[c.url] = c.features["template"]
        if page_is_spam(c):
            spam.update(h.e164 for h in c.hits)
    seen = _Watermark()
    result = build_networks(seen.track(store.iter_sightings()), brands, store.networks(), templates)
    mark_spam(result.networks, spam)
    store.save_networks(result.networks)
    NetworkState(seen.newest, _registry_digest(store), result.hubs, result.shared_domains).save(state_path)
    return Refresh(result, "rebuild", seen.count)


def update(store: Store, state_path: Path) -> Refresh:
    """Fold in sightings captured after the last refresh; rebuild when there is no usable
    state, the brand registry changed or the stored networks are not marked spam or not.

    A member is a spam number when an earlier page judged spam showed it (it is among its old
    network's `spam_numbers`) or a new one does, so only the new pages are read."""
    state = NetworkState.load(state_path)
    previous = store.networks()
    if (state is None or state.registry != _registry_digest(store)
            or any(n.spam_numbers is None for n in previous)):
        return rebuild(store, state_path)
    old_urls: set[str] = set()
    new: list[Sighting] = []
    for s in store.iter_sightings():
        if s.captured_at > state.watermark:
            new.append(s)
        else:
            old_urls.add(s.url)
    if not new:
        return Refresh(BuildResult(previous, state.hubs, state.shared_domains), "unchanged")
    templates = {}
    spam = {e for n in previous for e in n.spam_numbers or ()}
    new_captures = {s.capture_id for s in new}
    for url in {s.url for s in new}:
        found = store.captures(url=url)
        for c in found[:1]:
            if c.features.get("template"):
                templates[url] = c.features["template"]
        spam.update(h.e164 for c in found if c.capture_id in new_captures and page_is_spam(c)
                    for h in c.hits)
    result = update_networks(previous, new, old_urls=old_urls, hubs=state.hubs,
                             shared=state.shared_domains, brands=store.brands(),
                             page_templates=templates)
    mark_spam(result.networks, spam)
    store.save_networks(result.networks)
    state.watermark = max(state.watermark, *(s.captured_at for s in new))
    state.hubs, state.shared_domains = result.hubs, result.shared_domains
    state.save(state_path)
    return Refresh(result, "update", len(new))


def _registry_digest(store: Store) -> str:
    return stable_id(*sorted(f"{b.name}={e}" for b in store.brands() for e in b.official))


class _Watermark:
    """Passes sightings through, remembering how many and the newest capture time."""

    def __init__(self) -> None:
        self.newest, self.count = "", 0

    def track(self, sightings: Iterator[Sighting]) -> Iterator[Sighting]:
        for s in sightings:
            self.count += 1
            self.newest = max(self.newest, s.captured_at)
            yield s
