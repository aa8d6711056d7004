"""Static text of the sample network: brands, domains, districts, filler sentences.

All brands, domains and companies here are invented. Domains use the reserved
`.test` TLD so they can never resolve on the public internet.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Brand:
    """A brand a page can claim: `name` is what the page says ("金盾保险柜")."""

    name: str
    alias: str  # Latin alias ("Jindun")
    product: str  # "保险柜"


@dataclass(frozen=True)
class NetworkSpec:
    """The fixed shape of one spam network; its numbers are invented per seed."""

    network_id: str
    domains: tuple[str, ...]
    brands: tuple[Brand, ...]
    number_kinds: tuple[str, ...]  # one entry per hotline: "cn400" | "cnmobile" | "us800" | "vanity"
    language: str = "zh"


JINDUN = Brand("金盾保险柜", "Jindun", "保险柜")
NUANLIFANG = Brand("暖立方壁挂炉", "Nuanlifang", "壁挂炉")

NETWORKS: tuple[NetworkSpec, ...] = (
    NetworkSpec(
        "net-1",
        ("baoxianxiang-shouhou.test", "bihuagua-weixiu.test", "kongtiao-weixiu.test", "jindun-400.test"),
        (JINDUN, NUANLIFANG, Brand("雪岭空调", "Xueling", "空调")),
        ("cn400", "cn400", "cnmobile"),
    ),
    NetworkSpec(
        "net-2",
        ("ranqizao-shouhou.test", "reshuiqi-kefu.test", "bingxiang-weixiu.test"),
        (Brand("焰火燃气灶", "Yanhuo", "燃气灶"), Brand("清泉热水器", "Qingquan", "热水器"),
         Brand("冰川冰箱", "Bingchuan", "冰箱")),
        ("cn400", "cnmobile"),
    ),
    NetworkSpec(
        "net-3",
        ("xiyiji-24h.test", "mensuo-fuwu.test"),
        (Brand("洁净洗衣机", "Jiejing", "洗衣机"), Brand("安居智能锁", "Anju", "智能锁")),
        ("cn400", "cnmobile"),
    ),
    NetworkSpec(
        "net-4",
        ("printer-helpdesk.test",),
        (Brand("Lumajet Printer", "Lumajet", "printer"),),
        ("us800", "us800", "vanity"),
        language="en",
    ),
)

# Legitimate brand sites (negatives): each lists its own official numbers.
LEGIT_SITES: tuple[tuple[str, Brand], ...] = (
    ("jindun-guanwang.test", JINDUN),
    ("nuanlifang.test", NUANLIFANG),
)

HUB_LABEL = "全国消费者服务热线"

DISTRICTS = (
    "北京市朝阳区", "海淀区", "东城区", "西城区", "丰台区", "石景山区", "通州区", "昌平区", "大兴区",
    "顺义区", "房山区", "上海市浦东新区", "黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区",
    "杨浦区", "闵行区", "宝山区", "嘉定区", "松江区", "广州市天河区", "越秀区", "海珠区", "荔湾区",
    "白云区", "番禺区", "黄埔区", "深圳市福田区", "罗湖区", "南山区", "宝安区", "龙岗区", "龙华区",
    "杭州市西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区", "南京市玄武区", "秦淮区",
    "鼓楼区", "建邺区", "栖霞区", "江宁区", "成都市锦江区", "青羊区", "金牛区", "武侯区", "成华区",
    "武汉市江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "洪山区", "西安市雁塔区", "碑林区",
    "莲湖区", "新城区", "未央区", "天津市和平区", "河西区", "南开区", "河东区", "重庆市渝中区",
    "江北区", "南岸区", "沙坪坝区", "九龙坡区", "长沙市芙蓉区", "天心区", "岳麓区", "开福区",
    "郑州市金水区", "二七区", "中原区", "济南市历下区", "市中区", "槐荫区", "沈阳市和平区", "沈河区",
    "大东区", "皇姑区", "哈尔滨市南岗区", "道里区", "昆明市五华区", "盘龙区", "合肥市蜀山区", "包河区",
    "福州市鼓楼区", "台江区", "厦门市思明区", "湖里区", "南昌市东湖区", "青山湖区", "石家庄市长安区",
    "太原市小店区", "南宁市青秀区", "贵阳市南明区", "兰州市城关区", "乌鲁木齐市天山区",
)

CITIES_EN = (
    "New York", "Los Angeles", "Chicago", "Houston", "Phoenix", "Philadelphia", "San Antonio",
    "San Diego", "Dallas", "San Jose", "Austin", "Jacksonville", "Fort Worth", "Columbus",
    "Charlotte", "Indianapolis", "Seattle", "Denver", "Boston", "Nashville", "Portland", "Memphis",
    "Louisville", "Baltimore", "Milwaukee", "Albuquerque", "Tucson", "Fresno", "Sacramento", "Omaha",
)

FILLER_ZH = (
    "家用电器在长期使用过程中难免出现各种故障，专业的售后服务能够帮助用户快速解决问题。",
    "我们的维修师傅均经过严格培训，持证上岗，上门服务准时高效，收费透明合理。",
    "建议用户定期对设备进行清洁保养，可以有效延长使用寿命并降低能耗。",
    "如遇设备无法启动、异常噪音、漏水漏气等情况，请立即停止使用并联系专业人员检修。",
    "维修完成后提供配件质保服务，让您用得放心、修得安心。",
    "本中心配备原厂配件库，常见故障当天即可修复，疑难问题二十四小时内给出解决方案。",
    "冬季使用前请检查电源线路与管道连接，夏季高温时注意通风散热。",
    "客服人员全年无休，节假日照常提供上门服务，真诚期待为您服务。",
    "用户评价：师傅来得很快，讲解耐心，问题一次就修好了，非常满意。",
    "温馨提示：请认准官方授权服务网点，谨防上当受骗。",
)

FILLER_EN = (
    "Printers can run into problems such as paper jams, offline errors and driver conflicts.",
    "Our certified technicians are available around the clock to fix any printer issue remotely.",
    "Whether you use a wireless, laser or inkjet printer, we can help you set it up in minutes.",
    "Most driver problems are solved in a single call, with no appointment needed.",
    "Customer satisfaction is our priority and every session is covered by our service guarantee.",
    "If your printer shows an error code, keep the device powered on and call our helpline.",
)

PRODUCTS_ZH = ("家用", "办公", "酒店", "商用", "智能", "指纹", "电子密码", "防火防盗")
