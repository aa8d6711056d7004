"""Render one page of the sample network together with the truth about what it advertises.

A page is a pure function of (seed, host, path, port, number substitutions):
every number goes through `_Ink.num`, which writes it and records the
occurrence, so the ground truth is exactly what was rendered.
"""
from __future__ import annotations

import html
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import phonenumbers

from spamline.samplenet.content import HUB_LABEL, PRODUCTS_ZH, Brand
from spamline.samplenet.numbers import CN_FORMATS, US_FORMATS, format_number
from spamline.samplenet.site import PER_LIST, SampleNetwork, Site

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
# (glue name, template): "#" is the number, "%d" an enumeration counter.
_GLUES_ZH = (
    ("cjk_text", "热线#欢迎来电"), ("enum_paren", "(%d)#"), ("enum_circled", "%c#"), ("enum_dot", "%d.#"),
    ("colon", "服务电话：#"), ("bracket", "【#】"), ("spaced", "拨打 # 即可预约"),
)
_GLUES_EN = (("text", "call # now"), ("enum_dot", "%d. #"), ("paren", "(toll free #)"),
             ("glued", "Helpline:#"), ("colon", "Phone: #"))
_PHRASES_ZH = ("售后维修", "24小时客服", "上门服务预约", "故障报修", "全国联保", "安装移机", "清洗保养")
_PHRASES_EN = ("Printer offline?", "Driver errors?", "Paper jam?", "Wireless setup?", "Need ink help?")


@dataclass(frozen=True)
class Occurrence:
    """One written occurrence of a number: `raw` is exactly as it stands in the HTML source."""

    e164: str
    format: str  # see numbers.format_number, plus "vanity"
    glue: str  # the text it is stuck to ("cjk", "enum_paren", ...) or ""
    where: str  # text | title | meta | tel | jsonld
    raw: str


@dataclass(frozen=True)
class PageTruth:
    """What a perfect extractor finds on one page, and what the page claims."""

    url: str
    numbers: frozenset[str]  # E.164, including hub and official numbers
    brand: str | None
    network: str | None  # None for legitimate pages
    is_spam: bool
    encoding: str
    occurrences: tuple[Occurrence, ...]

    def to_dict(self) -> dict:
        return {
            "numbers": sorted(self.numbers), "brand": self.brand, "network": self.network,
            "is_spam": self.is_spam, "encoding": self.encoding,
            "occurrences": [asdict(o) for o in self.occurrences],
        }


@dataclass(frozen=True)
class Page:
    """A rendered page as served."""

    url: str
    body: bytes
    content_type: str  # with charset unless the page declares it only in a meta tag
    truth: PageTruth


class _Ink:
    """Writes numbers into a page and remembers every occurrence."""

    def __init__(self, subs: dict[str, str], vanity: dict[str, str]) -> None:
        self.subs, self.vanity = subs, vanity
        self.occurrences: list[Occurrence] = []

    def num(self, e164: str, fmt: str, glue: str = "", where: str = "text") -> str:
        new = self.subs.get(e164, e164)
        if fmt == "vanity":
            raw = self.vanity[e164] if new == e164 else format_number(new, "us_dashed")
        else:
            raw = format_number(new, fmt)
        self.occurrences.append(Occurrence(new, fmt, glue, where, raw))
        return raw

    def glued(self, e164: str, fmt: str, glue: tuple[str, str], n: int) -> str:
        name, tpl = glue
        tpl = tpl.replace("%d", str(n)).replace("%c", _CIRCLED[(n - 1) % len(_CIRCLED)])
        return tpl.replace("#", self.num(e164, fmt, name))


class _Ctx:
    """Everything one page renderer needs."""

    def __init__(self, net: SampleNetwork, site: Site, port: int, rng: random.Random, ink: _Ink) -> None:
        self.net, self.site, self.port, self.rng, self.ink = net, site, port, rng, ink
        self.t = site.template.name

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"

    def link(self, path: str, text: str, host: str | None = None) -> str:
        href = path if host is None else self.url(host, path)
        return f'<a href="{html.escape(href)}">{html.escape(text)}</a>'

    def pager(self, k: int, prev: str, nxt: str) -> str:
        last = self.net.listing_pages
        nums = sorted({1, last, *range(max(1, k - 3), min(last, k + 3) + 1)})
        parts = [self.link(self.net.listing_path(k - 1), prev)] if k > 1 else []
        parts += [f"<b>{j}</b>" if j == k else self.link(self.net.listing_path(j), str(j)) for j in nums]
        if k < last:
            parts.append(self.link(self.net.listing_path(k + 1), nxt))
        return f'<div class="{self.t}-pager">{" ".join(parts)}</div>'

    def items_of_listing(self, k: int) -> range:
        start = (k - 1) * PER_LIST + 1
        return range(start, min(start + PER_LIST, self.net.pages_per_site + 1))

    def related(self, i: int, label: str) -> str:
        """Links to a few items of this site and of the same network's other sites."""
        p = self.net.pages_per_site
        links = [self.link(self.net.item_path(self.site.host, j), f"{label} {j}")
                 for j in sorted({self.rng.randrange(1, p + 1) for _ in range(3)} - {i})]
        for host in self.site.friends:
            j = self.rng.randrange(1, p + 1)
            links.append(self.link(self.net.item_path(host, j), f"{host} {j}", host))
        return f'<div class="{self.t}-rel">{" ".join(links)}</div>'


def render_page(net: SampleNetwork, host: str, path: str, port: int,
                subs: dict[str, str] | None = None) -> Page | None:
    """Render `path` of `host` as served on `port`; None if the site has no such page.

    `subs` maps E.164 numbers to replacements (used to simulate a changed hotline).
    """
    where = net.locate(host, path)
    if where is None:
        return None
    kind, n = where
    site = net.sites[host]
    ink = _Ink(subs or {}, net.vanity)
    ctx = _Ctx(net, site, port, random.Random(f"{net.seed}|{host}|{path}"), ink)
    if not site.is_spam:
        brand, title, head, body = _legit(ctx, kind, n)
    elif site.language == "en":
        brand, title, head, body = _spam_en(ctx, kind, n)
    else:
        brand, title, head, body = _spam_zh(ctx, kind, n)
    declare = "both" if site.encoding != "gbk" else {3: "meta", 4: "header"}.get(n % 5, "both")
    meta = f'<meta charset="{site.encoding}">' if declare != "header" else ""
    lang = "en" if site.language == "en" else "zh-CN"
    doc = (f'<!DOCTYPE html>\n<html lang="{lang}"><head>{meta}<title>{title}</title>{head}</head>\n'
           f'<body class="{ctx.t}">\n{body}\n</body></html>\n')
    url = ctx.url(host, path)
    truth = PageTruth(url, frozenset(o.e164 for o in ink.occurrences), brand.name, site.network_id,
                      site.is_spam, site.encoding, tuple(ink.occurrences))
    content_type = "text/html" if declare == "meta" else f"text/html; charset={site.encoding}"
    return Page(url, doc.encode(site.encoding), content_type, truth)


def render_all(net: SampleNetwork, port: int) -> Iterator[Page]:
    """Every page of every site of `net`, as served on `port`."""
    for host in net.hosts:
        for path in net.paths(host):
            page = render_page(net, host, path, port)
            if page is not None:
                yield page


def _order(layout: int, sections: dict[str, str]) -> str:
    order = (("hd", "nav", "main", "art", "area", "rel", "ft"),
             ("nav", "hd", "area", "main", "rel", "art", "ft"),
             ("hd", "main", "rel", "nav", "art", "area", "ft"))[layout]
    return "\n".join(sections[s] for s in order if s in sections)


def _spam_zh(c: _Ctx, kind: str, n: int) -> tuple[Brand, str, str, str]:
    site, ink, rng, t = c.site, c.ink, c.rng, c.t
    brand = site.brands[0] if kind == "list" or len(site.brands) == 1 or rng.random() < 0.7 \
        else rng.choice(site.brands[1:])
    b, primary = brand.name, site.primary
    s: dict[str, str] = {}
    s["hd"] = (f'<div class="{t}-hd"><h1>{b}售后服务中心</h1><p class="{t}-tel">全国统一服务热线：'
               f'{ink.num(primary, rng.choice(("dashed", "plain")), "colon")}</p>'
               f'<a class="{t}-call" href="tel:{ink.num(primary, "tel", where="tel")}">一键拨打</a></div>')
    s["art"] = (f'<div class="{t}-art"><h3>服务须知</h3>'
                + "".join(f"<p>{p}</p>" for p in site.template.filler) + "</div>")
    s["area"] = f'<div class="{t}-area">全国服务区域: {"、".join(site.template.regions)}</div>'
    s["ft"] = f'<div class="{t}-ft">Copyright 2026 {b}售后服务中心 版权所有 本站为第三方服务平台</div>'
    head = f'<meta name="keywords" content="{b}售后,{b}维修,{b}客服电话,{brand.alias}">'
    if kind == "list":
        title = f"{b}售后服务电话_24小时热线_400客服 第{n}页"
        items = "".join(f"<li>{c.link(c.net.item_path(site.host, i), f'{b}售后维修服务网点（{i}）')}</li>"
                        for i in c.items_of_listing(n))
        friends = " ".join(c.link("/", f"{h} 友情链接", h) for h in site.friends)
        s["main"] = f'<div class="{t}-main"><ul>{items}</ul>{c.pager(n, "上一页", "下一页")}</div>'
        s["nav"] = f'<div class="{t}-nav">{c.link("/", "首页")} {friends}</div>'
        return brand, title, head, _order(site.template.layout, s)

    i = n
    title = rng.choice((
        f"{b}售后服务电话_{b}24小时热线_400客服",
        f"{b}售后电话{ink.num(primary, 'dashed', where='title')}_全国统一客服中心",
        f"【{b}】维修电话-24小时服务热线-{brand.alias}客服",
    ))
    head += f'<meta name="description" content="{b}售后服务电话{ink.num(primary, "dashed", where="meta")}，24小时上门维修">'
    fmts = [f for f in CN_FORMATS if f != "zero_width" or site.encoding == "utf-8"]
    rng.shuffle(fmts)
    g0 = rng.randrange(len(_GLUES_ZH))
    lines = [f"<p>{b}{rng.choice(_PHRASES_ZH)}{ink.glued(primary, f, _GLUES_ZH[(g0 + j) % len(_GLUES_ZH)], j + 1)}</p>"
             for j, f in enumerate(fmts)]
    jsonld_number = primary if i % 3 == 0 else None
    if site.others:
        sec = site.others[i % len(site.others)]
        mode = i % 4
        if mode == 0:
            lines.append(f'<p><a href="tel:{ink.num(sec, "tel", where="tel")}">备用热线 点击拨打</a></p>')
        elif mode == 1:
            jsonld_number = sec
        elif mode == 2:
            lines.append(f"<p>{b}备用热线{ink.num(sec, 'split')}</p>")
        else:
            lines.append(f"<p>{b}备用热线{ink.glued(sec, 'dashed', _GLUES_ZH[0], 1)}</p>")
    if jsonld_number:
        head += _jsonld(f"{b}售后服务中心", ink.num(jsonld_number, "jsonld", where="jsonld"))
    product = rng.choice(PRODUCTS_ZH) + brand.product
    s["main"] = f'<div class="{t}-main"><h2>{b}{product}维修</h2>{"".join(lines)}</div>'
    s["nav"] = (f'<div class="{t}-nav">{c.link("/", "首页")}'
                + (f" {c.link(c.net.item_path(site.host, i - 1), '上一篇')}" if i > 1 else "")
                + (f" {c.link(c.net.item_path(site.host, i + 1), '下一篇')}" if i < c.net.pages_per_site else "")
                + "</div>")
    s["rel"] = c.related(i, "相关网点")
    if i % 3 == 1:
        s["ft"] = s["ft"].replace("</div>", f" {HUB_LABEL}：{ink.num(c.net.hub, 'dashed', 'colon')}</div>")
    return brand, title, head, _order(site.template.layout, s)


def _spam_en(c: _Ctx, kind: str, n: int) -> tuple[Brand, str, str, str]:
    site, ink, rng, t = c.site, c.ink, c.rng, c.t
    brand, primary = site.brands[0], site.primary
    b = brand.name
    s: dict[str, str] = {}
    s["hd"] = (f'<div class="{t}-hd"><h1>{b} Support Center</h1><p>Call Toll Free: '
               f'{ink.num(primary, "us_dashed", "colon")}</p>'
               f'<a href="tel:{ink.num(primary, "tel", where="tel")}">Tap to call</a></div>')
    s["art"] = f'<div class="{t}-art">' + "".join(f"<p>{p}</p>" for p in site.template.filler) + "</div>"
    s["area"] = f'<div class="{t}-area">We serve: {", ".join(site.template.regions)}</div>'
    s["ft"] = f'<div class="{t}-ft">© 2026 {b} Support. Independent service provider.</div>'
    head = f'<meta name="keywords" content="{b} support number, printer help, {brand.alias} customer service">'
    if kind == "list":
        title = f"{b} Customer Support Number | 24/7 Printer Help | Page {n}"
        items = "".join(f"<li>{c.link(c.net.item_path(site.host, i), f'{b} help article {i}')}</li>"
                        for i in c.items_of_listing(n))
        s["main"] = f'<div class="{t}-main"><ul>{items}</ul>{c.pager(n, "Previous", "Next page")}</div>'
        s["nav"] = f'<div class="{t}-nav">{c.link("/", "Home")}</div>'
        return brand, title, head, _order(site.template.layout, s)

    i = n
    title = f"{b} Customer Support Number {ink.num(primary, 'homoglyph', where='title')} | 24/7 Tech Support"
    fmts = list(US_FORMATS)
    rng.shuffle(fmts)
    g0 = rng.randrange(len(_GLUES_EN))
    lines = [f"<p>{rng.choice(_PHRASES_EN)} {ink.glued(primary, f, _GLUES_EN[(g0 + j) % len(_GLUES_EN)], j + 1)}</p>"
             for j, f in enumerate(fmts)]
    plain_others = [x for x in site.others if x not in c.net.vanity]
    vanity = [x for x in site.others if x in c.net.vanity]
    jsonld_number = primary
    if plain_others:
        sec = plain_others[i % len(plain_others)]
        mode = i % 3
        if mode == 0:
            lines.append(f'<p><a href="tel:{ink.num(sec, "tel", where="tel")}">Call our second line</a></p>')
        elif mode == 1:
            jsonld_number = sec
        else:
            lines.append(f"<p>Second line: {ink.num(sec, 'us_paren')}</p>")
    if vanity and i % 2 == 0:
        lines.append(f"<p>Easy to remember: dial <strong>{ink.num(vanity[0], 'vanity')}</strong></p>")
    head += _jsonld(f"{b} Support", ink.num(jsonld_number, "jsonld", where="jsonld"))
    s["main"] = f'<div class="{t}-main"><h2>{brand.alias} printer not working?</h2>{"".join(lines)}</div>'
    s["nav"] = f'<div class="{t}-nav">{c.link("/", "Home")}</div>'
    s["rel"] = c.related(i, "Related")
    if i % 3 == 1:
        s["ft"] = s["ft"].replace("</div>", f" China consumer hotline: {ink.num(c.net.hub, 'intl', 'colon')}</div>")
    return brand, title, head, _order(site.template.layout, s)


def _legit(c: _Ctx, kind: str, n: int) -> tuple[Brand, str, str, str]:
    site, ink, rng, t = c.site, c.ink, c.rng, c.t
    brand = site.brands[0]
    b = brand.name
    footer = (f'<div class="{t}-ft"><p>官方客服热线：{ink.num(site.primary, "dashed", "colon")}'
              f' 总部电话：{ink.num(site.others[0], "dashed", "colon")}</p>')
    if kind == "list" and n == 1 or kind == "item" and n % 3 == 0:
        footer += f"<p>{HUB_LABEL}：{ink.num(c.net.hub, 'dashed', 'colon')}</p>"
    footer += f"<p>© 2026 {b} 版权所有 {_noise(rng, 'icp')} 邮编：{_noise(rng, 'postal')}</p></div>"
    nav = f'<div class="{t}-nav">{c.link("/", "首页")} 官方商城 服务网点 关于我们</div>'
    if kind == "list":
        title = f"{b}官方网站 - 产品中心 第{n}页"
        items = "".join(
            f"<li>{c.link(c.net.item_path(site.host, i), f'{brand.alias.upper()}-{i} {brand.product}')} "
            f"{_noise(rng, 'price')}</li>" for i in c.items_of_listing(n))
        main = (f'<div class="{t}-main"><h1>欢迎访问{b}官方网站</h1><p>谨防假冒售后电话，'
                f'请以本站公布的号码为准。</p><ul>{items}</ul>{c.pager(n, "上一页", "下一页")}</div>')
        return brand, title, "", f"{nav}\n{main}\n{footer}"
    model = f"{brand.alias[:2].upper()}-{rng.randrange(1000, 9999)}"
    title = f"{b} {model} {brand.product} - {b}官方网站"
    specs = "".join(f"<li>{k}：{_noise(rng, v)}</li>" for k, v in (
        ("参考价格", "price"), ("上市日期", "date"), ("商品条码", "barcode"), ("订单号示例", "order"),
        ("累计销量", "count")))
    main = (f'<div class="{t}-main"><h1>{b} {model}</h1><p>型号：{model}</p><ul>{specs}</ul>'
            f"<p>{site.template.filler[0]}</p></div>")
    return brand, title, "", f"{nav}\n{main}\n{footer}"


def _jsonld(name: str, telephone: str) -> str:
    data = {"@context": "https://schema.org", "@type": "LocalBusiness", "name": name, "telephone": "#"}
    text = json.dumps(data, ensure_ascii=False).replace('"#"', f'"{telephone}"')
    return f'<script type="application/ld+json">{text}</script>'


def _noise(rng: random.Random, kind: str) -> str:
    """Number-like text that is not a phone number (checked with phonenumbers' matcher)."""
    for _ in range(50):
        text = {
            "price": lambda: f"¥{rng.randrange(1, 20)},{rng.randrange(1000):03d}.00",
            "date": lambda: f"20{rng.randrange(18, 27)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
            "barcode": lambda: f"690{rng.randrange(10**10):010d}",
            "order": lambda: f"DD{rng.randrange(10**13, 10**14)}",
            "count": lambda: f"{rng.randrange(1000, 99999):,}件",
            "icp": lambda: f"京ICP备{rng.randrange(10**7, 10**8)}号",
            "postal": lambda: f"{rng.randrange(100000, 999999)}",
        }[kind]()
        if not any(True for _ in phonenumbers.PhoneNumberMatcher(text, "CN")):
            return text
    raise RuntimeError(f"could not make {kind} noise that is not a phone number")
