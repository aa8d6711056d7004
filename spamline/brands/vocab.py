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
], key=len, reverse=True)

# Words that say "call this number for service".
SERVICE_CJK = sorted([
    "售后服务", "售后", "客服", "维修", "服务热线", "服务电话", "服务中心", "维修电话", "客服电话",
    "热线", "400", "24小时", "报修", "维修点", "网点", "维修中心", "服务网点", "人工服务", "受理",
    "电话", "安装", "开锁", "清洗", "加氟", "移机",
], key=len, reverse=True)
SERVICE_LATIN = sorted([
    "customer service", "customer support", "customer care", "support number", "support phone",
    "helpline", "help line", "tech support", "technical support", "phone number",
    "contact number", "toll free", "toll-free", "service center", "service centre", "support",
    "repair", "hotline", "help desk", "helpdesk", "service", "contact",
], key=len, reverse=True)

# Words that may stand before a brand but are not part of it.
FILLER_PREFIXES = sorted([
    "全国", "官方", "官网", "中国", "本地", "各区", "各地", "城市", "市区", "统一", "专业", "正规",
    "厂家", "总部", "欢迎访问", "欢迎进入", "欢迎来到", "欢迎", "首页", "网站", "推荐", "认证",
    "授权", "特约", "指定", "最新", "免费", "附近", "上门", "快速",
], key=len, reverse=True)
FILLER_SUFFIXES = sorted([
    "牌", "品牌", "官方", "全国", "各区", "总部", "厂家", "专业", "统一",
    "家用", "办公", "酒店", "商用", "智能", "指纹", "电子密码", "防火防盗", "电子", "燃气",
], key=len, reverse=True)

# Words a service phrase can start with that never name a brand.
NOT_BRANDS = {"消费者", "相关", "我们", "本站", "本公司", "公司", "客户", "用户", "第三方", "服务",
              "中心", "官方", "版权所有", "首页", "上门", "预约", "故障", "免费", "专业", "全国联保"}

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
