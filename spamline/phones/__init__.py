"""Phone-number extraction: a pure library, usable without Scrapy.

    >>> from spamline.phones import extract_text
    >>> [h.e164 for h in extract_text("客服热线：400-812-3456")]
    ['+864008123456']
"""
from spamline.phones.decode import decode_body
from spamline.phones.document import Document, extract_document, extract_text
from spamline.phones.normalize import normalize_number

__all__ = ["Document", "decode_body", "extract_document", "extract_text", "normalize_number"]
