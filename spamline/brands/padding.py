"""Region-list padding: how much of a page is an enumeration of districts and cities.

Doorway pages pad their text with long lists ("朝阳区 海淀区 东城区 ..." or
"New York, Los Angeles, Chicago ...") so they rank for every place name. The
density is the share of the visible text (without whitespace) inside such lists.
"""
from __future__ import annotations

import re

MIN_RUN = 3  # names in a row before they count as a list

_PLACE_CJK = r"[\u3400-\u9fff]{1,6}?(?:自治区|自治州|新区|省|市|区|县|镇|乡|旗)"
_SEP = r"[\s、，,;；|/·]*"
_LIST_CJK = re.compile(rf"(?:{_PLACE_CJK}{_SEP}){{{MIN_RUN},}}")
_PLACE_LATIN = r"[A-Z][a-z]+(?: [A-Z][a-z]+)?"
_LIST_LATIN = re.compile(rf"(?:{_PLACE_LATIN}\s*[,;|/·]\s*){{{MIN_RUN - 1},}}{_PLACE_LATIN}")
_SPACE = re.compile(r"\s+")
# A list holds MIN_RUN place names, each with one of these characters (CJK) or MIN_RUN - 1 of
# these separators between them (Latin): a text with fewer holds no list, and is not searched
_CJK_MARKS, _LATIN_SEPARATORS = "区州省市县镇乡旗", ",;|/·"


def region_lists(text: str) -> list[str]:
    """The district/city enumerations in a text."""
    cjk = sum(map(text.count, _CJK_MARKS)) >= MIN_RUN
    latin = sum(map(text.count, _LATIN_SEPARATORS)) >= MIN_RUN - 1
    return ([m.group() for m in _LIST_CJK.finditer(text)] if cjk else []) + \
           ([m.group() for m in _LIST_LATIN.finditer(text)] if latin else [])


def region_density(text: str, lists: list[str] | None = None) -> float:
    """Share (0..1) of the non-space text that is a list of places (`lists`: its
    region_lists, when already read)."""
    lists = region_lists(text) if lists is None else lists
    total = len(_SPACE.sub("", text)) if lists else 0
    if not total:
        return 0.0
    listed = sum(len(_SPACE.sub("", run)) for run in lists)
    return round(min(1.0, listed / total), 3)
