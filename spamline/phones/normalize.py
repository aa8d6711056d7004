"""One number typed by an analyst, in any common format, to E.164."""
from __future__ import annotations

import unicodedata

import phonenumbers

from spamline.phones.candidates import find_runs
from spamline.phones.classify import classify, classify_short
from spamline.phones.fold import fold
from spamline.phones.region import DEFAULT_REGION


def normalize_number(s: str, region: str | None = None) -> str | None:
    """"400-812-3456", "+86 400 812 3456", "００８６４００…", "1-800-FLOWERS" -> E.164, else None.

    Valid numbers and valid short codes (95588) are accepted; anything else is None.
    """
    region = (region or DEFAULT_REGION).upper()
    folded = fold(unicodedata.normalize("NFKC", s)).strip()
    if any(c.isalpha() and c not in "OoIl" for c in folded if c.isascii()):
        vanity = phonenumbers.convert_alpha_characters_in_number(folded)
        number = classify(vanity, region if not vanity.lstrip().startswith(("1", "+1")) else "US")
        return number.e164 if number and number.valid else None
    runs = list(find_runs(folded))
    if len(runs) != 1:
        return None
    run = runs[0]
    digits = "".join(g.digits for g in run.groups)
    plus = "+" if run.groups[0].plus else ""
    number = classify(plus + digits, region)
    if number and number.valid:
        return number.e164
    if not plus and (short := classify_short(digits, region)):
        return short.e164
    return None


def number_readings(s: str, region: str | None = None) -> list[str]:
    """Every E.164 reading of a typed number: in `region` alone when one is given, else in the
    default region and in NANP (numbers typed as 1-866-555-0170 or 866-555-0170), in that order."""
    regions = [region] if region else [DEFAULT_REGION, "US"]
    return list(dict.fromkeys(e for r in regions if (e := normalize_number(s, r))))
