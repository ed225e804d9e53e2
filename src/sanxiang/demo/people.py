"""Synthetic people and businesses for the demo: names, ID numbers and credit codes.

Every identifier is well formed (it passes the checksum checks of `core.identifiers`) but carries
the region code 99, which GB/T 2260 does not assign — so no demo party can be mistaken for a real
one. Names are drawn from common surnames and given-name characters with a seeded random.
"""

from __future__ import annotations

import datetime as dt
import random

from sanxiang.core import identifiers

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程魏苏吕丁任沈"
    "姚卢姜崔钟谭陆汪范廖石金贾夏韦付方邹熊白孟秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万覃武钱戴严莫孔向常"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华飞玉萍红娥建国文辉力波宁鹏斌宇浩凯健俊帆帅旭"
    "雪梅琳晶颖婷倩慧佳欣怡晨阳昊然子轩梓涵一诺思远晓峰雨桐志强海燕春燕秋菊冬梅立新永红德明世杰"
)
# Region codes of the fictional city's districts (ID numbers and credit codes): 99 is unassigned.
REGIONS = {"439900": "990100", "439901": "990101", "439902": "990102", "439921": "990121"}
STREETS = {
    "439900": ("政务大道", "迎宾路", "云溪大道", "人民路", "解放路"),
    "439901": ("湖滨路", "东湖路", "望湖街", "滨江路", "荷花路"),
    "439902": ("西山大道", "文昌路", "枫林路", "环保路", "交通路"),
    "439921": ("建设路", "石桥街", "青石大道", "新华路", "沿河路"),
}
INDUSTRIES = {
    "market": ("食品", "商贸", "超市", "餐饮管理", "电器", "母婴用品", "建材", "副食品"),
    "urban": ("餐饮", "广告", "建筑工程", "渣土运输", "物业管理", "烧烤"),
    "ecology": ("化工", "涂装", "建材", "铸造", "印刷", "热力"),
    "transport": ("运输", "客运", "物流", "汽车维修", "客运站"),
    "emergency": ("化工", "机械制造", "仓储", "燃气", "建筑工程", "烟花爆竹"),
    "resources": ("矿业", "砂石", "房地产开发", "建设工程"),
    "culture": ("旅行社", "文化传媒", "娱乐", "酒店管理", "景区管理", "体育发展"),
}
SHOPS = {
    "market": ("便利店", "食品店", "超市", "面馆", "小吃店", "副食店", "烟酒店"),
    "urban": ("烧烤店", "餐馆", "广告部", "装饰部", "夜宵店"),
    "ecology": ("干洗店", "汽修厂"),
    "transport": ("货运部", "汽修店", "物流部"),
    "emergency": ("五金店", "加工厂", "煤气站"),
    "resources": ("砂石场", "石料厂"),
    "culture": ("网吧", "歌厅", "农家乐", "民宿"),
}
WORDS = "恒达鑫源华盛兴隆永安金辉宏远顺发佳禾瑞丰天成利民康泰盛世博雅新锐"


class People:
    """A seeded source of synthetic names, addresses and identifiers."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._serial = 0

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def name(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given

    def phone(self) -> str:
        return f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"

    def address(self, division_code: str) -> str:
        county = division_code[:6]
        street = self.rng.choice(STREETS.get(county, STREETS["439900"]))
        place = {"439901": "云溪市东湖区", "439902": "云溪市西山区", "439921": "青石县"}.get(county, "云溪市")
        return f"{place}{street}{self.rng.randrange(1, 300)}号"

    def birth(self, *, minor: str | None = None, today: dt.date) -> dt.date:
        """A birth date; `child` stays under 14 and `teen` between 14 and 17 for the demo's 14 months."""
        if minor == "child":  # no penalty (PEN-24)
            years = self.rng.randrange(10, 12)
        elif minor == "teen":  # penalty mitigated (PEN-25)
            years = 16
        else:
            years = self.rng.randrange(22, 64)
        return today - dt.timedelta(days=365 * years + self.rng.randrange(300))

    def id_number(self, division_code: str, birth: dt.date) -> str:
        return identifiers.make_id_number(REGIONS.get(division_code[:6], "990100"), birth, self._next())

    def credit_code(self, division_code: str, *, individual: bool = False) -> str:
        alphabet = identifiers.USCC_ALPHABET
        body = "".join(self.rng.choice(alphabet) for _ in range(9))
        prefix = "92" if individual else "91"
        return identifiers.make_credit_code(f"{prefix}{REGIONS.get(division_code[:6], '990100')}{body}")

    def company(self, field: str, city: str = "云溪", trades=None) -> str:
        word = "".join(self.rng.sample(WORDS, 2))
        return f"{city}{word}{self.rng.choice(trades or INDUSTRIES.get(field, INDUSTRIES['market']))}有限公司"

    def shop(self, field: str, district: str, owner: str, shops=None) -> str:
        return f"{district}{owner[0]}记{self.rng.choice(shops or SHOPS.get(field, SHOPS['market']))}"
