"""Template fingerprints: MinHash over shingles of a page's markup and boilerplate text.

Doorway pages stamped from one template share their markup (tags and class
names in order) and their boilerplate text, and differ in the brand, the
numbers, the district list and a few filler sentences. Shingles of the markup
give the template; shingles of the text with those variable parts masked give
the filler fingerprint. MinHash (datasketch) estimates similarity, and its LSH
band keys find similar pages without comparing every pair. A `TemplateIndex`
gives each new page the id of the most similar template seen so far, or starts
a new one.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH
from lxml.html import HtmlElement

NUM_PERM = 64
BANDS, ROWS = 16, 4  # LSH bands for network linking: pages of one template share a band
TEXT_SHINGLE = 5  # text tokens per shingle: a CJK character or a Latin word is one token
MARKUP_SHINGLE = 2  # elements per shingle: pairs of neighbours survive a repeated or missing line
TEMPLATE_THRESHOLD = 0.6  # estimated Jaccard above which a page joins an existing template

_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=1)  # permutations made once, not per page
# CRC-32 of each shingle: stable across processes and runs (template ids and band keys are
# stored), and ~10x cheaper than datasketch's default SHA-1.
_SHINGLE_HASH = zlib.crc32
_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W\d_]+|\d+|[^\w\s]")
_DIGITS = re.compile(r"[0-9０-９零一二三四五六七八九]{3,}")


def boilerplate_tokens(text: str, variable: Iterable[str] = ()) -> list[str]:
    """The page's tokens with numbers and the given variable words (brand, product,
    districts) masked, so only what the template fixes remains."""
    masked = text
    for word in sorted({w for w in variable if w}, key=len, reverse=True):
        masked = masked.replace(word, " \x00 ")
    masked = _DIGITS.sub(" # ", masked)
    return [t.casefold() for t in _TOKEN.findall(masked)]


def markup_tokens(root: HtmlElement | None) -> list[str]:
    """The parsed page's elements in order as "tag.class.class" (text and attribute values dropped)."""
    if root is None:
        return []
    return [f"{el.tag}." + ".".join(sorted((el.get("class") or "").split()))
            for el in root.iter() if isinstance(el.tag, str)]


def minhash(tokens: list[str], size: int = TEXT_SHINGLE) -> MinHash:
    """MinHash of the shingles of `size` tokens (a single shingle for very short pages)."""
    m = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_SHINGLE_HASH,
                permutations=_TEMPLATE.permutations, scheme=_TEMPLATE.scheme)
    n = max(1, len(tokens) - size + 1)
    m.update_batch(["\x1f".join(tokens[i:i + size]).encode("utf-8") for i in range(n)])
    return m


def from_hashvalues(hashvalues: bytes) -> MinHash:
    """The MinHash whose `hashvalues.tobytes()` gave `hashvalues` (e.g. sent from a worker process)."""
    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_SHINGLE_HASH,
                   hashvalues=np.frombuffer(hashvalues, dtype=_TEMPLATE.hashvalues.dtype),
                   permutations=_TEMPLATE.permutations, scheme=_TEMPLATE.scheme)


def band_keys(m: MinHash) -> list[str]:
    """LSH band keys: two pages of one template share at least one with high probability."""
    hv = m.hashvalues
    return [f"{b:x}" + hashlib.blake2b(hv[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=5).hexdigest()
            for b in range(BANDS)]


class TemplateIndex:
    """Template ids assigned by similarity to the templates seen so far (one MinHash each)."""

    def __init__(self, threshold: float = TEMPLATE_THRESHOLD):
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._reps: dict[str, MinHash] = {}
        self.pages: dict[str, int] = {}  # template id -> pages assigned
        self.threshold = threshold

    def assign(self, m: MinHash) -> tuple[str, float]:
        """(template id, similarity to that template; 1.0 for a new template)."""
        best, best_sim = "", 0.0
        for key in self._lsh.query(m):
            sim = self._reps[key].jaccard(m)
            if sim > best_sim or (sim == best_sim and key < best):
                best, best_sim = key, sim
        if best and best_sim >= self.threshold:
            self.pages[best] += 1
            return best, best_sim
        template = "t" + hashlib.blake2b(m.hashvalues.tobytes(), digest_size=6).hexdigest()
        if template not in self._reps:
            self._lsh.insert(template, m)
            self._reps[template] = m
            self.pages[template] = 0
        self.pages[template] += 1
        return template, 1.0
