"""A job run: seeds from sitemaps, robots.txt sitemaps and a URL file; pivot to new domains."""
from __future__ import annotations

import gzip
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from spamline.datadir import DataDir
from spamline.jobs.runs import read_runs
from spamline.store import open_store
from tests.jobs.conftest import Site, html, spamline

URLSET = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
          'sitemap/0.9">{}</urlset>')
INDEX = ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/'
         'schemas/sitemap/0.9">{}</sitemapindex>')


def locs(tag: str, urls: list[str]) -> str:
    return "".join(f"<{tag}><loc>{u}</loc></{tag}>" for u in urls)


def test_sitemaps_url_lists_and_pivot(tmp_path: Path, site: Site) -> None:
    u = site.url
    site.put("a.test", "/robots.txt",
             f"User-agent: *\nDisallow: /hidden\nSitemap: {u('a.test', '/sm.xml.gz')}\n",
             content_type="text/plain")
    site.pages[("a.test", "/sm.xml.gz")] = (
        200, "application/x-gzip", gzip.compress(URLSET.format(locs("url", [u("a.test", "/hidden")])).encode()))
    site.put("a.test", "/hidden", html("hidden", "热线 400-812-3456"))
    site.put("a.test", "/", html("spam", "客服 400-812-3456", [u("b.test", "/")]))
    site.put("b.test", "/", html("spam too", "客服 400-660-1234", [u("c.test", "/")]))
    site.put("c.test", "/", html("a blog", "no numbers here", [u("d.test", "/")]))
    site.put("d.test", "/", html("never", "400-777-8888"))
    site.put("s.test", "/index.xml", INDEX.format(locs("sitemap", [u("s.test", "/one.xml")])),
             content_type="application/xml")
    site.put("s.test", "/one.xml", URLSET.format(locs("url", [u("s.test", "/from-sitemap")])),
             content_type="application/xml")
    site.put("s.test", "/from-sitemap", html("s", "400-812-3456"))
    site.put("e.test", "/listed", html("e", "400-812-3456"))
    (tmp_path / "export.csv").write_text(f"rank,url\n1,{u('e.test', '/listed')}\n")
    resolve = ", ".join(f'"{h}.test" = "127.0.0.1"' for h in "abcdes")
    config = tmp_path / "jobs.toml"
    config.write_text(f"""
[[jobs]]
name = "discover"
pivot = true
[jobs.seeds]
urls = ["{u('a.test', '/')}"]
sitemaps = ["{u('s.test', '/index.xml')}"]
robots_sitemaps = true
url_file = "export.csv"
[jobs.robots]
obey = false
[jobs.network]
allow_private = true
resolve = {{ {resolve} }}
[jobs.settings]
AUTOTHROTTLE_ENABLED = false
RETRY_TIMES = 0
""")
    data = tmp_path / "data"
    spamline("schedule", "run-job", str(config), "discover", "--data-dir", str(data))
    fetched = {k for k, n in site.page_hits().items() if n}
    # Discovered through a robots.txt sitemap, a sitemap index and a CSV export; /hidden is
    # disallowed by robots.txt but fetched, as the job overrides robots.
    assert {"a.test/hidden", "s.test/from-sitemap", "e.test/listed"} <= fetched
    assert {"b.test/", "c.test/"} <= fetched  # pivoted from spam pages to new domains
    assert "d.test/" not in fetched  # c.test carries no number: no pivot from it
    with open_store(None, DataDir.open(data)) as store:
        urls = {c.url for c in store.captures() if c.hits}
    assert u("a.test", "/hidden") in urls and u("b.test", "/") in urls
    infos = []
    for path in (data / "warcs").glob("*.warc.gz"):
        with path.open("rb") as f:
            infos += [r.content_stream().read().decode() for r in ArchiveIterator(f)
                      if r.rec_type == "warcinfo"]
    assert infos and all("robots: ignore" in info for info in infos)
    assert all("robots-override: robots.txt not obeyed: job" in info for info in infos)
    (end,) = [e for e in read_runs(DataDir.open(data), "discover") if e["event"] == "end"]
    assert end["exit_code"] == 0 and end["summary"]["finish_reason"] == "finished"
