"""The API's orjson renderer writes the bytes DRF's renderer writes (floats: the same number, in
orjson's notation), and falls back to DRF's renderer for what orjson refuses."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer as DRFRenderer
from rest_framework.utils.serializer_helpers import ReturnDict

from sanxiang.core.renderers import JSONRenderer

OURS, DRFS = JSONRenderer(), DRFRenderer()

scalars = st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text()
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=30,
)


@given(documents)
def test_any_document_without_floats_is_the_same_bytes(document):
    assert OURS.render(document) == DRFS.render(document)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_the_same_numbers(number):
    assert json.loads(OURS.render({"x": number})) == json.loads(DRFS.render({"x": number}))


def test_values_drf_formats_itself_are_formatted_by_drf():
    shanghai = ZoneInfo("Asia/Shanghai")
    document = ReturnDict(
        {
            "at": dt.datetime(2026, 3, 10, 10, 0, 0, 123456, tzinfo=shanghai),
            "utc": dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC),
            "on": dt.date(2026, 3, 10),
            "time": dt.time(9, 30),
            "fine": Decimal("1234.50"),
            "label": gettext_lazy("负责人"),
            "codes": {"b"},
            7: "整数键",
            "separator": "第一行\u2028第二行\u2029",
        },
        serializer=None,
    )
    assert OURS.render(document) == DRFS.render(document)
    assert b"\\u2028" in OURS.render(document) and "\u2028".encode() not in OURS.render(document)


def test_what_orjson_refuses_and_indented_answers_come_from_drf():
    huge = {"n": 2**70}
    assert OURS.render(huge) == DRFS.render(huge) == b'{"n":1180591620717411303424}'
    indented = OURS.render({"a": [1]}, "application/json; indent=2")
    assert indented == DRFS.render({"a": [1]}, "application/json; indent=2") and b"\n" in indented
    assert OURS.render(None) == b""
