"""Coverage-guided fuzzing of decode + extract with atheris (run by hand).

    pip install atheris
    python tests/fuzz/atheris_extract.py -runs=100000            # or -max_total_time=600
    python tests/fuzz/atheris_extract.py corpus_dir/ -max_total_time=3600

A crash or a broken invariant (a hit that does not slice back to its raw text, a
decoding the returned encoding cannot reproduce) stops the run and writes the input
to crash-<sha1>; replay it with `python tests/fuzz/atheris_extract.py crash-<sha1>`.
"""
from __future__ import annotations

import sys

import atheris
import charset_normalizer  # noqa: F401 - imported first so only spamline's code is instrumented
import phonenumbers  # noqa: F401

with atheris.instrument_imports(include=["spamline"]):
    from spamline.phones import decode_body, extract_document

CONTENT_TYPES = [None, "text/html", "text/plain", "text/html; charset=utf-8",
                 "text/html; charset=gbk", "text/html; charset=utf-16", "application/json"]


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    content_type = CONTENT_TYPES[fdp.ConsumeIntInRange(0, len(CONTENT_TYPES) - 1)]
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    text, encoding = decode_body(body, content_type)
    if body.decode(encoding, "replace") != text:
        raise AssertionError(f"encoding {encoding} does not reproduce the decoded text")
    doc = extract_document(body, content_type=content_type)
    for hit in doc.hits:
        if doc.source[hit.start:hit.end] != hit.raw:
            raise AssertionError(f"hit {hit} does not slice back to its raw text")


def main(argv: list[str]) -> None:
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
