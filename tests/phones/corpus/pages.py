"""Whole pages for the corpus: doorway pages, support-scam pages, shops, plain text.

Each page lists what a reader of the page (and of its tel: links, JSON-LD, meta tags,
alt/title attributes and inline scripts) would take as phone numbers, as
[e164, source] pairs, one per occurrence. Numbers in HTML comments, CSS, prices,
dates, ids and postal codes are not phone numbers. All numbers are invented.
"""
from __future__ import annotations


def repair_doorway(brand: str, n1: tuple[str, str], cities: list[tuple[str, str, str]]) -> tuple[str, list]:
    """A brand-repair doorway: the number in title, meta, JSON-LD, tel:, alt, text; city list."""
    shown, e164 = n1
    digits = e164.replace("+86", "")
    items = "".join(f"<li>{m}{city}维修点 {num}</li>" for m, (city, num, _) in zip("①②③④⑤", cities))
    html = f"""<!DOCTYPE html>
<html><head><meta charset="{{charset}}">
<title>{brand}售后服务电话_{brand}客服热线{shown}</title>
<meta name="keywords" content="{brand}售后,{brand}维修电话,{brand}客服">
<meta name="description" content="{brand}全国售后服务热线：{shown}，24小时报修，上门服务。">
<script type="application/ld+json">{{"@context":"https://schema.org","@type":"LocalBusiness","name":"{brand}维修中心","telephone":"{e164}"}}</script>
<style>.tel{{color:#400812;font-size:13812px}}</style>
<script>var _hmt=_hmt||[];(function(){{var hm=document.createElement("script");hm.src="https://hm.example.cn/hm.js?1a2b3c4d5e6f78901234";}})();</script>
</head><body>
<!-- 旧号码 400-111-2222 已停用 -->
<div class="top"><a href="tel:{digits}"><img src="/img/tel.png" alt="{brand}客服电话{shown}"></a></div>
<h1>{brand}售后维修服务中心</h1>
<p>全国统一客服热线：<b>{shown}</b>（7×24小时）</p>
<p>维修价格：上门费￥50.00起，配件￥138.00起。</p>
<ul>{items}</ul>
<p>更新时间：2026-11-28 10:30 浏览量：138123 次</p>
<div class="footer">京ICP备12345678号-1 客服QQ：12345678 邮编：100086</div>
</body></html>"""
    expect = [[e164, "text"], [e164, "meta"], [e164, "jsonld"], [e164, "tel"], [e164, "attr"], [e164, "text"]]
    expect += [[c[2], "text"] for c in cities]
    return html, expect


def split_markup(brand: str) -> tuple[str, list]:
    """Numbers cut by tags and entities so that naive text search misses them."""
    html = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset={{charset}}">
<title>{brand}官方客服</title></head><body>
<div class="hot">热线：400<span>812</span>3456</div>
<p>售后：<em>138</em><em>1234</em><em>5678</em></p>
<p>投诉：&#52;&#48;&#48;-666-&#55;&#55;&#56;&#56;</p>
<p>维修：<font color="red">4</font>00-<b>6</b>00-1234</p>
<p>手机：&#x31;&#x33;&#x39;&nbsp;1234&nbsp;5670</p>
<p>预约：400<span style="display:none">7</span>-800-<i style="visibility: hidden">1</i>3456</p>
<p>第<span>1</span>期活动价格：￥<span>399</span>.00 截止 2026-12-31</p>
</body></html>"""
    return html, [["+864008123456", "text"], ["+8613812345678", "text"], ["+864006667788", "text"],
                  ["+864006001234", "text"], ["+8613912345670", "text"], ["+864008003456", "text"]]


def script_written(brand: str) -> tuple[str, list]:
    """Numbers that only appear when inline scripts run."""
    html = f"""<html><head><meta charset="{{charset}}"><title>{brand}服务网点查询</title>
<script>var conf = {{"siteId": "20261128", "ts": "1732752000", "ver": "1.13.8"}};</script>
</head><body>
<div id="tel"></div><div id="tel2"></div>
<script type="text/javascript">
document.write("<p>{brand}客服热线：<b>400-700-2345</b></p>");
document.getElementById('tel').innerHTML = '\\u0034\\u0030\\u0030-900-4567';
var phone = "13812345678";
document.getElementById("tel2").innerHTML = "手机：" + phone;
setTimeout(function() {{ console.log("loaded 20261128"); }}, 1000);
</script>
<noscript>请拨打 400-800-3456</noscript>
<p>网点数量：1380 家 更新于 2026-11-28</p>
</body></html>"""
    return html, [["+864007002345", "script"], ["+864009004567", "script"], ["+8613812345678", "script"],
                  ["+864008003456", "text"]]


def support_scam(company: str) -> tuple[str, list]:
    """An English tech-support scam page."""
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="{{charset}}">
<title>{company} Support Number 1-844-555-0102 | 24/7 Help</title>
<meta property="og:description" content="Call {company} support at +1 (888) 555-0123 toll free.">
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "Organization", "name": "{company} Help",
 "contactPoint": [{{"@type": "ContactPoint", "telephone": "+1-844-555-0102", "contactType": "customer support"}},
                  {{"@type": "ContactPoint", "telephone": "+1-800-555-0199", "contactType": "billing"}}]}}
</script></head><body>
<header><a class="call" href="tel:+18445550102">Call Now: 1-844-555-0102</a></header>
<h1>{company} Customer Support</h1>
<p>Is your computer locked? Do not turn it off. Call our certified technicians at <strong>1-8OO-555-0199</strong>.</p>
<p>Prefer to text? Dial 1-800-FLOWERS for our partner line.</p>
<p>Case ID: 202611281234, error code 0x80070005, Windows 10 build 19045.3693.</p>
<p>Plans from $19.99/month. Offer ends 11/28/2026.</p>
<footer>&copy; 2026 Support Inc. 1200 Market St, Suite 400, San Francisco, CA 94105</footer>
</body></html>"""
    return html, [["+18445550102", "text"], ["+18885550123", "meta"], ["+18445550102", "jsonld"],
                  ["+18005550199", "jsonld"], ["+18445550102", "tel"], ["+18445550102", "text"],
                  ["+18005550199", "text"], ["+18003569377", "text"]]


def uk_page() -> tuple[str, list]:
    html = """<html><head><meta charset="{charset}"><title>Boiler repair helpline</title></head><body>
<p>Freephone 0808 157 0000 (24 hours) or our London office on 020 7946 0000.</p>
<p>Postcode SW1A 1AA. Company no. 12345678. VAT GB 123 4567 89.</p>
<p>Prices from &pound;79.00, booked 28/11/2026.</p></body></html>"""
    return html, [["+448081570000", "text"], ["+442079460000", "text"]]


def taiwan_page() -> tuple[str, list]:
    html = """<html><head><meta charset="{charset}"><title>冷氣維修服務專線</title></head><body>
<p>台北維修專線：(02) 2345-6789，免付費電話 0800-123-456。</p>
<p>手機聯絡：0912-345-678 請撥打，服務時間 9:00-18:00。</p>
<p>統一編號 12345678，地址：臺北市信義區市府路45號。</p></body></html>"""
    return html, [["+886223456789", "text"], ["+886800123456", "text"], ["+886912345678", "text"]]


def hongkong_page() -> tuple[str, list]:
    html = """<html><head><meta charset="{charset}"><title>香港家電維修熱線</title></head><body>
<p>香港維修熱線：2345 6789 或 9123 4567，香港各區上門服務。</p>
<p>營業時間 10:00-19:00，收費由 HK$380 起。</p></body></html>"""
    return html, [["+85223456789", "text"], ["+85291234567", "text"]]


def city_table(brand: str, rows: list[tuple[str, str, str]]) -> tuple[str, list]:
    """One number per table cell: cells must not join into one long number."""
    body = "".join(f"<tr><td>{city}</td><td>{num}</td><td>2026-11-{i + 10:02d}</td></tr>"
                   for i, (city, num, _) in enumerate(rows))
    html = f"""<html><head><meta charset="{{charset}}"><title>{brand}各地服务电话</title></head><body>
<table><tr><th>城市</th><th>电话</th><th>更新</th></tr>{body}</table></body></html>"""
    return html, [[e164, "text"] for _, _, e164 in rows]


def obfuscated(brand: str) -> tuple[str, list]:
    """Chinese numerals, full-width digits, look-alike letters and zero-width characters."""
    html = f"""<html><head><meta charset="{{charset}}"><title>{brand}</title></head><body>
<p>{brand}热线：四零零八一二三四五六</p>
<p>售后：４００－６６６－７７８８</p>
<p>手机：幺三八一二三四五六七八</p>
<p>预约：4OO-6OO-l234</p>
<p>投诉：4\u200b0\u200b0\u200b7\u200b0\u200b0\u200b2\u200b3\u200b4\u200b5</p>
<p>价格：一九九八元，二〇二六年十一月上线，第一二三期</p></body></html>"""
    return html, [["+864008123456", "text"], ["+864006667788", "text"], ["+8613812345678", "text"],
                  ["+864006001234", "text"], ["+864007002345", "text"]]


def shop_page() -> tuple[str, list]:
    """An ordinary shop page: many digit strings, one phone number."""
    html = """<html><head><meta charset="{charset}"><title>商品详情 - 某某商城</title></head><body>
<h1>家用空调 KFR-35GW/(35556)FNhAa-A1</h1>
<p>价格：￥3999.00 原价：￥4599.00 月销 13812 件</p>
<p>商品编号：100012345678 货号：13812345678 ISBN 978-7-115-12345-6</p>
<p>订单号：202611281234567 运单号：SF1234567890123</p>
<p>发货地 北京 邮编 100086 发货时间 2026-11-28 13:45</p>
<p>尺寸：800×300×200mm 重量：10.5kg 能效 1级</p>
<p>店铺客服电话：010-65521234</p>
<p>京ICP备12345678号 京公网安备 11010502012345号</p></body></html>"""
    return html, [["+861065521234", "text"]]


def plain_text() -> tuple[str, list]:
    text = """某品牌燃气灶维修
全国服务热线：400-812-3456
北京：010-65521234
深圳：0755 8888 9999
手机：138 1234 5678
更新日期 2026-11-28，订单号 202611281234567，邮编 518000。
"""
    return text, [["+864008123456", "text"], ["+861065521234", "text"], ["+8675588889999", "text"],
                  ["+8613812345678", "text"]]


def australia_india() -> tuple[str, list]:
    html = """<html><head><meta charset="{charset}"><title>Support</title></head><body>
<p>Australia: 1300 123 456 or free call +61 1800 123 456.</p>
<p>India toll free: +91 1800 123 4567.</p>
<p>ABN 12 345 678 901. Open 9am-5pm AEST.</p></body></html>"""
    return html, [["+611300123456", "text"], ["+611800123456", "text"], ["+9118001234567", "text"]]


def enumerated_list(brand: str) -> tuple[str, list]:
    """Enumerations glued to numbers: the marker must not become part of the number."""
    html = f"""<html><head><meta charset="{{charset}}"><title>{brand}</title></head><body>
<div>{brand}服务电话：</div>
<div>1.4008123456</div><div>2.4006667788</div><div>(3)13812345678</div><div>④010-65521234</div>
<div>5、0755-88889999</div>
<div>共 5 个号码，更新于 2026.11.28</div></body></html>"""
    return html, [["+864008123456", "text"], ["+864006667788", "text"], ["+8613812345678", "text"],
                  ["+861065521234", "text"], ["+8675588889999", "text"]]


BRANDS = ["格力空调", "海尔冰箱", "美的热水器", "方太油烟机", "西门子洗衣机", "老板燃气灶", "万和热水器", "林内燃气灶"]
CITY_SETS = [
    [("北京", "010-65521234", "+861065521234"), ("上海", "021-5555-1234", "+862155551234"),
     ("深圳", "0755-88889999", "+8675588889999")],
    [("杭州", "0571-87654321", "+8657187654321"), ("北京", "13912345670", "+8613912345670")],
    [("广州", "400-600-1234", "+864006001234"), ("成都", "186 1234 5678", "+8618612345678"),
     ("上海", "４００－７００－２３４５", "+864007002345"), ("武汉", "150-1234-5678", "+8615012345678")],
]


def _pages() -> list[dict]:
    pages = []
    mains = [("400-812-3456", "+864008123456"), ("4006667788", "+864006667788"), ("400 600 1234", "+864006001234"),
             ("四零零七零零二三四五", "+864007002345"), ("400-800-3456", "+864008003456"),
             ("４００９００４５６７", "+864009004567")]
    encodings = ["gbk", "utf-8", "gb18030", "gb2312", "utf-8", "utf-16"]
    for k, (shown, e164) in enumerate(mains):
        html, expect = repair_doorway(BRANDS[k], (shown, e164), CITY_SETS[k % 3])
        pages.append({"name": f"doorway{k + 1}", "html": html, "expect": expect, "encoding": encodings[k]})
    for k, brand in enumerate(BRANDS[:4]):
        html, expect = split_markup(brand)
        pages.append({"name": f"split{k + 1}", "html": html, "expect": expect, "encoding": ["utf-8", "gbk"][k % 2]})
    for k, brand in enumerate(BRANDS[2:6]):
        html, expect = script_written(brand)
        pages.append({"name": f"script{k + 1}", "html": html, "expect": expect, "encoding": ["gbk", "utf-8"][k % 2]})
    for k, company in enumerate(["Microsoft", "Norton", "Printer", "Router"]):
        html, expect = support_scam(company)
        pages.append({"name": f"scam{k + 1}", "html": html, "expect": expect,
                      "url": f"https://{company.lower()}-help-desk.example.com/"})
    for k, rows in enumerate(CITY_SETS):
        html, expect = city_table(BRANDS[k + 4], rows)
        pages.append({"name": f"table{k + 1}", "html": html, "expect": expect, "encoding": ["gb18030", "utf-8"][k % 2]})
    for k, brand in enumerate(BRANDS[5:8]):
        html, expect = obfuscated(brand)
        pages.append({"name": f"obfuscated{k + 1}", "html": html, "expect": expect, "encoding": "utf-8"})
    for k, brand in enumerate(BRANDS[:2]):
        html, expect = enumerated_list(brand)
        pages.append({"name": f"enumerated{k + 1}", "html": html, "expect": expect, "encoding": "gbk"})
    html, expect = uk_page()
    pages.append({"name": "uk", "html": html, "expect": expect, "url": "https://boiler-help.example.co.uk/"})
    html, expect = taiwan_page()
    pages.append({"name": "taiwan", "html": html, "expect": expect, "encoding": "big5"})
    html, expect = hongkong_page()
    pages.append({"name": "hongkong", "html": html, "expect": expect, "encoding": "big5hkscs"})
    html, expect = shop_page()
    pages.append({"name": "shop", "html": html, "expect": expect, "encoding": "gbk"})
    html, expect = australia_india()
    pages.append({"name": "au-in", "html": html, "expect": expect})
    text, expect = plain_text()
    pages.append({"name": "plain", "html": text, "expect": expect, "encoding": "gbk", "content_type": "text/plain"})
    return pages


PAGES = _pages()
