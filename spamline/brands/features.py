"""Page features in one call: claimed brands, product, template, padding, spam score.

The work is split in two so the costly, pure part can run in a worker process:
`page_features` reads one page alone (brands, fingerprints, padding) and returns plain,
picklable data; `PageAnalyzer.apply` does the stateful part (template ids assigned by
similarity to the templates seen so far, and the spam score that counts them).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spamline.brands.detect import anchors_of, brands_and_products, headings_of, parse_html
from spamline.brands.fingerprint import (
    MARKUP_SHINGLE,
    TemplateIndex,
    band_keys,
    filler_hashvalues,
    from_hashvalues,
    hashvalues,
    markup_tokens,
)
from spamline.brands.padding import region_density, region_lists
from spamline.brands.registry import BrandIndex
from spamline.brands.score import Signals, is_spam, spam_score
from spamline.brands.signals import PageSignals, page_signals
from spamline.model import Brand, Capture, PhoneHit


@dataclass
class PageFeatures:
    """What one page says about itself, before it is compared with the pages seen so far."""

    brands: list[str] = field(default_factory=list)
    brand: str = ""
    product: str = ""
    products: list[str] = field(default_factory=list)  # product words named, most weight first
    brand_evidence: str = ""
    registered: bool = False
    brand_mentions: int = 0
    region_density: float = 0.0
    template_hashvalues: bytes = b""  # MinHash of the markup (or of the filler) to match templates
    minhash: list[str] = field(default_factory=list)  # LSH band keys of the filler text
    signals: PageSignals = field(default_factory=PageSignals)


def page_features(title: str, text: str, hits: list[PhoneHit], html: str | bytes | None,
                  index: BrandIndex, url: str = "") -> PageFeatures:
    """The features of one page that do not depend on other pages (pure; safe in a worker)."""
    root = parse_html(html) if html else None
    headings = headings_of(root)
    claims, products = brands_and_products(title, text, headings, index, url, anchors_of(root))
    top = claims[0] if claims else None
    brands = [c.brand for c in claims if top and c.score >= top.score / 2]

    variable = [c.brand for c in claims] + [c.product for c in claims]
    regions = region_lists(text)
    variable += [h.raw for h in hits] + regions
    for claim in claims:
        if claim.registered:
            variable += index.brands[claim.brand].aliases
    filler = filler_hashvalues(" ".join([title, *headings, text]), variable)
    markup = markup_tokens(root)
    template = hashvalues(markup, MARKUP_SHINGLE) if len(markup) > 3 else filler

    brand = top.brand if top else ""
    registered = index.brands.get(brand)
    spellings = [brand, *registered.aliases] if registered else [brand]
    return PageFeatures(
        brands=brands,
        brand=brand,
        product=top.product if top else "",
        products=products,
        brand_evidence=top.evidence if top else "",
        registered=bool(top and top.registered),
        brand_mentions=sum(text.count(n) for n in spellings) if brand else 0,
        region_density=region_density(text, regions),
        template_hashvalues=template.tobytes(),
        minhash=band_keys(filler),
        signals=page_signals(title, text, url, brands, [h.e164 for h in hits if h.source == "text"]),
    )


def html_of(body: bytes, content_type: str, encoding: str) -> str | bytes | None:
    """The page body as text when its encoding is known (for headings), else the bytes."""
    if not body or "html" not in (content_type or "text/html").lower():
        return None
    if encoding:
        try:
            return body.decode(encoding, errors="replace")
        except LookupError:
            pass
    return body


class PageAnalyzer:
    """Fills Capture.brands and Capture.features; keeps the templates seen so far."""

    def __init__(self, brands: list[Brand] | None = None):
        self.index = BrandIndex(brands or [])
        self.templates = TemplateIndex()

    def analyze(self, capture: Capture, html: str | bytes | None = None) -> Capture:
        """Set the capture's brands and features (from title, text, hits and the HTML headings)."""
        return self.apply(capture, page_features(capture.title, capture.text, capture.hits,
                                                 html, self.index, capture.url))

    def apply(self, capture: Capture, page: PageFeatures) -> Capture:
        """Set the capture's brands and features from its page features (assigns its template)."""
        template, similarity = self.templates.assign(from_hashvalues(page.template_hashvalues))
        score, reasons = spam_score(Signals(
            brand=page.brand, product=page.product, registered=page.registered,
            official=self.index.official(page.brand) if page.brand else set(),
            brand_mentions=page.brand_mentions, region_density=page.region_density,
            template_pages=self.templates.pages[template], hits=capture.hits, page=page.signals))
        capture.brands = list(page.brands)
        capture.features = {
            "product": page.product,
            "brand_evidence": page.brand_evidence,
            "template": template,
            "template_similarity": round(similarity, 3),
            "minhash": page.minhash,
            "region_density": page.region_density,
            "spam_score": score,
            "spam": is_spam(score),
            "reasons": reasons,
            "products": page.products,
        }
        return capture
