"""Validate and classify one candidate number with phonenumbers (results cached)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType, shortnumberinfo
from phonenumbers.phonenumber import CountryCodeSource

TYPE_NAMES = {
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
}


@dataclass(frozen=True)
class Number:
    """A parsed candidate: E.164, type, the number's region, and whether it is valid."""

    e164: str
    type: str
    region: str
    valid: bool


def _e164(n: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=65536)
def classify(number: str, region: str) -> Number | None:
    """Parse `number` ("+..." or national digits, possibly with letters) for `region`.

    Returns None when it is not even a possible number. A landline written without
    its trunk prefix ("2165521234" in China) is not valid: such digit strings are
    far more often ids and dates than phone numbers. A number that is a mobile as well
    (FIXED_LINE_OR_MOBILE: India's 7439481207) is written without the prefix as mobiles are.
    """
    try:
        n = phonenumbers.parse(number, None if number.startswith("+") else region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(n):
        return None
    number_region = phonenumbers.region_code_for_number(n)
    number_type = phonenumbers.number_type(n)
    kind = TYPE_NAMES.get(number_type, "unknown")
    # what is_valid_number(n) computes, without computing the type a second time
    valid = number_region is not None and number_type != PhoneNumberType.UNKNOWN
    if valid and kind == "fixed_line" and n.country_code_source == CountryCodeSource.FROM_DEFAULT_COUNTRY:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        digits = phonenumbers.normalize_digits_only(number)
        if meta is not None and meta.national_prefix == "0" and not digits.startswith("0"):
            valid = False
    return Number(_e164(n), kind, number_region or region, valid)


@cache
def length_limit(region: str) -> tuple[int, str]:
    """(longest national number with its trunk prefix, country code) for `region`."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None:
        return 17, ""
    return max(meta.general_desc.possible_length or (17,)) + len(meta.national_prefix or ""), str(meta.country_code)


def plausible_length(digits: str, region: str) -> bool:
    """Cheap pre-check before parsing: not longer than any number of `region` can be written."""
    limit, cc = length_limit(region)
    n = len(digits)
    return n <= limit or digits.startswith("0") or (digits.startswith(cc) and n <= limit + len(cc))


@lru_cache(maxsize=16384)
def classify_short(digits: str, region: str) -> Number | None:
    """A valid short code for `region` (95588, 10086, 12315), else None."""
    try:
        n = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not shortnumberinfo.is_valid_short_number_for_region(n, region):
        return None
    return Number(_e164(n), "short_code", region, True)
