"""The demo's reference data: the city, its agencies and staff, the item lists, discretion
benchmarks and review catalogs — read from `demo/data/*.yaml` and created through the services.

Divisions, fields and agencies have no service of their own (an administrator enters them in the
admin); they are created here the way the admin does. Everything else goes through
`org.services` and `catalog.services`, so the demo holds every invariant the services guard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib.auth.hashers import make_password

from sanxiang.catalog import rules
from sanxiang.catalog import services as catalog
from sanxiang.catalog.choices import DiscretionLevel, PartyKind, PenaltyType
from sanxiang.catalog.models import Article, CriterionKind, EnforcementItem
from sanxiang.core import calendar, clock, identifiers
from sanxiang.core.roles import Role
from sanxiang.org import services as org
from sanxiang.org.models import (
    Agency,
    AgencyKind,
    CertificateStatus,
    Division,
    Field,
    TrainingKind,
    User,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


def read(name: str) -> Any:
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))


@dataclass
class Staffing:
    """Who works where: the demo's people per agency, in the roles the walker needs."""

    officers: list[User] = field(default_factory=list)
    head: User | None = None
    reviewer: User | None = None
    editor: User | None = None
    supervisors: list[User] = field(default_factory=list)


@dataclass
class Validity:
    """An officer's certificate as the planner needs it (no query per check)."""

    fields: frozenset[int]
    valid_from: dt.date
    valid_to: dt.date
    active: bool

    def covers(self, field_id: int | None, first: dt.date, last: dt.date) -> bool:
        return (
            self.active
            and self.valid_from <= first
            and last <= self.valid_to
            and (field_id is None or field_id in self.fields)
        )


@dataclass
class World:
    divisions: dict[str, Division] = field(default_factory=dict)
    fields: dict[str, Field] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    staffing: dict[str, Staffing] = field(default_factory=dict)
    certificates: dict[int, list[Validity]] = field(default_factory=dict)  # user pk → certificates
    items: dict[str, EnforcementItem] = field(default_factory=dict)
    item_meta: dict[str, dict[str, Any]] = field(default_factory=dict)  # item code → its template
    agency_meta: dict[str, dict[str, Any]] = field(default_factory=dict)


# --- the city ------------------------------------------------------------------------------------


def build_city(world: World, *, reference_day: dt.date) -> None:
    city = read("city.yaml")
    for row in city["divisions"]:
        parent = world.divisions.get(row.get("parent"))
        world.divisions[row["code"]] = Division.objects.create(
            code=row["code"], name=row["name"], level=row["level"], parent=parent
        )
    for row in city["fields"]:
        world.fields[row["code"]] = Field.objects.create(code=row["code"], name=row["name"])
    for n, row in enumerate(city["agencies"], start=1):
        division = world.divisions[row["division"]]
        agency = Agency.objects.create(
            code=row["code"],
            name=row["name"],
            short_name=row["short_name"],
            kind=row.get("kind", AgencyKind.ADMINISTRATIVE_ORGAN),
            division=division,
            parent=world.agencies.get(row.get("parent")),
            entrusted_by=world.agencies.get(row.get("entrusted_by")),
            credit_code=identifiers.make_credit_code(f"11{division.code[:6]}MB{n:07d}"),
            legal_status=row.get("legal_status", ""),
            duties=row.get("duties", ""),
            address=row.get("address", ""),
            phone=row.get("phone", ""),
            complaint_channel=row.get("complaint_channel", ""),
            is_justice_bureau=bool(row.get("is_justice_bureau")),
        )
        agency.fields.set([world.fields[f] for f in row.get("fields", [])])
        world.agencies[agency.code] = agency
        world.agency_meta[agency.code] = row
        world.staffing[agency.code] = Staffing()


# --- staff, certificates, training -----------------------------------------------------------------

# Certificates that are not simply valid (CERT-*): (agency, officer number, what, reason).
_CERTIFICATE_CASES = (
    ("yx-scjg", 5, "expired", ""),
    ("yx-scjg", 6, "suspended", "年度执法考核不合格，暂扣执法证，待培训考试合格后发还"),
    ("yx-cg", 4, "revoked", "调离行政执法岗位，依规注销行政执法证"),
    ("yx-cg", 5, "expiring", ""),
    ("dh-scjg", 4, "expired", ""),
    ("yx-jt", 4, "suspended", "涉嫌违规执法，接受调查期间暂扣执法证"),
    ("yx-sthj", 4, "expired", ""),
    ("dh-cg", 4, "expiring", ""),
)


def build_staff(world: World, people, *, today: dt.date, reference_day: dt.date) -> User:
    """Demo accounts first (their names are documented), then `<agency>.<n>` for everyone else.
    Returns the admin user, the actor of the reference data."""
    city = read("city.yaml")
    password = make_password(settings.DEMO_PASSWORD)  # hashed once: every demo user shares it

    def add(agency_code: str, username: str, roles, full_name: str, **extra) -> User:
        user = org.create_staff(
            agency=world.agencies[agency_code],
            username=username,
            full_name=full_name,
            roles=roles,
            password=None,
            phone=people.phone(),
            **extra,
        )
        User.objects.filter(pk=user.pk).update(password=password)
        user.password = password
        world.users[username] = user
        return user

    accounts = {a["agency"]: [] for a in city["accounts"]}
    for row in city["accounts"]:
        extra = {k: row[k] for k in ("legal_qualification", "is_staff", "is_superuser") if k in row}
        user = add(row["agency"], row["username"], row["roles"], row["full_name"], **extra)
        accounts[row["agency"]].append(user)
    admin = world.users["admin"]

    for code, meta in world.agency_meta.items():
        staff = world.staffing[code]
        preset = {u.username: u for u in accounts.get(code, [])}
        serial = iter(range(1, 100))

        def username(code=code, serial=serial) -> str:
            return f"{code}.{next(serial)}"

        for n in range(1, int(meta.get("officers", 0)) + 1):
            preset_name = {1: "officer", 2: "officer2"}.get(n) if code == "yx-scjg" else None
            officer = preset.get(preset_name) or add(code, username(), [Role.OFFICER], people.name())
            staff.officers.append(officer)
        if meta.get("is_justice_bureau"):
            staff.supervisors = [u for u in accounts.get(code, []) if u.has_role(Role.SUPERVISOR)]
            while len(staff.supervisors) < int(meta.get("supervisors", 1)):
                staff.supervisors.append(add(code, username(), [Role.SUPERVISOR], people.name()))
            staff.reviewer = add(
                code,
                username(),
                [Role.REVIEWER],
                people.name(),
                legal_qualification=f"A{2010 + len(world.users) % 10}43{len(world.users):09d}",
                is_legal_adviser=True,
            )
            staff.head = add(code, username(), [Role.HEAD], people.name())
            staff.editor = add(code, username(), [Role.PUBLICITY_EDITOR], people.name())
            continue
        staff.head = preset.get("head") or add(code, username(), [Role.HEAD], people.name())
        staff.reviewer = preset.get("reviewer") or add(
            code,
            username(),
            [Role.REVIEWER],
            people.name(),
            legal_qualification=f"A{2010 + len(world.users) % 10}43{len(world.users):09d}",
        )
        staff.editor = preset.get("editor") or add(code, username(), [Role.PUBLICITY_EDITOR], people.name())

    _certify(world, admin, today=today, reference_day=reference_day)
    _train(world, admin, people, today=today)
    return admin


def _certify(world: World, admin: User, *, today: dt.date, reference_day: dt.date) -> None:
    special = {(a, n): (what, reason) for a, n, what, reason in _CERTIFICATE_CASES}
    serial = 0
    for code, staff in world.staffing.items():
        agency = world.agencies[code]
        issuer = "云溪市人民政府" if agency.division.level == "city" else f"{agency.division.name}人民政府"
        validity = rules.param("CERT-03.validity", on=today)
        years = int(validity.value)
        for n, officer in enumerate(staff.officers, start=1):
            what, reason = special.get((code, n), ("valid", ""))
            serial += 1
            # issued 17 to 52 months ago, so every certificate covers the demo's 14 months of cases
            start = calendar.add_months(reference_day, -(1 + serial * 7 % 36))
            end = calendar.add_months(start, 12 * years) - dt.timedelta(days=1)
            if what == "expired":  # expired a few months ago: older cases are still theirs
                end = today - dt.timedelta(days=60 + 25 * (serial % 4))
                start = calendar.add_months(end, -12 * years) + dt.timedelta(days=1)
            elif what == "expiring":  # inside the renewal window (CERT-03: 6 months before expiry)
                end = today + dt.timedelta(days=40 + 20 * (serial % 3))
                start = calendar.add_months(end, -12 * years) + dt.timedelta(days=1)
            fields = list(agency.fields.all())
            if agency.kind == AgencyKind.ENTRUSTED_ORGANISATION and agency.entrusted_by:
                issuer = f"{agency.entrusted_by.division.name}人民政府"
            number = f"{agency.division.code[:6]}{start.year}{serial:05d}"
            cert = org.issue_certificate(
                holder=officer,
                number=number,
                fields=fields,
                issuer=issuer,
                valid_from=start,
                valid_to=end,
                actor=admin,
            )
            if what in ("suspended", "revoked"):
                with clock.frozen(today - dt.timedelta(days=45)):
                    cert = org.change_certificate_status(cert, status=what, reason=reason, actor=admin)
            world.certificates.setdefault(officer.pk, []).append(
                Validity(frozenset(f.pk for f in fields), start, end, cert.status == CertificateStatus.ACTIVE)
            )


def _train(world: World, admin: User, people, *, today: dt.date) -> None:
    for staff in world.staffing.values():
        for officer in staff.officers:
            certs = world.certificates.get(officer.pk, [])
            suspended = any(not c.active for c in certs)
            first = min((c.valid_from for c in certs), default=today)
            org.record_training(
                user=officer,
                actor=admin,
                kind=TrainingKind.TRAINING,
                title="行政执法人员公共法律知识培训",
                date=first - dt.timedelta(days=60),
                hours=Decimal("40"),
            )
            org.record_training(
                user=officer,
                actor=admin,
                kind=TrainingKind.EXAM,
                title="行政执法资格考试",
                date=first - dt.timedelta(days=20),
                score=Decimal(70 + people.rng.randrange(26)),
                passed=True,
            )
            annual = today - dt.timedelta(days=90 + people.rng.randrange(120))
            score = Decimal(52 if suspended else 65 + people.rng.randrange(33))
            org.record_training(
                user=officer,
                actor=admin,
                kind=TrainingKind.EXAM,
                title=f"{annual.year}年度行政执法人员法律知识考试",
                date=annual,
                score=score,
                passed=score >= 60,
                hours=Decimal("0"),
            )
        if staff.reviewer is not None:
            org.record_training(
                user=staff.reviewer,
                actor=admin,
                kind=TrainingKind.TRAINING,
                title="重大执法决定法制审核业务培训",
                date=today - dt.timedelta(days=200 + people.rng.randrange(100)),
                hours=Decimal("16"),
            )


# --- items, benchmarks, review catalogs ----------------------------------------------------------

_CATEGORY_CODES = {
    "permit": "XK",
    "penalty": "CF",
    "coercion": "QZ",
    "levy": "ZS",
    "confirmation": "QR",
    "inspection": "JC",
    "other": "QT",
}


def item_code(agency: Agency, template_code: str) -> str:
    return f"{agency.code.upper().replace('-', '')}-{template_code}"


def _articles(pairs) -> list[Article]:
    return [catalog.article(law, int(number)) for law, number in pairs or []]


def build_items(world: World, admin: User) -> None:
    data = read("items.yaml")
    for template in data["templates"]:
        basis = _articles(template.get("basis"))
        penalty_basis = _articles(template.get("penalty_basis"))
        fine = template.get("fine")
        for code in template["agencies"]:
            agency = world.agencies[code]
            description = template.get("note", "")
            if template.get("multiple"):
                low, high = template["multiple"]
                description = f"{description}（罚款为{template['multiple_of']}的{low}至{high}倍）"
            item = catalog.create_item(
                actor=admin,
                code=item_code(agency, template["code"]),
                name=template["name"],
                category=template["category"],
                agency=agency,
                field=world.fields[template["field"]],
                description=description,
                legal_basis=basis,
                penalty_basis=penalty_basis,
                min_fine=Decimal(fine[0]) if fine else None,
                max_fine=Decimal(fine[1]) if fine else None,
                random_inspection=bool(template.get("random_inspection")),
                time_limit_note=template.get("time_limit", ""),
            )
            world.items[item.code] = item
            world.item_meta[item.code] = template


def _money(value: Decimal, span: Decimal) -> Decimal:
    step = Decimal(100) if span >= 1000 else Decimal(10)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def _ratio(value: Any) -> Decimal:
    return Decimal(str(value))


def bands(on: dt.date, agency: Agency | None = None) -> tuple[Decimal, Decimal]:
    """DISC-03: the lighter and heavier bands as shares of the statutory range (a rule parameter)."""
    return (
        _ratio(rules.param("DISC-03.lighter_band_ratio", on=on, agency=agency).value),
        _ratio(rules.param("DISC-03.heavier_band_ratio", on=on, agency=agency).value),
    )


_CONDITIONS = {
    DiscretionLevel.NO_PENALTY: (
        "初次违法且危害后果轻微并及时改正的；违法行为轻微并及时改正，没有造成危害后果的；"
        "当事人有证据足以证明没有主观过错的（行政处罚法第三十三条）",
        ["first_offence", "minor_harm", "corrected_promptly", "no_fault"],
    ),
    DiscretionLevel.MITIGATED: (
        "主动消除或者减轻违法行为危害后果的；受他人胁迫或者诱骗实施违法行为的；主动供述行政机关尚未掌握的"
        "违法行为的；配合行政机关查处违法行为有立功表现的；已满十四周岁不满十八周岁的（行政处罚法第三十条、第三十二条）",
        ["eliminated_harm", "coerced", "confessed", "meritorious", "minor_14_17"],
    ),
    DiscretionLevel.LIGHTER: (
        "初次违法，违法行为持续时间短，涉案货值或者违法所得较小，积极配合调查并及时改正的",
        ["first_offence", "short_duration", "small_amount", "cooperated"],
    ),
    DiscretionLevel.STANDARD: ("不具有从轻、减轻、从重情节的", []),
    DiscretionLevel.HEAVIER: (
        "一年内因同一违法行为受过行政处罚的；拒不配合调查或者隐匿、销毁证据的；造成人身伤害或者较大社会影响的；"
        "针对未成年人、老年人等群体实施的",
        ["repeat_offence", "obstructed", "serious_harm", "vulnerable_victims"],
    ),
}


def benchmark_levels(template: dict[str, Any], lighter: Decimal, heavier: Decimal) -> list[dict[str, Any]]:
    """The five tiers of one penalty item, their ranges cut from the statutory range by the DISC-03
    bands (lighter: the lower share, heavier: the upper share, standard: what lies between)."""
    heavy = "、".join(str(PenaltyType(p).label) for p in template.get("heavy", []))
    levels: list[dict[str, Any]] = []

    def level(kind, low=None, high=None, other=""):
        conditions, circumstances = _CONDITIONS[kind]
        levels.append(
            {
                "level": kind,
                "conditions": conditions,
                "circumstances": circumstances,
                "min_fine": low,
                "max_fine": high,
                "other_penalties": other[:200],
            }
        )

    level(DiscretionLevel.NO_PENALTY, other="不予行政处罚，予以批评教育并责令改正")
    if template.get("fine"):
        low, high = (Decimal(v) for v in template["fine"])
        span = high - low
        cut_low, cut_high = _money(low + span * lighter, span), _money(high - span * heavier, span)
        if low > 0:
            level(DiscretionLevel.MITIGATED, Decimal(0), low, "在法定最低罚款数额以下处以罚款")
        else:
            level(DiscretionLevel.MITIGATED, other="给予警告，不予罚款")
        level(DiscretionLevel.LIGHTER, low, cut_low)
        level(DiscretionLevel.STANDARD, cut_low, cut_high)
        level(DiscretionLevel.HEAVIER, cut_high, high, f"并可{heavy}" if heavy else "")
    elif template.get("multiple"):
        low, high = (Decimal(str(v)) for v in template["multiple"])
        span = high - low
        cut_low = (low + span * lighter).quantize(Decimal("0.1"))
        cut_high = (high - span * heavier).quantize(Decimal("0.1"))
        base = template["multiple_of"]
        level(DiscretionLevel.MITIGATED, other=f"处{base}{low}倍以下的罚款")
        level(DiscretionLevel.LIGHTER, other=f"处{base}{low}倍以上{cut_low}倍以下的罚款")
        level(DiscretionLevel.STANDARD, other=f"处{base}{cut_low}倍以上{cut_high}倍以下的罚款")
        extra = f"；并可{heavy}" if heavy else ""
        level(DiscretionLevel.HEAVIER, other=f"处{base}{cut_high}倍以上{high}倍以下的罚款{extra}")
    else:  # the article leaves the amount to provincial rules: tiers by kind of penalty only
        level(DiscretionLevel.MITIGATED, other="责令改正，免予罚款")
        level(DiscretionLevel.LIGHTER, other="警告")
        level(DiscretionLevel.STANDARD, other="警告，并责令限期改正")
        level(
            DiscretionLevel.HEAVIER,
            other=f"警告并处罚款（数额按省级规定标准从重确定）{'；并可' + heavy if heavy else ''}",
        )
    return levels


def build_benchmarks(world: World, admin: User, *, effective_from: dt.date) -> None:
    lighter, heavier = bands(effective_from)
    for code, item in world.items.items():
        if item.category != "penalty":
            continue
        catalog.create_benchmark(
            item=item,
            effective_from=effective_from,
            published_on=effective_from - dt.timedelta(days=15),
            source=f"{item.agency.name}行政处罚裁量基准（演示数据；阶次按DISC-03参数划分）",
            levels=benchmark_levels(world.item_meta[code], lighter, heavier),
            actor=admin,
        )


# REV-09 lists local catalogues' amount triggers as examples only (confidence U); the demo uses one
# of them, 20,000 yuan for a citizen and 50,000 for an organisation, as its catalogue rows.
REVIEW_THRESHOLDS = {PartyKind.PERSON: Decimal(20000), PartyKind.ORGANISATION: Decimal(50000)}
MAJOR_PROPERTY = Decimal(100000)
_REV_SOURCE = "REV-09所列地方目录示例（演示数值）"


def review_criteria() -> list[dict[str, Any]]:
    criteria: list[dict[str, Any]] = []
    for kind, amount in REVIEW_THRESHOLDS.items():
        who = "公民" if kind == PartyKind.PERSON else "法人或者其他组织"
        criteria += [
            {
                "code": f"FINE-{kind}",
                "kind": CriterionKind.FINE_AT_LEAST,
                "description": f"对{who}处以{amount:,.0f}元以上罚款",
                "party_kind": kind,
                "amount": amount,
                "source": _REV_SOURCE,
            },
            {
                "code": f"CONFISCATION-{kind}",
                "kind": CriterionKind.CONFISCATION_AT_LEAST,
                "description": f"对{who}没收违法所得、非法财物价值{amount:,.0f}元以上",
                "party_kind": kind,
                "amount": amount,
                "source": _REV_SOURCE,
            },
        ]
    criteria += [
        {
            "code": "PENALTY-TYPE",
            "kind": CriterionKind.PENALTY_TYPE,
            "description": "吊销许可证件、责令停产停业、责令关闭、降低资质等级、限制从业",
            "values": [
                PenaltyType.REVOKE_LICENCE,
                PenaltyType.ORDER_SUSPENSION,
                PenaltyType.ORDER_CLOSURE,
                PenaltyType.LOWER_QUALIFICATION,
                PenaltyType.RESTRICT_PRACTICE,
            ],
            "source": "行政处罚法第五十八条；国办发〔2018〕118号",
        },
        {
            "code": "HEARING",
            "kind": CriterionKind.HEARING_HELD,
            "description": "直接关系当事人或者第三人重大权益，经过听证程序的",
            "source": "行政处罚法第五十八条第一款第二项",
        },
        {
            "code": "PROPERTY",
            "kind": CriterionKind.MAJOR_PROPERTY_COERCION,
            "description": f"对价值{MAJOR_PROPERTY:,.0f}元以上的财物采取查封、扣押等行政强制措施",
            "amount": MAJOR_PROPERTY,
            "source": _REV_SOURCE,
        },
    ]
    flags = (
        ("major_public_interest", "涉及重大公共利益的", "行政处罚法第五十八条第一款第一项"),
        ("major_social_impact", "可能造成重大社会影响或者引发社会风险的", "国办发〔2018〕118号"),
        (
            "complex_multiple_relations",
            "案件情况疑难复杂、涉及多个法律关系的",
            "行政处罚法第五十八条第一款第三项",
        ),
        ("other_by_law", "法律、法规规定应当进行法制审核的其他情形", "行政处罚法第五十八条第一款第四项"),
    )
    for n, (flag, text, source) in enumerate(flags, start=1):
        criteria.append(
            {
                "code": f"FLAG-{n}",
                "kind": CriterionKind.FLAG,
                "description": text,
                "values": [flag],
                "source": source,
            }
        )
    return criteria


def build_review_catalogs(world: World, admin: User, *, effective_from: dt.date) -> None:
    for agency in world.agencies.values():
        if agency.is_justice_bureau:
            continue
        catalog.create_review_catalog(
            agency=agency,
            effective_from=effective_from,
            source=f"{agency.name}重大执法决定法制审核目录清单（演示数据）",
            criteria=review_criteria(),
            actor=admin,
            note="金额标准为演示数值，取自REV-09所列地方目录示例（各地差异较大，须按本地目录调整）。",
        )


def threshold_for(kind: str) -> Decimal:
    return REVIEW_THRESHOLDS[PartyKind(kind)]


def build(people, *, today: dt.date, reference_day: dt.date) -> tuple[World, User]:
    world = World()
    catalog.load_laws()
    build_city(world, reference_day=reference_day)
    admin = build_staff(world, people, today=today, reference_day=reference_day)
    build_items(world, admin)
    effective = dt.date(reference_day.year - 1, 1, 1)
    build_benchmarks(world, admin, effective_from=effective)
    build_review_catalogs(world, admin, effective_from=effective)
    return world, admin


def reload(world: World) -> World:
    """The world of an already loaded demo (for a second run and for the hooks)."""
    city = read("city.yaml")
    codes = [a["code"] for a in city["agencies"]]
    world.agencies = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    world.divisions = {
        d.code: d for d in Division.objects.filter(code__in=[d["code"] for d in city["divisions"]])
    }
    world.fields = {f.code: f for f in Field.objects.filter(code__in=[f["code"] for f in city["fields"]])}
    world.users = {
        u.username: u for u in User.objects.filter(agency__code__in=codes).select_related("agency")
    }
    world.items = {i.code: i for i in EnforcementItem.objects.filter(agency__code__in=codes)}
    world.agency_meta = {a["code"]: a for a in city["agencies"]}
    for code in world.agencies:
        world.staffing[code] = Staffing()
    for user in sorted(world.users.values(), key=lambda u: u.pk):
        staff = world.staffing[user.agency.code]
        if user.has_role(Role.OFFICER):
            staff.officers.append(user)
        if user.has_role(Role.SUPERVISOR):
            staff.supervisors.append(user)
        for role, attribute in (
            (Role.HEAD, "head"),
            (Role.REVIEWER, "reviewer"),
            (Role.PUBLICITY_EDITOR, "editor"),
        ):
            if user.has_role(role) and getattr(staff, attribute) is None:
                setattr(staff, attribute, user)
    return world
