"""Masking (I3) as property tests: for generated Chinese names, ID numbers with valid checksums,
phone numbers, addresses, bank accounts and plates — in structured fields and inside free text —
nothing unmasked survives. The component alone here; through every public output in
test_masking_outputs.py."""

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanxiang.core.identifiers import make_id_number, validate_id_number
from sanxiang.publicity import masking
from sanxiang.publicity.masking import PersonalData, mask_person_name, mask_text, scrub

SURNAMES = [
    *"王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任",
    *"沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
    "欧阳",
    "司马",
    "诸葛",
    "上官",
]
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红"
    + "建国志伟海燕晓东春梅德胜永福金凤文博雨欣子涵浩宇"
)
FILLER = (
    "当事人于在经营场所销售过期食品经查实现场检查发现违法事实"
    + "清楚证据确凿依法作出如下决定责令改正并处罚款元。，；"
)
REGIONS = ["110101", "310104", "430102", "440305", "510107", "990101"]

names = st.builds(
    lambda s, g: s + g, st.sampled_from(SURNAMES), st.text(alphabet=GIVEN, min_size=1, max_size=2)
)
id_numbers = st.builds(
    make_id_number,
    st.sampled_from(REGIONS),
    st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2007, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
mobiles = st.builds(
    lambda p, rest, sep: f"1{p}{rest[:1]}{sep}{rest[1:5]}{sep}{rest[5:9]}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
    st.sampled_from(["", "", "-", " "]),
)
landlines = st.builds(
    lambda area, n: f"0{area}-{n}",
    st.sampled_from(["10", "21", "731", "755", "28"]),
    st.text(alphabet="0123456789", min_size=8, max_size=8).filter(lambda s: s[0] != "0"),
)
addresses = st.builds(
    lambda city, road, no, b, room: f"{city}市{road}路{no}号{b}栋{room}室",
    st.sampled_from(["云溪", "长沙", "湘潭", "株洲"]),
    st.sampled_from(["建设", "人民", "解放", "芙蓉", "五一"]),
    st.integers(1, 999),
    st.integers(1, 30),
    st.integers(101, 2808),
)
bank_accounts = st.text(alphabet="0123456789", min_size=16, max_size=19).map(lambda s: "6" + s[1:])
plates = st.builds(
    lambda p, letter, rest: f"{p}{letter}{rest}",
    st.sampled_from("湘京粤沪川"),
    st.sampled_from("ABCDEFGHJK"),
    st.text(alphabet="0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=5, max_size=5),
)
filler = st.text(alphabet=FILLER, max_size=12)


def _assert_no_leak(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text, (secret, text)
        digits = re.sub(r"\D", "", secret)
        if len(digits) >= 7:
            assert digits not in re.sub(r"\D", "", text) or digits not in text, (secret, text)
    assert not masking.leaks(text), text


@given(id_numbers)
def test_generated_id_numbers_are_valid(number):
    assert validate_id_number(number) == number


@given(names)
def test_names_keep_only_the_surname(name):
    masked = mask_person_name(name)
    assert masked != name
    assert masked.startswith(masking.surname_of(name))
    assert masked.endswith("某某")
    surname = masking.surname_of(name)
    given_name = name[len(surname) :]
    # what follows the surname never holds the given name (金金 masks to 金某某: the 金 is the surname)
    assert given_name not in masked[len(surname) :] or given_name == "某"


@pytest.mark.parametrize(
    ("pattern", "name", "expected"),
    [
        ("surname_mou", "张三", "张某某"),
        ("surname_mou", "欧阳娜娜", "欧阳某某"),
        ("surname_mou_by_length", "张三", "张某"),
        ("surname_mou_by_length", "张小明", "张某某"),
        ("surname_stars", "张小明", "张**"),
        ("surname_mou", "阿依古丽·买买提", "阿某某"),
    ],
)
def test_name_rules(pattern, name, expected):
    assert mask_person_name(name, pattern) == expected


@given(
    name=names,
    id_number=id_numbers,
    phone=st.one_of(mobiles, landlines),
    address=addresses,
    account=bank_accounts,
    plate=plates,
    parts=st.lists(filler, min_size=7, max_size=7),
    order=st.permutations(range(6)),
)
def test_known_personal_data_never_survives_in_free_text(
    name, id_number, phone, address, account, plate, parts, order
):
    values = [name, id_number, phone, address, account, plate]
    text = parts[0] + "".join(values[i] + parts[k + 1] for k, i in enumerate(order))
    person = PersonalData(
        name=name,
        id_numbers=(id_number,),
        phones=(phone,),
        addresses=(address,),
        bank_accounts=(account,),
        plates=(plate,),
    )
    masked = mask_text(text, [person])
    _assert_no_leak(masked, id_number, phone, address, account, plate)
    if len(name) >= 2:
        assert name not in masked


@given(
    id_number=id_numbers,
    phone=mobiles,
    address=addresses,
    account=bank_accounts,
    plate=plates,
    parts=st.lists(filler, min_size=6, max_size=6),
)
def test_unknown_personal_data_is_caught_by_pattern(id_number, phone, address, account, plate, parts):
    """Data typed into free text that the system does not know still cannot get out."""
    text = "".join(p + v for p, v in zip(parts, [id_number, phone, address, account, plate, ""], strict=True))
    masked = mask_text(text, [])
    _assert_no_leak(masked, id_number, phone, account, plate)
    assert address not in masked


@given(id_number=id_numbers, phone=mobiles, parts=st.lists(filler.filter(bool), min_size=3, max_size=3))
def test_scrub_removes_id_and_mobile_patterns(id_number, phone, parts):
    """The safety net is conservative: values separated by text (as on any rendered page)."""
    text = f"{parts[0]}{id_number}{parts[1]}{phone}{parts[2]}"
    scrubbed = scrub(text)
    assert id_number not in scrubbed
    assert not masking.leaks(scrubbed)


@pytest.mark.parametrize(
    "kept",
    [
        "云市监罚〔2026〕12号",
        "执法证号 43010020210001",
        "TEST000123",
        "AG1-2026-00001",
        "统一社会信用代码 91350100M000100Y43",
        "罚款8,000.00元",
        "《食品安全法》第一百二十四条",
        "2026-03-10",
    ],
)
def test_scrub_leaves_public_identifiers_alone(kept):
    assert scrub(kept) == kept


@pytest.mark.parametrize(
    "kept",
    ["云市监罚〔2026〕12号", "罚款8,000.00元", "第一百二十四条", "2026-03-10", "91350100M000100Y43"],
)
def test_mask_text_leaves_decision_numbers_amounts_and_codes(kept):
    assert mask_text(f"依据{kept}作出决定") == f"依据{kept}作出决定"


def test_house_numbers_and_villages_are_masked():
    assert "18号" not in mask_text("住建设路18号3栋501室")
    assert "3组" not in mask_text("住王家村3组")
