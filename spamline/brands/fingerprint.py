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
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH
from lxml import etree
from lxml.html import HtmlElement

from spamline.phones.compiled import PURE_PYTHON

NUM_PERM = 64
BANDS, ROWS = 16, 4  # LSH bands for network linking: pages of one template share a band
TEXT_SHINGLE = 5  # text tokens per shingle: a CJK character or a Latin word is one token
MARKUP_SHINGLE = 2  # elements per shingle: pairs of neighbours survive a repeated or missing line
TEMPLATE_THRESHOLD = 0.6  # estimated Jaccard above which a page joins an existing template

_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")  # permutations made once
_A, _B = _TEMPLATE.permutations
# CRC-32 of each shingle: stable across processes and runs (template ids and band keys are
# stored), and ~10x cheaper than datasketch's default SHA-1.
_SHINGLE_HASH = zlib.crc32
_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W\d_]+|\d+|[^\w\s]")
_DIGITS = re.compile(r"[0-9０-９零一二三四五六七八九]{3,}")


def boilerplate_tokens(text: str, variable: Iterable[str] = ()) -> list[str]:
    """The page's tokens with numbers and the given variable words (brand, product,
    districts) masked, so only what the template fixes remains."""
    return list(map(str.casefold, _masked_tokens(text, variable)))


def filler_hashvalues(text: str, variable: Iterable[str] = ()) -> np.ndarray:
    """`hashvalues(boilerplate_tokens(text, variable))`, casefolding the joined tokens at once
    (casefolding maps each character alone, and no token holds the \\x1f that joins them)."""
    tokens = _masked_tokens(text, variable)
    found = _window_crcs("\x1f".join(tokens).casefold().encode("utf-8"), len(tokens), TEXT_SHINGLE)
    if found is None:  # only if _TOKEN ever matched \x1f (today it cannot: it is white space)
        return _least(shingles(boilerplate_tokens(text, variable), TEXT_SHINGLE))
    return _least_of(found)


def _masked_tokens(text: str, variable: Iterable[str]) -> list[str]:
    masked = text
    for word in sorted({w for w in variable if w}, key=len, reverse=True):
        masked = masked.replace(word, " \x00 ")
    masked = _DIGITS.sub(" # ", masked)
    return _TOKEN.findall(masked)


def markup_tokens(root: HtmlElement | None) -> list[str]:
    """The parsed page's elements in order as "tag.class.class" (text and attribute values dropped)."""
    if root is None:
        return []
    return [_markup_token(el.tag, el.get("class")) for el in root.iter(etree.Element)]


@lru_cache(maxsize=1 << 12)  # a site uses a few dozen tag and class combinations
def _markup_token(tag: str, classes: str | None) -> str:
    return f"{tag}." + ".".join(sorted((classes or "").split()))


def minhash(tokens: list[str], size: int = TEXT_SHINGLE) -> MinHash:
    """MinHash of the shingles of `size` tokens (a single shingle for very short pages)."""
    return from_hashvalues(hashvalues(tokens, size).tobytes())


def hashvalues(tokens: list[str], size: int = TEXT_SHINGLE) -> np.ndarray:
    """The values `minhash(tokens, size)` holds, computed without building a MinHash."""
    found = _window_crcs("\x1f".join(tokens).encode("utf-8"), len(tokens), size)
    return _least(shingles(tokens, size)) if found is None else _least_of(found)


def _least(items: list[bytes]) -> np.ndarray:
    """What datasketch's MinHash.update_batch computes for scheme affine32: CRC-32 of each
    shingle, the MurmurHash3 finalizer, then a * h + b mod 2**32 for each permutation,
    least over the shingles (tests/brands/test_fingerprint.py holds it to datasketch)."""
    return _least_of(np.fromiter(map(_SHINGLE_HASH, items), dtype=np.uint32))


def _least_of(h: np.ndarray) -> np.ndarray:
    """`_least` from the shingles' CRC-32 values (a writable uint32 array)."""
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    permuted = np.multiply.outer(h, _A)
    permuted += _B
    return permuted.min(axis=0)


def shingles(tokens: list[str], size: int) -> list[bytes]:
    """The UTF-8 of each run of `size` tokens joined by \\x1f (one shingle when there are fewer)."""
    found = _slices("\x1f".join(tokens).encode("utf-8"), len(tokens), size)
    if found is None:  # a token holds \x1f itself: join each shingle
        n = len(tokens) - size + 1
        return ["\x1f".join(tokens[i:i + size]).encode("utf-8") for i in range(n)]
    return found


def window_crcs(data: bytes, count: int, size: int) -> np.ndarray | None:
    """The CRC-32 of each shingle `_slices` cuts (None where it gives None): the reference of
    the compiled twin _shingles.window_crcs."""
    found = _slices(data, count, size)
    return None if found is None else np.fromiter(map(_SHINGLE_HASH, found), dtype=np.uint32)


def _compiled_window_crcs(data: bytes, count: int, size: int) -> np.ndarray | None:
    found = _shingles.window_crcs(data, count, size)
    return None if found is None else np.frombuffer(found, dtype=np.uint32).copy()


def _slices(data: bytes, count: int, size: int) -> list[bytes] | None:
    """The shingles of `count` tokens joined by \\x1f in `data`, sliced at the separators rather
    than joined and encoded one by one (None when there are more \\x1f than separators)."""
    n = count - size + 1
    if n <= 1:
        return [data]
    cuts = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0x1F)
    if len(cuts) != count - 1:
        return None
    starts = [0, *(cuts[:n - 1] + 1).tolist()]
    ends = [*cuts[size - 1:].tolist(), len(data)]
    return list(map(data.__getitem__, map(slice, starts, ends)))


try:  # the compiled twin, unless not built or turned off (SPAMLINE_PURE_PYTHON=1)
    if PURE_PYTHON:
        raise ImportError("SPAMLINE_PURE_PYTHON is set")
    from spamline.brands import _shingles
    _window_crcs = _compiled_window_crcs
except ImportError:
    _window_crcs = window_crcs


def from_hashvalues(hashvalues: bytes) -> MinHash:
    """The MinHash whose `hashvalues.tobytes()` gave `hashvalues` (e.g. sent from a worker process)."""
    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=_SHINGLE_HASH,
                   hashvalues=np.frombuffer(hashvalues, dtype=_TEMPLATE.hashvalues.dtype),
                   permutations=_TEMPLATE.permutations, scheme=_TEMPLATE.scheme)


def band_keys(m: MinHash | np.ndarray) -> list[str]:
    """LSH band keys (of a MinHash or its hash values): two pages of one template share at
    least one with high probability."""
    values = m.hashvalues if isinstance(m, MinHash) else m
    hv = values.tobytes()
    width = ROWS * values.itemsize
    return [f"{b:x}" + hashlib.blake2b(hv[b * width:(b + 1) * width], digest_size=5).hexdigest()
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
