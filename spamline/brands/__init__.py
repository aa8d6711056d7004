"""What a page claims and how it was made: brand and product, template, padding, spam score.

    detect_brands(title, text, headings, index) -> [BrandClaim]   # best first
    BrandIndex(brands)                                            # registered names and aliases
    PageAnalyzer(brands).analyze(capture, html)                   # fills brands and features
"""
from spamline.brands.detect import (
           BrandClaim,
           detect_brands,
           detect_product,
           headings_of,
)
from spamline.brands.features import PageAnalyzer
from spamline.brands.registry import BrandIndex

__all__ = ["BrandClaim", "BrandIndex", "PageAnalyzer", "detect_brands", "detect_product",
           "headings_of"]
