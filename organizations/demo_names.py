"""Believable names for the demo directory: townships, villages, parks and firms.

Tibetan place names are built from common transliteration syllables; firm
names follow the way Tibet's business registers read (place + trade name +
line of business + legal form). Everything is drawn from the caller's rng.
"""

from __future__ import annotations

import random

from organizations.models import Sector

SYLLABLES = [
    "曲", "达", "扎", "岗", "拉", "嘎", "堆", "林", "措", "贡", "巴", "雪", "吉", "江", "孜", "那",
    "德", "桑", "觉", "玉", "普", "卡", "热", "尼", "琼", "米", "旺", "色", "当", "朗", "白", "仁",
]  # fmt: skip
TRADE_NAMES = [
    "格桑", "扎西", "德吉", "雪域", "高原", "珠峰", "圣地", "吉祥", "天路", "圣湖", "雅江", "拉萨河",
    "布达拉", "央金", "次仁", "平措", "卓玛", "达瓦", "尼玛", "强巴", "金珠", "宏达", "鑫源", "华宇",
    "藏缘", "雪莲", "净土", "天域", "安居", "通达", "顺丰源", "众鑫", "恒信", "和美", "兴藏", "昌盛",
]  # fmt: skip
SECTOR_SUFFIXES = {
    Sector.CONSTRUCTION: ["建筑工程有限公司", "建设工程有限责任公司", "路桥工程有限公司", "市政工程有限公司"],
    Sector.LOGISTICS: ["物流有限公司", "快递服务有限公司", "商贸物流有限公司", "仓储配送有限公司"],
    Sector.TRANSPORT: ["出租汽车有限公司", "客运有限公司", "汽车运输有限公司"],
    Sector.DOMESTIC_SERVICE: ["家政服务有限公司", "保洁服务有限公司", "物业管理有限公司"],
    Sector.COOPERATIVE: [
        "农牧民专业合作社",
        "牦牛养殖专业合作社",
        "青稞种植专业合作社",
        "民族手工艺专业合作社",
    ],
    Sector.MANUFACTURING: ["建材有限公司", "藏香厂", "食品有限公司", "民族手工艺品有限公司", "水泥制品厂"],
    Sector.OTHER: ["商贸有限公司", "酒店管理有限公司", "餐饮管理有限公司", "旅游服务有限公司"],
}
# Construction sites are registered as projects (项目部) as often as companies.
PROJECTS = [
    "保障性住房",
    "市政道路改造",
    "棚户区改造",
    "高等级公路",
    "水利枢纽",
    "易地扶贫搬迁安置点",
    "学校新建",
]
PARK_KINDS = ["经济开发区", "工业园区", "物流园区", "文化产业园", "农牧产业园", "藏医药产业园"]


def place_name(rng: random.Random, length: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(length))


def township_name(rng: random.Random, number: int) -> str:
    if number < 100:
        return place_name(rng) + "街道办事处"
    return place_name(rng) + ("镇" if number < 200 else "乡")


def village_name(rng: random.Random, number: int) -> str:
    return place_name(rng) + ("社区居委会" if number < 200 else "村")


def short_place(name: str) -> str:
    """城关区 → 城关, 堆龙德庆区 → 堆龙德庆, 日喀则市 → 日喀则."""
    for ending in ("地区", "区", "县", "市"):
        if name.endswith(ending) and len(name) > len(ending) + 1:
            return name[: -len(ending)]
    return name


def firm_name(rng: random.Random, county_name: str, sector: str) -> str:
    place = short_place(county_name)
    if sector == Sector.CONSTRUCTION and rng.random() < 0.3:
        return f"{place}{rng.choice(PROJECTS)}工程{rng.randint(1, 9)}标段项目部"
    return f"{place}{rng.choice(TRADE_NAMES)}{rng.choice(SECTOR_SUFFIXES[sector])}"


def park_name(rng: random.Random, county_name: str, used: set[str]) -> str:
    place = short_place(county_name)
    for kind in rng.sample(PARK_KINDS, len(PARK_KINDS)):
        name = f"{place}{kind}"
        if name not in used:
            used.add(name)
            return name
    return f"{place}{place_name(rng)}产业园"
