"""Words that mark a page as a service line: products, service words, region and filler words."""
from __future__ import annotations

# Product categories, longest first within each script so "中央空调" wins over "空调".
PRODUCTS_CJK = sorted([
    "保险柜", "保险箱", "燃气灶", "集成灶", "空调", "中央空调", "热水器", "燃气热水器", "壁挂炉",
    "洗衣机", "冰箱", "油烟机", "抽油烟机", "净水器", "电视", "电视机", "指纹锁", "智能锁",
    "密码锁", "门锁", "地暖", "太阳能", "消毒柜", "洗碗机", "空气能", "电梯", "新风系统",
    "采暖炉", "锅炉", "电饭煲", "微波炉", "蒸箱", "烤箱", "饮水机", "马桶", "智能马桶",
    "打印机", "复印机", "电脑", "笔记本", "手机", "投影仪", "扫地机器人", "除湿机", "空气净化器",
], key=len, reverse=True)
PRODUCTS_LATIN = sorted([
    "printer", "router", "antivirus", "laptop", "computer", "email", "wifi extender", "smart tv",
    "tv", "refrigerator", "fridge", "washer", "dryer", "washing machine", "air conditioner",
    "water heater", "furnace", "boiler", "dishwasher", "microwave", "oven", "safe", "camera",
    "security camera", "thermostat", "garage door", "modem", "scanner", "phone", "tablet",
    "payroll", "desktop", "accounting software",
], key=len, reverse=True)

# Words that say "call this number for service".
SERVICE_CJK = sorted([
    "售后服务", "售后", "客服", "维修", "服务热线", "服务电话", "服务中心", "维修电话", "客服电话",
    "热线", "400", "24小时", "报修", "维修点", "网点", "维修中心", "服务网点", "人工服务", "受理",
    "电话", "安装", "开锁", "清洗", "加氟", "移机", "人工客服", "人工", "退票", "改签", "机票",
], key=len, reverse=True)
SERVICE_LATIN = sorted([
    "customer service", "customer support", "customer care", "support number", "support phone",
    "helpline", "help line", "tech support", "technical support", "phone number",
    "contact number", "toll free", "toll-free", "service center", "service centre", "support",
    "repair", "hotline", "help desk", "helpdesk", "service", "contact", "reservations",
    "flight booking", "booking", "reservation",
    "reservations number", "live person", "change flight", "customer care number", "activation",
], key=len, reverse=True)

# Words that may stand before a brand but are not part of it.
FILLER_PREFIXES = sorted([
    "关于", "如需", "招聘", "常用", "取扱説明書",
    "全国", "官方", "官网", "中国", "本地", "各区", "各地", "城市", "市区", "统一", "专业", "正规",
    "厂家", "总部", "欢迎访问", "欢迎进入", "欢迎来到", "欢迎", "首页", "网站", "推荐", "认证",
    "授权", "特约", "指定", "最新", "免费", "附近", "上门", "快速",
], key=len, reverse=True)
FILLER_SUFFIXES = sorted([
    "牌", "品牌", "官方", "全国", "各区", "总部", "厂家", "专业", "统一",
    "家用", "办公", "酒店", "商用", "智能", "指纹", "电子密码", "防火防盗", "电子", "燃气",
    "集团", "官网", "官方网站", "股份有限公司", "有限公司", "の", "工業", "株式会社", "技術", "技术",
    "各課",
], key=len, reverse=True)

# Words a service phrase can start with that never name a brand.
NOT_BRANDS = {"消费者", "相关", "我们", "本站", "本公司", "公司", "客户", "用户", "第三方", "服务",
              "中心", "官方", "版权所有", "首页", "上门", "预约", "故障", "免费", "专业", "全国联保",
              "年末年始", "技术", "技術", "付録", "各課", "物业", "投诉", "消费者投诉", "关于", "如需",
              "订餐", "家电", "招聘", "常用", "航空公司", "本局", "取扱説明書", "市役所", "本店"}

# Province and large-city names, stripped from the front of a brand candidate
# ("北京金盾保险柜维修" -> "金盾").
PLACES = sorted([
    "北京", "上海", "天津", "重庆", "广州", "深圳", "杭州", "南京", "苏州", "成都", "武汉",
    "西安", "郑州", "长沙", "沈阳", "大连", "青岛", "济南", "厦门", "福州", "合肥", "南昌",
    "昆明", "贵阳", "南宁", "海口", "太原", "石家庄", "哈尔滨", "长春", "呼和浩特", "兰州",
    "银川", "西宁", "乌鲁木齐", "拉萨", "宁波", "无锡", "东莞", "佛山", "珠海", "温州",
    "常州", "徐州", "烟台", "潍坊", "唐山", "保定", "洛阳", "泉州", "嘉兴", "绍兴", "金华",
    "台州", "扬州", "南通", "惠州", "中山", "江门", "汕头", "湛江", "桂林", "三亚",
    "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海",
    "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
    "朝阳", "海淀", "东城", "西城", "丰台", "浦东", "徐汇", "天河", "越秀", "福田", "南山",
], key=len, reverse=True)

# --- other languages: Japanese (read with the CJK rules), Spanish, German, Hindi-English --------
PRODUCTS_JA = ["エアコン", "洗濯機", "テレビ", "給湯器", "冷蔵庫", "パソコン", "プリンター", "トイレ"]
SERVICE_JA = ["修理受付センター", "修理受付", "修理センター", "修理", "サポートセンター", "サポート",
              "カスタマーサービス", "カスタマーセンター", "お客様ご相談センター", "ご相談センター",
              "コンタクトセンター", "電話番号", "交換"]
PRODUCTS_OTHER = [  # Spanish, German and Hindi-English product words (matched case-blind)
    "lavadora", "lavadoras", "lavavajillas", "frigorífico", "frigoríficos", "horno", "hornos",
    "aire acondicionado", "caldera", "vitrocerámica", "impresora",
    "waschmaschine", "geschirrspüler", "trockner", "herd", "backofen", "heizung", "therme",
    "kühlschrank", "drucker", "credit card", "mobile", "sim", "wallet",
]
SERVICE_OTHER = [
    "servicio técnico oficial", "servicio técnico", "servicio de asistencia técnica",
    "atención al cliente", "asistencia técnica", "teléfono", "soporte", "reparación", "reservas",
    "kundendienst", "kundenservice", "reparaturservice", "reparatur", "notdienst", "hotline",
    "telefonnummer", "service",
    "customer care", "care number", "helpline number", "service center", "service centre",
]
# Spanish phrases name the brand after the service word: "servicio técnico Bosch", "teléfono de Iberia"
AFTER_ANCHOR_LINKS = ["de", "del", "con", "at", "to", "with", "for", "von", "bei", "a"]

# Capitalised words that are never a brand name however they stand (page furniture, generic
# service words, places): "All Chat Full Support Availability", "Postal", "XXXX".
GENERIC_WORDS = {
    "all", "chat", "full", "availability", "postal", "address", "fax", "phone", "tel", "email",
    "e-mail", "office", "hours", "emergency", "reservations", "reservation", "ticketing",
    "customer", "customers", "service", "services", "support", "care", "help", "helpline",
    "hotline", "number", "numbers", "contact", "contacts", "call", "calls", "live", "person",
    "agent", "new", "patients", "appointment", "book", "booking", "flight", "flights", "refund",
    "refunds", "cancel", "change", "policy", "same-day", "baggage", "skymiles", "aadvantage",
    "reference", "invoice", "monday", "friday", "mon", "fri", "sat", "sun", "usa", "us", "u.s.",
    "canada", "india", "spain", "germany", "japan", "china", "delhi", "madrid", "berlin",
    "official", "oficial", "offizieller", "free", "toll", "toll-free", "gratis", "kostenlos",
    "gratuito", "24/7", "24x7", "24h", "online", "españa", "scam", "scams", "fraud", "fake", "manual",
    "la", "el", "los", "las", "un", "una", "le", "les", "electrodomésticos", "hausgeräte",
    "bedienungsanleitung", "störungstabelle", "seite", "página", "deutsch", "español", "english",
    "hindi", "deutschland", "madrid", "barcelona", "valencia", "sevilla", "zaragoza", "münchen", "hamburg", "köln",
    "frankfurt", "mumbai", "bengaluru", "kolkata", "chennai", "online-service", "understanding", "contacting",
    "offline", "not", "printing", "showing", "certified", "technicians", "kontaktieren", "how", "what", "why", "when", "where", "who",
    "is", "do", "i", "we", "you", "our", "your", "my", "the", "a", "an", "to", "for", "of", "and",
    "get", "need", "want", "talk", "speak", "dial", "press", "now", "today", "here", "this",
    "technical", "tech", "expert", "experts", "team", "center", "centre", "desk",
    "servicio", "técnico", "tecnico", "atención", "teléfono", "telefono", "cliente", "clientes",
    "llame", "llamar", "cómo", "como", "hablar", "número", "numero", "contacto", "contacta",
    "reparación", "soporte", "agencia", "kundendienst", "kundenservice", "hotline", "reparatur",
    "notdienst", "ihre", "ihr", "unser", "rufen", "sie", "den", "die", "der", "das", "und",
    "kontakt", "impressum", "telefonnummer", "wochenende", "customer-care", "sms", "whatsapp",
    "landline", "appointment", "general", "bulk", "orders", "shop", "contact-us", "xxxx",
    "disclaimer", "note", "posted", "comments", "post", "comment", "learn", "sign", "still",
    "stuck", "beware", "please", "register", "chapter", "page", "prices", "residents", "police",
    "never", "find", "use", "report", "legitimate", "scammers", "hearing", "speech", "privacy",
    "terms", "notice", "in", "on", "by", "from", "mobile",
    "account", "wallet", "kyc", "otp", "pin", "upi", "sim", "screen", "battery", "repair",
    "doorstep", "activation", "setup", "driver", "drivers", "error", "errors", "fix", "printer",
    "printers", "router", "antivirus", "payroll", "desktop", "subscription", "billing",
}
# Trade words between a brand and its service word: "BSH Hausgeräte Kundendienst"
TRADE_WORDS = {"hausgeräte", "elektrogeräte", "electrodomésticos", "appliances", "electronics",
               "home", "technologies"}
# Words that are part of a brand name but never one alone: "Delta Air Lines", "Cash App"
PART_WORDS = {"air", "airline", "airlines", "line", "lines", "bank", "card", "payments", "app",
              "pay", "software", "group", "airways"}
# Words that call a service line an impostor's: a sentence with one reports a fake number ("a fake
# number posted as a Flipkart helpline", "posing as a FedEx representative") rather than offering
# the brand's service, so the brands named in it are not claimed (news and warning pages)
IMPOSTOR_WORDS = ["fake", "fraud", "fraudulent", "fraudster", "fraudsters", "scam", "scams",
                  "scammer", "scammers", "scamster", "scamsters", "bogus", "impostor", "imposter",
                  "posing as", "posed as", "pose as", "pretending to be", "in the name of",
                  "cyber thugs", "conmen", "phishing", "nakli", "farzi", "फर्जी", "नकली",
                  "假冒", "冒充", "虚假", "骗子", "诈骗", "なりすまし", "詐欺", "偽の", "偽物",
                  "falso", "falsos", "falsa", "falsas", "fraudulento", "estafa", "estafadores",
                  "se hacen pasar", "haciéndose pasar", "falsche", "falschen", "falscher",
                  "gefälscht", "gefälschte", "gefälschten", "betrug", "betrüger"]
# Title segments that mark a site's own contact page: the other segment names the site
CONTACT_TITLES = ["contact us", "contact", "customer service", "support", "contacto", "soporte",
                  "kundendienst", "kundenservice",
                  "contacta con", "kontakt", "impressum", "お問い合わせ", "お客様ご相談センター",
                  "联系我们", "服务与支持", "服务支持", "服务网点查询", "售后", "help centre",
                  "help center", "reservations and ticket changes"]
