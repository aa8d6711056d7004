"""A small crawl with known answers, shared by the store tests."""
from __future__ import annotations

import uuid

from spamline.model import Capture, PhoneHit, WarcLocation

JD = "+864008123456"  # JD's real customer line (registered as official below)
FAKE = "+864006667777"  # a spam number claiming to be JD
MOBILE = "+8613812345678"
OTHER = "+862087654321"


def hit(e164: str, raw: str, start: int, kind: str, region: str = "CN") -> PhoneHit:
    return PhoneHit(e164=e164, raw=raw, start=start, end=start + len(raw), type=kind,
                    context=f"... {raw} ...", source="text", region=region)


def capture(url: str, when: str, hits: list[PhoneHit], brands: list[str] | None = None,
            title: str = "", text: str = "", n: int = 0) -> Capture:
    return Capture(
        url=url, status=200, captured_at=when, content_type="text/html; charset=utf-8",
        encoding="utf-8", ip_address="127.0.0.1", title=title, text=text, job="test",
        hits=hits, brands=brands or [], features={"spam_score": 0.5 + n / 100},
        warc=WarcLocation(file=f"crawl-{n:03d}.warc.gz", offset=1000 * n, length=500 + n,
                          record_id=f"<urn:uuid:{uuid.UUID(int=n + 1)}>",
                          payload_digest=f"sha256:{n:064x}"),
        body=b"<html>never stored</html>",
    )


def sample_crawl() -> list[Capture]:
    """Six captures over five pages, three domains, four numbers, two claimed brands."""
    return [
        capture("http://jd-kefu.test/a", "2026-11-01T08:00:00Z",
                [hit(FAKE, "400-666-7777", 40, "toll_free"),
                 hit(MOBILE, "138 1234 5678", 90, "mobile")],
                ["京东"], "京东客服电话",
                "京东官方客服热线 400-666-7777 退款专线 138 1234 5678", 1),
        capture("http://jd-kefu.test/a", "2026-11-05T08:00:00Z",
                [hit(FAKE, "4006667777", 40, "toll_free")],
                ["京东"], "京东客服电话", "京东官方客服热线 4006667777 全国统一", 2),
        capture("http://www.jd-help.test/refund", "2026-11-03T12:30:00Z",
                [hit(JD, "400-812-3456", 10, "toll_free"),
                 hit(FAKE, "400 666 7777", 60, "toll_free")],
                ["JD.com", "Jingdong Refunds"], "JD Refund Center",
                "Call JD refund center 400-812-3456 or 400 666 7777 now", 3),
        capture("http://other.test/", "2026-10-20T00:00:00Z",
                [hit(OTHER, "020-8765-4321", 5, "fixed_line")],
                [], "Plumber Guangzhou", "Plumbing repairs 24h: 020-8765-4321", 4),
        capture("http://other.test/contact", "2026-11-10T00:00:00Z",
                [hit(MOBILE, "13812345678", 7, "mobile"),
                 hit(OTHER, "02087654321", 30, "fixed_line")],
                [], "联系我们", "联系电话 13812345678 固话 02087654321", 5),
        capture("http://other.test/empty", "2026-11-11T00:00:00Z", [], [], "No numbers",
                "nothing", 6),
    ]


def numbered_crawl(n: int, day: str = "2026-11-20") -> list[Capture]:
    """`n` captures of distinct pages, each with two numbers (one shared by all)."""
    return [
        capture(f"http://spam{i % 7}.test/p{i}",
                f"{day}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z",
                [hit(FAKE, "400-666-7777", 3, "toll_free"),
                 hit(f"+86138{i:08d}", f"138{i:08d}", 40, "mobile")],
                ["京东"], f"page {i}", f"京东客服 400-666-7777 call 138{i:08d}", i)
        for i in range(n)
    ]
