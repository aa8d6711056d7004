"""Page features in one call: claimed brands, product, template, padding, spam score."""
from __future__ import annotations

from spamline.brands.detect import detect_brands, headings_of
from spamline.brands.fingerprint import (
    MARKUP_SHINGLE,
    TemplateIndex,
    band_keys,
    boilerplate_tokens,
    markup_tokens,
    minhash,
)
from spamline.brands.padding import region_density, region_lists
from spamline.brands.registry import BrandIndex
from spamline.brands.score import Signals, spam_score
from spamline.model import Brand, Capture


class PageAnalyzer:
    """Fills Capture.brands and Capture.features; keeps the templates seen so far."""

    def __init__(self, brands: list[Brand] | None = None):
        self.index = BrandIndex(brands or [])
        self.templates = TemplateIndex()

    def analyze(self, capture: Capture, html: str | bytes | None = None) -> Capture:
        """Set the capture's brands and features (from title, text, hits and the HTML headings)."""
        headings = headings_of(html) if html else []
        claims = detect_brands(capture.title, capture.text, headings, self.index)
        top = claims[0] if claims else None
        capture.brands = [c.brand for c in claims if top and c.score >= top.score / 2]

        variable = [c.brand for c in claims] + [c.product for c in claims]
        variable += [h.raw for h in capture.hits] + region_lists(capture.text)
        for claim in claims:
            if claim.registered:
                variable += self.index.brands[claim.brand].aliases
        filler = minhash(boilerplate_tokens(" ".join([capture.title, *headings, capture.text]), variable))
        markup = markup_tokens(html) if html else []
        template, similarity = self.templates.assign(
            minhash(markup, MARKUP_SHINGLE) if len(markup) > 3 else filler)
        density = region_density(capture.text)

        brand = top.brand if top else ""
        mentions = sum(capture.text.count(n) for n in self._spellings(brand)) if brand else 0
        score, reasons = spam_score(Signals(
            brand=brand, product=top.product if top else "", registered=bool(top and top.registered),
            official=self.index.official(brand) if brand else set(), brand_mentions=mentions,
            region_density=density, template_pages=self.templates.pages[template],
            hits=capture.hits))
        capture.features = {
            "product": top.product if top else "",
            "brand_evidence": top.evidence if top else "",
            "template": template,
            "template_similarity": round(similarity, 3),
            "minhash": band_keys(filler),
            "region_density": density,
            "spam_score": score,
            "reasons": reasons,
        }
        return capture

    def _spellings(self, brand: str) -> list[str]:
        registered = self.index.brands.get(brand)
        return [brand, *registered.aliases] if registered else [brand]
