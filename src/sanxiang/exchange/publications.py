"""Export of publications in the national credit-publicity ("双公示") field layout (rules.md §16.1
penalty feed, §16.2 licence feed).

The publicity app owns publications (and their masking, I3); this module owns the layout. The
publicity app registers a provider at start-up:

    from sanxiang.exchange import publications
    publications.register_source("penalty", rows_fn)   # and "permit"

where `rows_fn(since: date | None, until: date | None)` yields one mapping per publication keyed
by the field codes below, values already in the standard's units (amounts in 10,000 CNY) and
already masked as publicity decides for the feed. The exporter writes the fields in the standard's
order with its Chinese headers (or the codes with `header_keys`), formats amounts to six decimals
and dates as YYYY-MM-DD, and reports rows missing a required field.

§16.1 field codes are those of the national standard as seen in public implementations (S);
§16.2 lists names only, so its codes here follow the same pattern with the XK_ prefix and must be
checked against the provincial credit platform's interface before go-live (U).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext

from sanxiang.core.errors import DomainError

Field = tuple[str, str, bool]  # (code, Chinese name, required)

PENALTY_FIELDS: tuple[Field, ...] = (
    ("CF_XDR_MC", "行政相对人名称", True),
    ("CF_XDR_LB", "行政相对人类别", True),
    ("CF_XDR_SHXYM", "统一社会信用代码", False),  # required for organisations
    ("CF_XDR_GSZC", "工商注册号", False),
    ("CF_XDR_ZZJG", "组织机构代码", False),
    ("CF_XDR_SWDJ", "税务登记号", False),
    ("CF_XDR_SYDW", "事业单位证书号", False),
    ("CF_XDR_SHZZ", "社会组织登记证号", False),
    ("CF_FRDB", "法定代表人", False),  # required for organisations
    ("CF_FR_ZJLX", "法定代表人证件类型", False),
    ("CF_FR_ZJHM", "法定代表人证件号码", False),
    ("CF_XDR_ZJLX", "证件类型", False),  # required for natural persons
    ("CF_XDR_ZJHM", "证件号码", False),  # required for natural persons
    ("CF_WSH", "行政处罚决定书文号", True),
    ("CF_WFXW", "违法行为类型", True),
    ("CF_SY", "违法事实", True),
    ("CF_YJ", "处罚依据", True),
    ("CF_CFLB", "处罚类别", True),
    ("CF_NR", "处罚内容", True),
    ("CF_NR_FK", "罚款金额（万元）", False),
    ("CF_NR_WFFF", "没收违法所得、没收非法财物的金额（万元）", False),
    ("CF_NR_ZKDX", "暂扣或吊销证照名称及编号", False),
    ("CF_JDRQ", "处罚决定日期", True),
    ("CF_YXQ", "处罚有效期", True),
    ("CF_GSJZQ", "公示截止期", False),
    ("CF_CFJG", "处罚机关", True),
    ("CF_CFJGDM", "处罚机关统一社会信用代码", True),
    ("CF_SJLY", "数据来源单位", True),
    ("CF_SJLYDM", "数据来源单位统一社会信用代码", True),
    ("BZ", "备注", False),
)

PERMIT_FIELDS: tuple[Field, ...] = (
    ("XK_XDR_MC", "行政相对人名称", True),
    ("XK_XDR_LB", "行政相对人类别", True),
    ("XK_XDR_SHXYM", "统一社会信用代码", False),
    ("XK_XDR_GSZC", "工商注册号", False),
    ("XK_XDR_ZZJG", "组织机构代码", False),
    ("XK_XDR_SWDJ", "税务登记号", False),
    ("XK_XDR_SYDW", "事业单位证书号", False),
    ("XK_XDR_SHZZ", "社会组织登记证号", False),
    ("XK_FRDB", "法定代表人", False),
    ("XK_FR_ZJLX", "法定代表人证件类型", False),
    ("XK_FR_ZJHM", "法定代表人证件号码", False),
    ("XK_XDR_ZJLX", "证件类型", False),
    ("XK_XDR_ZJHM", "证件号码", False),
    ("XK_XKWS", "行政许可决定文书名称", True),
    ("XK_WSH", "行政许可决定文书号", True),
    ("XK_XKLB", "许可类别", True),
    ("XK_XKZS", "许可证书名称", False),
    ("XK_XKBH", "许可编号", False),
    ("XK_NR", "许可内容", True),
    ("XK_JDRQ", "许可决定日期", True),
    ("XK_YXQZ", "有效期自", True),
    ("XK_YXQZI", "有效期至", True),
    ("XK_XKJG", "许可机关", True),
    ("XK_XKJGDM", "许可机关统一社会信用代码", True),
    ("XK_ZT", "当前状态", True),
    ("XK_LYDW", "数据来源单位", True),
    ("XK_LYDWDM", "数据来源单位统一社会信用代码", True),
    ("BZ", "备注", False),
)

LAYOUTS = {"penalty": PENALTY_FIELDS, "permit": PERMIT_FIELDS}
_AMOUNTS = {"CF_NR_FK", "CF_NR_WFFF"}
Provider = Callable[[dt.date | None, dt.date | None], Iterable[Mapping[str, Any]]]
_providers: dict[str, Provider] = {}


def register_source(kind: str, provider: Provider) -> None:
    if kind not in LAYOUTS:
        raise ValueError(f"unknown publication feed {kind!r}")
    _providers[kind] = provider


def unregister_source(kind: str) -> None:
    _providers.pop(kind, None)


def columns(kind: str) -> list[tuple[str, str]]:
    return [(code, name) for code, name, _ in LAYOUTS[kind]]


def _format(code: str, value: Any) -> Any:
    if value is None:
        return ""
    if code in _AMOUNTS:
        return f"{Decimal(str(value)):.6f}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "；".join(str(v) for v in value)
    return value


def rows(
    kind: str, *, since: dt.date | None = None, until: dt.date | None = None, missing: dict | None = None
):
    """The provider's rows in the feed's layout; `missing` counts empty required fields."""
    provider = _providers.get(kind)
    if provider is None:
        raise DomainError(
            "exchange.publications.no_source",
            gettext("公示模块尚未提供“双公示”数据源（publications.register_source）。"),
        )
    layout = LAYOUTS[kind]
    for row in provider(since, until):
        out = {code: _format(code, row.get(code)) for code, _, _ in layout}
        if missing is not None:
            for code, _, required in layout:
                if required and out[code] in ("", None):
                    missing[code] = missing.get(code, 0) + 1
        yield out
