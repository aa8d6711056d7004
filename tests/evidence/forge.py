"""The consistent forgery: change bytes in one archived response and redo every digest around it.

What a forger with the package (and spamline's own tools) can do without any key:
recompute the record's WARC-Block-Digest and WARC-Payload-Digest, re-gzip it,
regenerate the CDXJ with cdxj-indexer, every hash and size in datapackage.json, the
hash in datapackage-digest.json, and re-zip. Only a signature can tell it apart.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from spamline.evidence import cdxj

Resign = Callable[[str, str], dict]  # (hash, created) -> signedData


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _records(warc: bytes) -> list[bytes]:
    """The decompressed record of each gzip member."""
    records = []
    while warc:
        member = zlib.decompressobj(zlib.MAX_WBITS | 16)
        records.append(member.decompress(warc))
        warc = member.unused_data
    return records


def _payload_digest(record: bytes) -> bytes:
    for line in record.partition(b"\r\n\r\n")[0].split(b"\r\n"):
        if line.lower().startswith(b"warc-payload-digest:"):
            return line.split(b":", 1)[1].strip()
    return b""


def _forge_record(record: bytes, old: bytes, new: bytes) -> bytes:
    head, _, rest = record.partition(b"\r\n\r\n")
    block = rest[: -4]  # the record ends with CRLF CRLF
    block = block.replace(old, new, 1)
    http_head, _, payload = block.partition(b"\r\n\r\n")
    lines = []
    for line in head.split(b"\r\n"):
        name = line.split(b":", 1)[0].lower()
        if name == b"warc-block-digest":
            line = b"WARC-Block-Digest: " + _sha256(block).encode()
        elif name == b"warc-payload-digest":
            line = b"WARC-Payload-Digest: " + _sha256(payload).encode()
        elif name == b"content-length":
            line = b"Content-Length: " + str(len(block)).encode()
        lines.append(line)
    return b"\r\n".join(lines) + b"\r\n\r\n" + block + b"\r\n\r\n"


def forge(src: Path, dst: Path, old: bytes, new: bytes, *,
          signed_data: str = "keep", resign: Resign | None = None,
          texts: dict[str, tuple[bytes, bytes]] | None = None) -> None:
    """Copy src to dst with old replaced by new in the first response holding it.

    signed_data: "keep" the original signedData, "strip" it, or "resign" with resign().
    texts: further (old, new) replacements in other members, by member name.
    """
    with zipfile.ZipFile(src) as zf:
        members = {info.filename: (info, zf.read(info)) for info in zf.infolist()}
    warc_name = "archive/data.warc.gz"
    out, digests = [], {}
    for record in _records(members[warc_name][1]):
        if not digests and b"WARC-Type: response" in record and old in record:
            forged = _forge_record(record, old, new)
            digests[_payload_digest(record)] = _payload_digest(forged)
            record = forged
        out.append(gzip.compress(record, mtime=0))
    assert digests, f"no response holds {old!r}"
    warc = b"".join(out)
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "data.warc.gz").write_bytes(warc)
        cdxj.build_index([Path(tmp) / "data.warc.gz"], Path(tmp) / "index.cdxj")
        index = (Path(tmp) / "index.cdxj").read_bytes()
    contents = {name: data for name, (_, data) in members.items()}
    for name in ("report/report.html", "report/urls.csv", "pages/pages.jsonl"):
        for was, now in digests.items():  # the report and the CSV cite the payload digest
            contents[name] = contents[name].replace(was, now)
    for name, (was, now) in (texts or {}).items():
        contents[name] = contents[name].replace(was, now)
    contents[warc_name] = warc
    contents["indexes/index.cdxj"] = index
    package = json.loads(contents["datapackage.json"])
    for res in package["resources"]:
        res["hash"], res["bytes"] = _sha256(contents[res["path"]]), len(contents[res["path"]])
    contents["datapackage.json"] = json.dumps(package, indent=2).encode()
    digest = json.loads(contents["datapackage-digest.json"])
    digest["hash"] = _sha256(contents["datapackage.json"])
    if signed_data == "strip":
        digest.pop("signedData", None)
    elif signed_data == "resign":
        assert resign is not None
        digest["signedData"] = resign(digest["hash"], package["created"])
    contents["datapackage-digest.json"] = json.dumps(digest, indent=2).encode()
    with zipfile.ZipFile(dst, "w") as zout:
        for name, (info, _) in members.items():
            zout.writestr(name, contents[name], compress_type=info.compress_type)
